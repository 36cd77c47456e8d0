"""The disk fills up during an upload through the API: 507 with the reason, what was stored stays whole,
and sending the same files again once space is freed stores the rest."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from studies.models import Instance
from studies.roles import Role
from tests.faults.conftest import free_space
from tests.services.conftest import dicom_files, write_series

pytestmark = pytest.mark.django_db
URL = "/api/v1/uploads/"


def _uploads(files: list[Path]) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f.name, f.read_bytes()) for f in files]


def test_upload_on_a_full_disk_answers_507_and_the_retry_completes(
    small_disk: Path, tmp_path: Path, client_for
) -> None:
    files = dicom_files(write_series(tmp_path / "series"))
    assert sum(f.stat().st_size for f in files) > 1 << 20
    client = client_for(Role.RADIOLOGIST)

    response = client.post(URL, {"files": _uploads(files)})
    assert response.status_code == 507
    assert f"the data folder {small_disk} is full" in response.json()["detail"]
    stored = Instance.objects.count()
    assert 0 < stored < len(files)

    free_space(small_disk)
    response = client.post(URL, {"files": _uploads(files)})
    assert response.status_code == 201
    assert response.json()["summary"] == {"stored": len(files) - stored, "duplicate": stored, "rejected": 0}
    assert Instance.objects.count() == len(files)
