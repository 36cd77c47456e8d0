from __future__ import annotations

import re

import pytest

from studies.roles import Role

NAV_LABELS = {
    Role.RADIOLOGIST: ["Radiology", "Worklist", "Studies", "Upload"],
    Role.SENIOR_RADIOLOGIST: ["Radiology", "Worklist", "Studies", "Upload"],
    Role.INTERVENTIONAL_RADIOLOGIST: ["Interventional radiology", "Referrals", "Studies"],
    Role.DEPARTMENT_LEAD: ["Department", "Statistics", "Studies"],
    Role.ADMIN: ["Administration", "Statistics", "Audit trail", "Studies", "Upload"],
}
HOME_BY_ROLE = {
    Role.RADIOLOGIST: "/radiology/",
    Role.SENIOR_RADIOLOGIST: "/radiology/",
    Role.INTERVENTIONAL_RADIOLOGIST: "/ir/",
    Role.DEPARTMENT_LEAD: "/department/",
    Role.ADMIN: "/admin/",
}
WORKSPACES = ["/radiology/", "/ir/", "/department/"]


def nav_labels(html: str) -> list[str]:
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    assert nav, "page has no main navigation"
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav.group(0))


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_home_sends_each_role_to_its_workspace(client_for, role: Role) -> None:
    response = client_for(role).get("/")
    assert response.status_code == 302
    assert response["Location"] == HOME_BY_ROLE[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
def test_each_role_sees_its_own_navigation(client_for, role: Role) -> None:
    response = client_for(role).get(HOME_BY_ROLE[role])
    assert response.status_code == 200
    assert nav_labels(response.content.decode()) == NAV_LABELS[role]


@pytest.mark.django_db
def test_admin_lands_on_administration(client_for) -> None:
    client = client_for(Role.ADMIN)
    assert client.get("/admin/").status_code == 200
    response = client.get("/accounts/password/")
    assert nav_labels(response.content.decode()) == NAV_LABELS[Role.ADMIN]


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("workspace", WORKSPACES)
def test_workspaces_of_other_roles_are_forbidden(client_for, role: Role, workspace: str) -> None:
    expected = 200 if HOME_BY_ROLE[role] == workspace else 403
    assert client_for(role).get(workspace).status_code == expected


@pytest.mark.django_db
def test_user_without_role_is_told_so_and_sees_no_workspace(client_for) -> None:
    client = client_for(None)
    response = client.get("/")
    assert response.status_code == 200
    assert b"No role assigned" in response.content
    assert nav_labels(response.content.decode()) == []
    for workspace in WORKSPACES:
        assert client.get(workspace).status_code == 403


@pytest.mark.django_db
def test_non_staff_cannot_enter_the_admin(client_for) -> None:
    response = client_for(Role.DEPARTMENT_LEAD).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
