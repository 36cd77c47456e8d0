"""The DICOMweb proxy against a real Orthanc: a study only the PACS holds is searched, described and
read through /dicomweb/, with every URL in the answers pointing back at this server."""

from __future__ import annotations

import pydicom
import pytest
from django.core.cache import cache

from studies.roles import Role
from tests.dicomweb.conftest import split_multipart
from tests.services.conftest import dicom_files

pytestmark = [pytest.mark.pacs, pytest.mark.django_db]


@pytest.fixture
def client(client_for, make_connection):
    cache.clear()
    make_connection()
    return client_for(Role.RADIOLOGIST)


@pytest.fixture
def study_a(pacs_archive):
    files = {
        pydicom.dcmread(p, stop_before_pixels=True).SOPInstanceUID: p
        for p in dicom_files(pacs_archive.folders["a"])
    }
    first = pydicom.dcmread(next(iter(files.values())), stop_before_pixels=True)
    return first.StudyInstanceUID, first.SeriesInstanceUID, files


def test_series_metadata_points_back_here(client, study_a) -> None:
    study, series, files = study_a
    response = client.get(f"/dicomweb/studies/{study}/series/{series}/metadata")
    assert response.status_code == 200
    items = response.json()
    assert {item["00080018"]["Value"][0] for item in items} == set(files)
    for item in items:
        sop = item["00080018"]["Value"][0]
        assert item["7FE00010"]["BulkDataURI"] == (
            f"http://testserver/dicomweb/studies/{study}/series/{series}/instances/{sop}/bulkdata/7FE00010"
        )


def test_search_series_and_instances_of_a_pacs_study(client, study_a) -> None:
    study, series, files = study_a
    (found,) = client.get(f"/dicomweb/studies/{study}/series").json()
    assert found["0020000E"]["Value"] == [series]
    assert found["00081190"]["Value"] == [f"http://testserver/dicomweb/studies/{study}/series/{series}"]
    instances = client.get(f"/dicomweb/studies/{study}/instances", {"limit": 3}).json()
    assert len(instances) == 3
    assert all(i["00080018"]["Value"][0] in files for i in instances)


def test_frames_bulkdata_and_instances_come_from_the_pacs(client, study_a) -> None:
    study, series, files = study_a
    sop, path = sorted(files.items())[0]
    pixels = pydicom.dcmread(path).PixelData
    base = f"/dicomweb/studies/{study}/series/{series}/instances/{sop}"
    frames = client.get(f"{base}/frames/1", HTTP_ACCEPT='multipart/related; type="application/octet-stream"')
    assert frames.status_code == 200
    ((part_type, frame),) = split_multipart(frames.content, frames["Content-Type"])
    assert frame == pixels
    assert part_type == "application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1"
    bulk = client.get(f"{base}/bulkdata/7FE00010")
    assert split_multipart(bulk.content, bulk["Content-Type"])[0][1] == pixels
    whole = client.get(base, HTTP_ACCEPT='multipart/related; type="application/dicom"; transfer-syntax=*')
    assert whole.status_code == 200
    ((_, payload),) = split_multipart(b"".join(whole.streaming_content), whole["Content-Type"])
    assert pydicom.dcmread(pydicom.filebase.DicomBytesIO(payload)).PixelData == pixels


def test_study_neither_here_nor_on_the_pacs_is_404(client) -> None:
    assert client.get("/dicomweb/studies/1.2.826.0.1.3680043.10.5555.9/metadata").status_code == 404


def test_pacs_refusing_our_credentials_is_502(client_for, make_connection, study_a) -> None:
    cache.clear()
    make_connection(password="wrong")
    study, series, _ = study_a
    response = client_for(Role.RADIOLOGIST).get(f"/dicomweb/studies/{study}/series/{series}/metadata")
    assert response.status_code == 502
    assert "401" in response.json()["detail"]
