"""WADO-RS frames: byte-identical to the stored pixel data, native or compressed as asked."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest
from pydicom.encaps import generate_frames

from studies.dicomweb.selectors import series_instances

pytestmark = pytest.mark.django_db(transaction=True)

NATIVE = "1.2.840.10008.1.2.1"
JPEG_LS = "1.2.840.10008.1.2.4.80"


def _uids(series) -> tuple[str, str]:
    return series.study.study_instance_uid, series.series_instance_uid


def test_native_frames_are_the_stored_pixel_bytes(dicomweb, stored_series) -> None:
    study, series = _uids(stored_series)
    for item in series_instances(stored_series)[:4]:
        (frame,) = dicomweb.retrieve_instance_frames(study, series, item.sop_uid, frame_numbers=[1])
        assert frame == pydicom.dcmread(item.path).PixelData


def test_native_frames_with_any_transfer_syntax(dicomweb, stored_series) -> None:
    study, series = _uids(stored_series)
    item = series_instances(stored_series)[0]
    (frame,) = dicomweb.retrieve_instance_frames(
        study, series, item.sop_uid, frame_numbers=[1], media_types=(("application/octet-stream", "*"),)
    )
    assert frame == pydicom.dcmread(item.path).PixelData


def test_jpegls_frames_as_stored_when_any_syntax_is_accepted(dicomweb, stored_jpegls) -> None:
    study, series = _uids(stored_jpegls)
    item = series_instances(stored_jpegls)[2]
    assert item.transfer_syntax_uid == JPEG_LS
    (frame,) = dicomweb.retrieve_instance_frames(
        study, series, item.sop_uid, frame_numbers=[1], media_types=(("application/octet-stream", "*"),)
    )
    (stored,) = generate_frames(pydicom.dcmread(item.path).PixelData, number_of_frames=1)
    assert frame == stored


def test_jpegls_frames_as_image_jls(dicomweb, stored_jpegls) -> None:
    study, series = _uids(stored_jpegls)
    item = series_instances(stored_jpegls)[0]
    (frame,) = dicomweb.retrieve_instance_frames(
        study, series, item.sop_uid, frame_numbers=[1], media_types=("image/jls",)
    )
    (stored,) = generate_frames(pydicom.dcmread(item.path).PixelData, number_of_frames=1)
    assert frame == stored


def test_jpegls_frames_decoded_when_only_native_is_accepted(dicomweb, stored_jpegls, stored_series) -> None:
    study, series = _uids(stored_jpegls)
    item = series_instances(stored_jpegls)[1]
    (frame,) = dicomweb.retrieve_instance_frames(
        study, series, item.sop_uid, frame_numbers=[1], media_types=(("application/octet-stream", NATIVE),)
    )
    decoded = pydicom.dcmread(item.path).pixel_array
    assert frame == decoded.astype("<u2").tobytes()
    # JPEG-LS lossless: the decoded frame is the original slice, bit for bit.
    original = series_instances(stored_series)[1]
    assert np.array_equal(np.frombuffer(frame, "<u2"), pydicom.dcmread(original.path).pixel_array.ravel())


def test_part_headers_carry_the_transfer_syntax(client_for, stored_series, stored_jpegls) -> None:
    from studies.roles import Role

    client = client_for(Role.RADIOLOGIST)
    for series, accept, expected in (
        (stored_series, 'multipart/related; type="application/octet-stream"', NATIVE),
        (stored_jpegls, "multipart/related; type=application/octet-stream; transfer-syntax=*", JPEG_LS),
        (stored_jpegls, 'multipart/related; type="application/octet-stream"', NATIVE),
    ):
        study, uid = _uids(series)
        sop = series_instances(series)[0].sop_uid
        url = f"/dicomweb/studies/{study}/series/{uid}/instances/{sop}/frames/1"
        response = client.get(url, HTTP_ACCEPT=accept)
        assert response.status_code == 200, response.content[:200]
        assert response["Content-Type"].startswith('multipart/related; type="application/octet-stream"')
        assert (
            f"Content-Type: application/octet-stream; transfer-syntax={expected}\r\n".encode()
            in (response.content[:300])
        )
        assert response["Cache-Control"].startswith("private, max-age=")


def test_several_frames_and_bad_frame_numbers(client_for, stored_series) -> None:
    from studies.roles import Role

    client = client_for(Role.RADIOLOGIST)
    study, uid = _uids(stored_series)
    sop = series_instances(stored_series)[0].sop_uid
    base = f"/dicomweb/studies/{study}/series/{uid}/instances/{sop}/frames"
    assert client.get(f"{base}/1,1").content.count(b"Content-Type: application/octet-stream") == 2
    assert client.get(f"{base}/2").status_code == 404  # single-frame instance
    assert client.get(f"{base}/0").status_code == 400
    assert client.get(f"{base}/one").status_code == 400


def test_unsupported_media_type_is_406(client_for, stored_series) -> None:
    from studies.roles import Role

    client = client_for(Role.RADIOLOGIST)
    study, uid = _uids(stored_series)
    sop = series_instances(stored_series)[0].sop_uid
    url = f"/dicomweb/studies/{study}/series/{uid}/instances/{sop}/frames/1"
    for accept in ('multipart/related; type="image/png"', "image/jls", "application/dicom"):
        response = client.get(url, HTTP_ACCEPT=accept)
        assert response.status_code == 406, accept
        assert "application/octet-stream" in response.json()["detail"]
