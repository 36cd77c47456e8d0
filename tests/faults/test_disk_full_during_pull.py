"""The disk fills up in the middle of a PACS pull: the pull fails with the data folder's error on
the connection, only whole instances stay, the half series is not queued; after space is freed the
next pull retrieves just the missing instances and queues the series once.

The PACS is the scripted DICOMweb server of tests/pacs/test_broken_transfers.py (127.0.0.1, runs
everywhere); the data folder is a real 1 MiB tmpfs (needs root, see tests/faults/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pydicom
import pytest
from django_q.models import OrmQ

from studies.ingest.store import DicomStore, StoreFullError
from studies.models import Analysis, Instance, PacsConnection, Series
from studies.services.pacs import pull_studies
from tests.faults.conftest import free_space
from tests.pacs.test_broken_transfers import ScriptedPacs
from tests.services.conftest import dicom_files, write_series

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pacs(tmp_path: Path) -> Iterator[ScriptedPacs]:
    with ScriptedPacs(dicom_files(write_series(tmp_path / "series"))) as server:
        yield server


def _pull(pacs: ScriptedPacs) -> None:
    day = datetime.strptime(str(pydicom.dcmread(pacs.files[0]).StudyDate), "%Y%m%d").date()
    connection, _ = PacsConnection.objects.get_or_create(name="scripted", defaults={"base_url": pacs.url})
    pull_studies(connection=connection, since=day, until=day)


def _assert_whole_instances_only(pacs: ScriptedPacs) -> int:
    store = DicomStore()
    sources = dict(zip(pacs.sops, pacs.files, strict=True))
    for instance in Instance.objects.all():
        assert (
            store.absolute(instance.relative_path).read_bytes()
            == sources[instance.sop_instance_uid].read_bytes()
        )
    assert len(list((store.root / "dicom").rglob("*.dcm"))) == Instance.objects.count()
    assert list(store.staging_dir.iterdir()) == []
    return Instance.objects.count()


def test_disk_full_during_a_pull_then_the_next_pull_completes_once(
    small_disk: Path, pacs: ScriptedPacs
) -> None:
    assert sum(f.stat().st_size for f in pacs.files) > 1 << 20
    with pytest.raises(StoreFullError):
        _pull(pacs)
    assert PacsConnection.objects.get().last_error == (
        f"pull stopped: the data folder {small_disk} is full (no space left on device): "
        "nothing more was stored; free some space and send the rest again"
    )
    stored = _assert_whole_instances_only(pacs)
    assert 0 < stored < len(pacs.files)
    assert Series.objects.get().instance_count == stored
    assert Analysis.objects.count() == 0 and OrmQ.objects.count() == 0

    free_space(small_disk)
    _pull(pacs)
    assert _assert_whole_instances_only(pacs) == len(pacs.files)
    assert sorted(Instance.objects.values_list("sop_instance_uid", flat=True)) == sorted(pacs.sops)
    assert Series.objects.get().instance_count == len(pacs.files)
    assert Analysis.objects.count() == 1 and OrmQ.objects.count() == 1
    assert PacsConnection.objects.get().last_error == ""
