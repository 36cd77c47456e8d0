"""WADO-RS retrieve of whole instances: the stored files, byte for byte, streamed."""

from __future__ import annotations

import pydicom
import pytest
import requests
from dicomweb_client import DICOMwebClient
from django.test import Client

from studies.roles import Role
from tests.dicomweb.conftest import closing_session, split_multipart, stored_bytes

pytestmark = pytest.mark.django_db(transaction=True)

ANY = (("application/dicom", "*"),)


def test_retrieve_series_and_instance_with_the_client(dicomweb, stored_series) -> None:
    study, series = stored_series.study.study_instance_uid, stored_series.series_instance_uid
    files = stored_bytes(stored_series)
    datasets = dicomweb.retrieve_series(study, series)
    assert sorted(ds.SOPInstanceUID for ds in datasets) == sorted(files)
    sop = datasets[2].SOPInstanceUID
    one = dicomweb.retrieve_instance(study, series, sop, media_types=ANY)
    assert one.PixelData == pydicom.dcmread(pydicom.filebase.DicomBytesIO(files[sop])).PixelData


def test_retrieved_files_are_byte_identical(live_server, token_for, stored_series, stored_jpegls) -> None:
    headers = {"Authorization": f"Token {token_for(Role.RADIOLOGIST)}"}
    for series, syntax in ((stored_series, "1.2.840.10008.1.2.1"), (stored_jpegls, "1.2.840.10008.1.2.4.80")):
        url = f"{live_server.url}/dicomweb/studies/{series.study.study_instance_uid}"
        answer = requests.get(
            url,
            headers={**headers, "Accept": 'multipart/related; type="application/dicom"; transfer-syntax=*'},
            timeout=30,
        )
        assert answer.status_code == 200
        parts = split_multipart(answer.content, answer.headers["Content-Type"])
        files = stored_bytes(series)
        assert sorted(payload for _, payload in parts) == sorted(files.values())
        assert {content_type for content_type, _ in parts} == {f"application/dicom; transfer-syntax={syntax}"}


def test_compressed_instance_decoded_when_no_syntax_is_named(dicomweb, stored_jpegls) -> None:
    study, series = stored_jpegls.study.study_instance_uid, stored_jpegls.series_instance_uid
    files = stored_bytes(stored_jpegls)
    sop = sorted(files)[0]
    native = dicomweb.retrieve_instance(study, series, sop, media_types=("application/dicom",))
    assert native.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.1"
    stored = pydicom.dcmread(pydicom.filebase.DicomBytesIO(files[sop]))
    assert (native.pixel_array == stored.pixel_array).all()
    as_stored = dicomweb.retrieve_instance(study, series, sop, media_types=ANY)
    assert as_stored.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.4.80"


def test_session_cookie_client(live_server, make_user, stored_series) -> None:
    browser = Client()
    browser.force_login(make_user(Role.RADIOLOGIST))
    study = stored_series.study.study_instance_uid
    with closing_session() as session:
        session.cookies.set("sessionid", browser.cookies["sessionid"].value)
        client = DICOMwebClient(f"{live_server.url}/dicomweb", session=session)
        assert len(client.search_for_series(study_instance_uid=study)) == 1
        metadata = client.retrieve_series_metadata(study, stored_series.series_instance_uid)
        assert len(metadata) == stored_series.instance_count
    with closing_session() as session:
        anonymous = DICOMwebClient(f"{live_server.url}/dicomweb", session=session)
        with pytest.raises(requests.HTTPError) as refused:
            anonymous.search_for_studies()
    assert refused.value.response.status_code == 401


def test_instances_not_acceptable(client_for, stored_series) -> None:
    client = client_for(Role.RADIOLOGIST)
    url = f"/dicomweb/studies/{stored_series.study.study_instance_uid}"
    assert client.get(url, HTTP_ACCEPT='multipart/related; type="image/png"').status_code == 406
    jpeg = 'multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.4.50'
    assert client.get(url, HTTP_ACCEPT=jpeg).status_code == 406
    response = client.get(url, HTTP_ACCEPT='multipart/related; type="application/dicom"')
    assert response.status_code == 200 and response.streaming
