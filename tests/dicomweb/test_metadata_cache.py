"""The series metadata cache: ETag and 304, gzip, rebuilt when the series gets new instances."""

from __future__ import annotations

import gzip
import json
import shutil

import pydicom
import pytest
from django.conf import settings

from studies.dicomweb.cache import CACHE_FOLDER
from studies.models import StudySource
from studies.roles import Role
from studies.services.ingest import ingest_file
from tests.services.conftest import dicom_files


@pytest.fixture
def client(client_for):
    return client_for(Role.RADIOLOGIST)


def _url(series) -> str:
    return f"/dicomweb/studies/{series.study.study_instance_uid}/series/{series.series_instance_uid}/metadata"


def test_etag_and_not_modified(client, stored_series) -> None:
    first = client.get(_url(stored_series))
    assert first.status_code == 200
    assert first["Content-Type"] == "application/dicom+json"
    etag = first["ETag"]
    again = client.get(_url(stored_series), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(_url(stored_series), HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_gzip_when_accepted(client, stored_series) -> None:
    plain = client.get(_url(stored_series))
    zipped = client.get(_url(stored_series), HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert "Content-Encoding" not in plain
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content) / 3
    assert "Accept-Encoding" in zipped["Vary"]


def test_cache_is_on_disk_and_used(client, stored_series) -> None:
    body = client.get(_url(stored_series)).content
    folder = settings.VCF_DATA_DIR / CACHE_FOLDER / f"series-{stored_series.pk}"
    names = sorted(p.name for p in folder.iterdir())
    assert any(n.endswith(".template") for n in names) and any(n.endswith(".json.gz") for n in names)
    # The warm answer is read from the cache, not from the DICOM files.
    for path in (settings.VCF_DATA_DIR / stored_series.storage_dir).iterdir():
        path.rename(path.with_suffix(".moved"))
    try:
        assert client.get(_url(stored_series)).content == body
    finally:
        for path in (settings.VCF_DATA_DIR / stored_series.storage_dir).iterdir():
            path.rename(path.with_suffix(".dcm"))


def test_rebuilt_when_an_instance_arrives(client, stored_series, phantom_folder, tmp_path) -> None:
    before = client.get(_url(stored_series))
    assert len(before.json()) == stored_series.instance_count
    source = dicom_files(phantom_folder)[0]
    extra = tmp_path / "extra.dcm"
    shutil.copy(source, extra)
    ds = pydicom.dcmread(extra)
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = "1.2.826.0.1.3680043.10.1234.990099"
    ds.InstanceNumber = 999
    ds.save_as(extra, enforce_file_format=True)
    assert ingest_file(path=extra, source=StudySource.UPLOAD).outcome == "stored"
    after = client.get(_url(stored_series), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    items = json.loads(after.content)
    assert len(items) == stored_series.instance_count + 1
    assert items[-1]["00200013"]["Value"] == [999]
    folder = settings.VCF_DATA_DIR / CACHE_FOLDER / f"series-{stored_series.pk}"
    assert len([p for p in folder.iterdir() if p.name.endswith(".template")]) == 1  # the old one is gone


def test_bulkdata_uri_follows_the_host_the_client_used(client, stored_series) -> None:
    one = client.get(_url(stored_series), HTTP_HOST="127.0.0.1").json()[0]["7FE00010"]["BulkDataURI"]
    two = client.get(_url(stored_series), HTTP_HOST="testserver").json()[0]["7FE00010"]["BulkDataURI"]
    assert one.startswith("http://127.0.0.1/dicomweb/studies/")
    assert two.startswith("http://testserver/dicomweb/studies/")
    assert one.removeprefix("http://127.0.0.1") == two.removeprefix("http://testserver")


def test_large_private_binary_becomes_bulk_data(client, stored_series, phantom_folder, tmp_path) -> None:
    extra = tmp_path / "private.dcm"
    ds = pydicom.dcmread(dicom_files(phantom_folder)[1])
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = "1.2.826.0.1.3680043.10.1234.990077"
    ds.InstanceNumber = 777
    block = ds.private_block(0x0029, "VCF TEST", create=True)
    block.add_new(0x10, "OB", bytes(range(256)) * 40)
    block.add_new(0x11, "OB", b"tiny")
    ds.save_as(extra, enforce_file_format=True)
    assert ingest_file(path=extra, source=StudySource.UPLOAD).outcome == "stored"
    item = client.get(_url(stored_series)).json()[-1]
    assert set(item["00291010"]) == {"vr", "BulkDataURI"}
    assert item["00291011"]["InlineBinary"] == "dGlueQ=="
    response = client.get(item["00291010"]["BulkDataURI"].removeprefix("http://testserver"))
    assert response.status_code == 200
    assert bytes(range(256)) * 40 in response.content
