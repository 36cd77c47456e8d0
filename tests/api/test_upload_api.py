"""POST /api/v1/uploads/: who may upload, what comes back, and what is stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from rest_framework.authtoken.models import Token

from studies.models import Instance, Series
from studies.roles import Role
from tests.services.conftest import dicom_files, write_series
from tests.services.zips import folder_members, write_zip

pytestmark = pytest.mark.django_db
URL = "/api/v1/uploads/"


@pytest.fixture(scope="module")
def series_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_series(tmp_path_factory.mktemp("upload-api"))


def as_uploads(files: list[Path]) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f.name, f.read_bytes()) for f in files]


def post(client: Client, uploads: list[SimpleUploadedFile], **extra: str):
    return client.post(URL, {"files": uploads}, **extra)


def test_anonymous_callers_get_401(series_folder: Path) -> None:
    response = post(Client(), as_uploads(dicom_files(series_folder)[:1]))
    assert response.status_code == 401
    assert not Instance.objects.exists()


@pytest.mark.parametrize("role", [Role.INTERVENTIONAL_RADIOLOGIST, Role.DEPARTMENT_LEAD, None])
def test_roles_without_the_upload_permission_get_403(client_for, series_folder: Path, role) -> None:
    response = post(client_for(role), as_uploads(dicom_files(series_folder)[:1]))
    assert response.status_code == 403
    assert not Instance.objects.exists()


def test_radiologist_uploads_several_files(client_for, series_folder: Path) -> None:
    files = dicom_files(series_folder)[:8]
    response = post(client_for(Role.RADIOLOGIST), as_uploads(files))
    assert response.status_code == 201
    body = response.json()
    assert body["summary"] == {"stored": 8, "duplicate": 0, "rejected": 0}
    assert [f["name"] for f in body["files"]] == [f.name for f in files]
    assert {f["outcome"] for f in body["files"]} == {"stored"}
    (analysis,) = body["analyses"]
    series = Series.objects.get()
    assert analysis["series_instance_uid"] == series.series_instance_uid
    assert analysis["status"] in {"queued", "excluded"}
    assert analysis["id"] == series.analyses.get().pk


def test_a_zip_upload_is_unpacked(client_for, series_folder: Path, tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "study.zip", folder_members(series_folder, "CT/"))
    response = post(client_for(Role.SENIOR_RADIOLOGIST), as_uploads([archive]))
    assert response.status_code == 201
    count = len(dicom_files(series_folder))
    assert response.json()["summary"]["stored"] == count == Instance.objects.count()
    assert response.json()["files"][0]["name"].startswith("study.zip/CT/")


def test_uploading_again_changes_nothing(client_for, series_folder: Path) -> None:
    client = client_for(Role.RADIOLOGIST)
    files = dicom_files(series_folder)[:5]
    assert post(client, as_uploads(files)).status_code == 201
    before = list(Instance.objects.values_list("pk", "relative_path"))
    again = post(client, as_uploads(files))
    assert again.status_code == 200
    assert again.json()["summary"] == {"stored": 0, "duplicate": 5, "rejected": 0}
    assert again.json()["analyses"] == []
    assert list(Instance.objects.values_list("pk", "relative_path")) == before


def test_bad_files_are_reported_and_good_ones_stored(client_for, series_folder: Path) -> None:
    good = dicom_files(series_folder)[:3]
    broken = [
        SimpleUploadedFile("truncated.dcm", good[0].read_bytes()[:200]),
        SimpleUploadedFile("notes.txt", b"not dicom"),
        SimpleUploadedFile("empty.dcm", b""),
    ]
    response = post(client_for(Role.RADIOLOGIST), [*broken, *as_uploads(good)])
    assert response.status_code == 201
    body = response.json()
    assert body["summary"] == {"stored": 3, "duplicate": 0, "rejected": 3}
    rejected = {f["name"]: f["message"] for f in body["files"] if f["outcome"] == "rejected"}
    assert set(rejected) == {"truncated.dcm", "notes.txt", "empty.dcm"}
    assert all(rejected.values())
    assert Instance.objects.count() == 3


def test_a_request_without_files_is_refused(client_for) -> None:
    client = client_for(Role.RADIOLOGIST)
    for response in (client.post(URL, {}), client.post(URL, {"other": SimpleUploadedFile("a.dcm", b"x")})):
        assert response.status_code == 400
        assert "No file was sent" in response.json()["files"][0]


@override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=2)
def test_too_many_files_in_one_request_get_a_json_400(client_for, series_folder: Path) -> None:
    response = post(client_for(Role.RADIOLOGIST), as_uploads(dicom_files(series_folder)[:3]))
    assert response.status_code == 400
    assert "At most 2 files per request" in response.json()["detail"]
    assert not Instance.objects.exists()


def test_browser_sessions_need_the_csrf_token_and_scripts_a_token(make_user, series_folder: Path) -> None:
    user = make_user(Role.RADIOLOGIST)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    files = dicom_files(series_folder)
    assert post(browser, as_uploads(files[:1])).status_code == 403
    page = browser.get("/upload/")
    token = page.context["csrf_token"]
    assert post(browser, as_uploads(files[:1]), HTTP_X_CSRFTOKEN=str(token)).status_code == 201
    key = Token.objects.create(user=user).key
    assert post(Client(), as_uploads(files[1:2]), HTTP_AUTHORIZATION=f"Token {key}").status_code == 201
    assert Instance.objects.count() == 2
