"""The upload page in a real browser: files chosen or dropped, sent in batches, results shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from studies.models import Instance
from studies.roles import Role
from tests.conftest import PASSWORD
from tests.services.conftest import dicom_files, write_series
from tests.services.zips import folder_members, write_zip

LIMIT = 200 * 1024  # small, so that a dozen files need several requests


@pytest.fixture(scope="module")
def series_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_series(tmp_path_factory.mktemp("upload-browser"))


def log_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next=/upload/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/upload/")


@pytest.mark.django_db(transaction=True)
@override_settings(VCF_UPLOAD_MAX_BYTES=LIMIT)
def test_files_are_uploaded_in_batches_and_every_one_is_reported(
    live_server, page, make_user, series_folder: Path, tmp_path: Path, screenshot_dir: Path
) -> None:
    files = dicom_files(series_folder)[:12]
    notes = tmp_path / "notes.txt"
    notes.write_text("not dicom")
    too_big = write_zip(tmp_path / "whole.zip", folder_members(series_folder))
    assert too_big.stat().st_size > LIMIT
    log_in(page, live_server, make_user(Role.RADIOLOGIST))

    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.set_input_files("#pick-files", [str(f) for f in [*files, notes, too_big]])
    assert page.locator("#selection").inner_text().startswith("14 files chosen")
    page.click("#start")
    page.wait_for_selector("#progress-text:has-text('Finished')", timeout=60_000)

    assert page.locator("#count-stored").inner_text() == "12"
    assert page.locator("#count-rejected").inner_text() == "2"
    rows = page.locator("#files-table tbody tr")
    assert rows.count() == 14
    table = page.locator("#files-table").inner_text()
    assert "larger than the upload limit" in table and "notes.txt" in table
    assert page.locator("#analyses-table tbody tr").count() == 1
    assert page.locator("#progress-bar").evaluate("bar => bar.value") == 1
    assert Instance.objects.count() == 12
    assert len(posts) > 1 and set(posts) == {f"{live_server.url}/api/v1/uploads/"}
    page.screenshot(path=str(screenshot_dir / "upload-result.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_dropped_files_are_chosen_without_the_litter(live_server, page, make_user) -> None:
    log_in(page, live_server, make_user(Role.RADIOLOGIST))
    dropped = page.evaluate_handle(
        """() => {
            const data = new DataTransfer();
            data.items.add(new File(["x"], "IM0001"));
            data.items.add(new File(["junk"], ".DS_Store"));
            return data;
        }"""
    )
    page.dispatch_event("#dropzone", "drop", {"dataTransfer": dropped})
    page.wait_for_selector("#selection:has-text('1 file chosen')")
    assert page.locator("#start").is_enabled()
