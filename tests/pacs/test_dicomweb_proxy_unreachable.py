"""The DICOMweb proxy without an archive: a PACS that refuses connections is a 502 that says so;
no enabled connection (or none that has the study) is a 404. Runs everywhere (no marker)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from studies.models import PacsConnection
from studies.roles import Role
from tests.pacs.orthanc import free_port

pytestmark = pytest.mark.django_db

STUDY, SERIES, SOP = (
    "1.2.826.0.1.3680043.10.5555.1",
    "1.2.826.0.1.3680043.10.5555.2",
    "1.2.826.0.1.3680043.10.5555.3",
)
URLS = [
    f"/dicomweb/studies/{STUDY}/metadata",
    f"/dicomweb/studies/{STUDY}/series/{SERIES}/metadata",
    f"/dicomweb/studies/{STUDY}/series/{SERIES}/instances/{SOP}/frames/1",
    f"/dicomweb/studies/{STUDY}/series/{SERIES}/instances/{SOP}",
    f"/dicomweb/studies/{STUDY}/series",
    f"/dicomweb/studies/{STUDY}/instances",
]


@pytest.fixture(autouse=True)
def _forget_found_studies():
    cache.clear()


@pytest.mark.parametrize("url", URLS)
def test_refused_connection_is_502_with_the_reason(client_for, url) -> None:
    PacsConnection.objects.create(name="down", base_url=f"http://127.0.0.1:{free_port()}/dicom-web")
    response = client_for(Role.RADIOLOGIST).get(url)
    assert response.status_code == 502
    detail = response.json()["detail"]
    assert "PACS 'down' is unreachable" in detail and "refused" in detail


@pytest.mark.parametrize("url", URLS[:4])
def test_disabled_connection_is_not_asked(client_for, url) -> None:
    PacsConnection.objects.create(
        name="off", enabled=False, base_url=f"http://127.0.0.1:{free_port()}/dicom-web"
    )
    assert client_for(Role.RADIOLOGIST).get(url).status_code == 404
