"""WADO-RS URLs with hostile parts (frame lists, bulk data tags, UIDs with "../" or NUL, Accept
headers) against a stored study: 4xx with a message, never a 500, and the stored study unchanged."""

from __future__ import annotations

import pytest
from django.test import Client

from studies.roles import Role


@pytest.fixture
def client(make_user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(make_user(Role.RADIOLOGIST))
    return client


def _instance_url(study) -> str:  # type: ignore[no-untyped-def]
    return f"/dicomweb/studies/{study.study_uid}/series/{study.series_uid}/instances/{study.sop_uids[0]}"


@pytest.mark.parametrize(
    ("frames", "status"),
    [
        ("%C2%B2", 400),  # "²" passes str.isdigit() but not int() (was a 500)
        ("%D9%A1", 400),  # an Arabic-Indic one
        ("0", 400),
        ("-1", 400),
        ("1,,2", 400),
        ("1;2", 400),
        ("9" * 5000, 400),
        ("99999999", 404),
        (",".join(["1"] * 2000), 400),  # one frame asked 2000 times: refused, not multiplied
    ],
)
def test_hostile_frame_lists(client, stored_study, unchanged, frames, status) -> None:
    response = client.get(f"{_instance_url(stored_study)}/frames/{frames}")
    assert response.status_code == status, (frames[:20], response.content[:200])
    assert response.json()["detail"]
    unchanged()


@pytest.mark.parametrize(
    ("tag", "status"),
    [
        ("7FE0001G", 400),
        ("7FE00010000", 400),
        pytest.param("%00%00%00%00%00%00%00%00", 400),
        ("00100010", 404),
        ("+7FE0010", 404),
    ],
)
def test_hostile_bulkdata_tags(client, stored_study, unchanged, tag, status) -> None:
    response = client.get(f"{_instance_url(stored_study)}/bulkdata/{tag}")
    assert response.status_code == status, (tag, response.content[:200])
    assert response.json()["detail"]
    unchanged()


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/dicomweb/studies/1.2.3%00/metadata"),
        "/dicomweb/studies/..%2F..%2Fetc%2Fpasswd/metadata",
        "/dicomweb/studies/1.2.3/series/..%5C..%5Cx/metadata",
        "/dicomweb/studies/1.2.3/series/1.2.4/instances/%3Cscript%3E/frames/1",
        "/dicomweb/studies/" + "1." * 40 + "1/series",
    ],
)
def test_hostile_uids_in_the_path(client, stored_study, unchanged, path) -> None:
    response = client.get(path)
    assert 400 <= response.status_code < 500, (path, response.status_code)
    if response.status_code == 400:
        assert "is not a valid DICOM UID" in response.json()["detail"]
    unchanged()


@pytest.mark.parametrize(
    "accept",
    [
        'multipart/related; type="application/octet-stream"; q=nan',
        "multipart/related; type=image/jls; transfer-syntax=1.2.840.10008.1.2.4.80",
        '"""',
        ";;;,,,;=;=",
        "multipart/related; type=" + "x" * 5000,
        "*/*; q=-1",
    ],
)
def test_hostile_accept_headers_on_frames(client, stored_study, unchanged, accept) -> None:
    response = client.get(f"{_instance_url(stored_study)}/frames/1", HTTP_ACCEPT=accept)
    assert response.status_code in (200, 406), (accept[:40], response.content[:200])
    if response.status_code == 406:
        assert response.json()["detail"]
    unchanged()
