from __future__ import annotations

from pathlib import Path

import pytest

from studies.roles import Role
from tests.conftest import PASSWORD

LANDING = {
    Role.RADIOLOGIST: ("/radiology/", "Radiology"),
    Role.SENIOR_RADIOLOGIST: ("/radiology/", "Radiology"),
    Role.INTERVENTIONAL_RADIOLOGIST: ("/ir/", "Interventional radiology"),
    Role.DEPARTMENT_LEAD: ("/department/", "Department"),
    Role.ADMIN: ("/admin/", "Site administration"),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(Role))
def test_each_role_logs_in_lands_on_its_workspace_and_logs_out(
    live_server, page, make_user, role: Role, screenshot_dir: Path
) -> None:
    user = make_user(role)
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    path, heading = LANDING[role]
    page.wait_for_url(f"{live_server.url}{path}")
    assert page.locator("h1").first.inner_text() == heading
    page.screenshot(path=str(screenshot_dir / f"home-{role.value}.png"), full_page=True)

    if role is not Role.ADMIN:
        page.click("text=Log out")
        page.wait_for_url(f"{live_server.url}/accounts/login/")
        page.goto(f"{live_server.url}{path}")
        assert page.url.startswith(f"{live_server.url}/accounts/login/")


@pytest.mark.django_db(transaction=True)
def test_wrong_password_shows_an_error(live_server, page, make_user) -> None:
    user = make_user(Role.RADIOLOGIST)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")
    assert "didn't match" in page.locator("[role=alert]").inner_text()
