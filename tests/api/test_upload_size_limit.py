"""The upload size limit: refused before the body is read, and counted again while it streams."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import Client, override_settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from studies.api.uploads import LimitedTemporaryFileUploadHandler, UploadTooLarge
from studies.ingest.store import DicomStore
from studies.models import Instance
from studies.roles import Role
from tests.services.conftest import dicom_files, write_series
from tests.services.zips import folder_members, write_zip

pytestmark = pytest.mark.django_db
URL = "/api/v1/uploads/"
LIMIT = 64 * 1024


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the request body was read")

    def readline(self, size: int | None = -1) -> bytes:
        raise AssertionError("the request body was read")


@pytest.fixture(scope="module")
def series_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_series(tmp_path_factory.mktemp("upload-limit"))


@override_settings(VCF_UPLOAD_MAX_BYTES=LIMIT)
def test_a_declared_length_over_the_limit_is_refused_unread(make_user) -> None:
    browser = Client(enforce_csrf_checks=True)  # its CSRF check would read the form
    browser.force_login(make_user(Role.RADIOLOGIST))
    response = browser.generic(
        "POST",
        URL,
        content_type=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(LIMIT + 1),
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    assert "larger than the limit of 64.0 KiB" in response.json()["detail"]


@override_settings(VCF_UPLOAD_MAX_BYTES=LIMIT)
def test_an_oversized_upload_stores_nothing_and_leaves_no_file(
    client_for, series_folder: Path, tmp_path: Path
) -> None:
    archive = write_zip(tmp_path / "big.zip", folder_members(series_folder))
    assert archive.stat().st_size > LIMIT
    staging = DicomStore().staging_dir
    before = set(staging.iterdir())
    small = dicom_files(series_folder)[0]
    uploads = [
        SimpleUploadedFile(small.name, small.read_bytes()),
        SimpleUploadedFile("big.zip", archive.read_bytes()),
    ]
    response = client_for(Role.RADIOLOGIST).post(URL, {"files": uploads})
    assert response.status_code == 413
    assert not Instance.objects.exists()
    assert set(staging.iterdir()) == before


def test_a_body_longer_than_it_claims_is_stopped_while_streaming(tmp_path: Path) -> None:
    body = encode_multipart(BOUNDARY, {"files": [SimpleUploadedFile("a.dcm", bytes(3 * LIMIT))]})
    handler = LimitedTemporaryFileUploadHandler(limit=LIMIT)
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(LIMIT // 2)}  # lies
    parser = MultiPartParser(meta, io.BytesIO(body), [handler])
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path)), pytest.raises(UploadTooLarge):
        parser.parse()
    assert LIMIT < handler.received <= LIMIT + handler.chunk_size
    assert list(tmp_path.iterdir()) == []  # the partial file is deleted
