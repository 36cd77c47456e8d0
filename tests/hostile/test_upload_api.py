"""POST /api/v1/uploads/ with the hostile corpus: each bad file or archive member is reported with its
reason in a 2xx answer, the good file among them is stored, malformed requests are 4xx with a
message (never 500), and the study stored before is untouched."""

from __future__ import annotations

import gzip
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from studies.api.uploads import NO_FILE
from studies.roles import Role
from studies.services.ingest import Outcome
from tests.hostile import corpus
from tests.hostile.conftest import assert_rejected_with_reasons, staging_left, stored_files

URL = "/api/v1/uploads/"


@pytest.fixture
def uploader(make_user: Any) -> Client:
    client = Client(raise_request_exception=False)  # a 500 is an answer to check, not an exception
    client.force_login(make_user(Role.RADIOLOGIST))
    return client


def _post(client: Client, files: dict[str, bytes]) -> Any:
    uploads = [SimpleUploadedFile(name, data) for name, data in files.items()]
    return client.post(URL, {"files": uploads})


def _outcomes(response: Any) -> dict[str, tuple[str, str]]:
    return {f["name"]: (f["outcome"], f["message"]) for f in response.json()["files"]}


def test_broken_files_are_reported_one_by_one(uploader, data_dir, unchanged, good_file) -> None:
    name, good = good_file()
    response = _post(uploader, {**corpus.broken_files(), name: good})
    assert response.status_code == 201, response.content[:300]
    outcomes = _outcomes(response)
    assert_rejected_with_reasons(outcomes)
    assert outcomes[name][0] == Outcome.STORED.value
    assert response.json()["summary"]["rejected"] == len(corpus.broken_files())
    assert staging_left(data_dir) == []
    unchanged()


def test_hostile_archives_are_refused_member_by_member(uploader, data_dir, unchanged, settings) -> None:
    settings.VCF_ARCHIVE_MAX_MEMBERS = 50
    good = corpus.ct_slice(patient_id="HOSTILE-ZIP")
    files_before = stored_files(data_dir)
    response = _post(
        uploader,
        {
            "slip.zip": corpus.zip_slip(good),
            "bomb.zip": corpus.zip_bomb(),
            "many.zip": corpus.zip_of_many(51),
            "nested.zip": corpus.zip_bytes([("inner.zip", corpus.zip_bytes([("a.dcm", good)]))]),
            "files.tar.gz": gzip.compress(good),
            "mixed.zip": corpus.zip_bytes([("ok/good.dcm", good), ("ok/zero.dcm", b"")]),
        },
    )
    assert response.status_code == 201, response.content[:300]
    outcomes = _outcomes(response)
    for member in ("../../etc/passwd", "/etc/shadow", "C:\\Windows\\evil.dcm", "ok/../../../escape.dcm"):
        outcome, message = outcomes[f"slip.zip/{member}"]
        assert outcome == Outcome.REJECTED.value and "unsafe path" in message, member
    assert "zip bomb" in outcomes["bomb.zip/bomb.dcm"][1]
    assert outcomes["many.zip"] == (
        Outcome.REJECTED.value,
        "archive holds 51 entries, more than the limit of 50",
    )
    assert "archive inside archive" in outcomes["nested.zip/inner.zip"][1]
    assert "only zip archives are unpacked" in outcomes["files.tar.gz"][1]
    assert outcomes["mixed.zip/ok/good.dcm"][0] == Outcome.STORED.value
    assert outcomes["mixed.zip/ok/zero.dcm"] == (Outcome.REJECTED.value, "empty file (0 bytes)")
    assert len(stored_files(data_dir) - files_before) == 1  # only the good member, under its UIDs
    assert not any("passwd" in p or "escape" in p or "shadow" in p for p in stored_files(data_dir))
    assert staging_left(data_dir) == []
    unchanged()


def test_a_hostile_file_name_is_only_echoed(uploader, data_dir, unchanged) -> None:
    response = _post(uploader, {"../../etc/evil\r\n<script>.dcm": corpus.ct_slice(patient_id="HOSTILE-NAME")})
    assert response.status_code == 201
    (reported,) = response.json()["files"]
    assert "/" not in reported["name"] and reported["outcome"] == Outcome.STORED.value
    assert not (data_dir.parent / "etc").exists()
    unchanged()


def test_an_upload_over_the_limit_is_413_and_changes_nothing(uploader, data_dir, unchanged, settings) -> None:
    settings.VCF_UPLOAD_MAX_BYTES = 4096
    files_before = stored_files(data_dir)
    response = _post(uploader, {"big.dcm": corpus.ct_slice() + bytes(8192)})
    assert response.status_code == 413
    assert "larger than the limit of 4.0 KiB" in response.json()["detail"]
    assert stored_files(data_dir) == files_before
    unchanged()


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        (
            "multipart/form-data; boundary=XYZ",
            b'--XYZ\r\nContent-Disposition: form-data; name="files"\r\n',
            400,
        ),
        ("multipart/form-data", b"no boundary at all", 400),
        ("multipart/form-data; boundary=" + "B" * 500, b"--" + b"B" * 500 + b"--\r\n", 415),
        ("application/json", b'{"files": ["x"]}', 415),
        ("application/dicom", corpus.ct_slice(), 415),
    ],
)
def test_malformed_requests_are_4xx_with_a_message(uploader, unchanged, content_type, body, status) -> None:
    response = uploader.post(URL, body, content_type=content_type)
    assert response.status_code == status, response.content[:300]
    answer = response.json()  # {"detail": ...}, or {"files": [...]} when the body holds no file
    assert answer.get("detail") or answer.get("files") == [NO_FILE], answer
    unchanged()


def test_the_upload_page_takes_no_files_itself(uploader, data_dir, unchanged) -> None:
    """The page only serves the form (its script posts to the API): a POST to it stores nothing."""
    files_before = stored_files(data_dir)
    response = uploader.post("/upload/", {"files": [SimpleUploadedFile("a.dcm", corpus.ct_slice())]})
    assert response.status_code == 405
    assert stored_files(data_dir) == files_before
    unchanged()
