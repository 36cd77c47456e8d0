"""The disk fills up while a series is being stored: the ingest stops with an error that names the
data folder, every instance row points at a whole file, nothing half-written is left, no analysis is
queued for the half series, and once space is freed the same ingest stores the rest exactly once.

The data folder is a real 1 MiB tmpfs (the phantom series is about 2 MiB), so the kernel itself
answers ENOSPC. Mounting needs root; the test is skipped, with the reason, where it cannot mount.
"""

from __future__ import annotations

from pathlib import Path

import pydicom
import pytest

from studies.ingest.store import DicomStore, StoreFullError
from studies.models import Analysis, AnalysisStatus, Instance, Series, Study, StudySource
from studies.services.analyses import series_received
from studies.services.ingest import ingest_files
from tests.faults.conftest import free_space
from tests.services.conftest import dicom_files, write_series

pytestmark = pytest.mark.django_db


def _assert_every_row_has_its_whole_file(sources: dict[str, Path]) -> None:
    store = DicomStore()
    for instance in Instance.objects.all():
        stored = store.absolute(instance.relative_path)
        assert stored.read_bytes() == sources[instance.sop_instance_uid].read_bytes()
        assert stored.stat().st_size == instance.file_size
    on_disk = sorted(p for p in (store.root / "dicom").rglob("*") if p.is_file())
    assert len(on_disk) == Instance.objects.count()  # no file without its row
    assert list(store.staging_dir.iterdir()) == []


def test_disk_full_stops_cleanly_and_the_retry_stores_the_rest_once(small_disk: Path, tmp_path: Path) -> None:
    files = dicom_files(write_series(tmp_path / "series"))
    sources = {str(pydicom.dcmread(f, stop_before_pixels=True).SOPInstanceUID): f for f in files}
    assert sum(f.stat().st_size for f in files) > 1 << 20
    paths = [(f, f.name) for f in files]

    with pytest.raises(StoreFullError) as caught:
        ingest_files(paths=paths, source=StudySource.IMPORT)
    assert str(caught.value) == (
        f"[Errno 28] the data folder {small_disk} is full (no space left on device): "
        "nothing more was stored; free some space and send the rest again"
    )
    stored = Instance.objects.count()
    assert 0 < stored < len(files)
    _assert_every_row_has_its_whole_file(sources)
    series = Series.objects.get()
    assert series.instance_count == stored
    assert Study.objects.count() == 1
    assert Analysis.objects.count() == 0  # the half series was never handed to the analyses

    free_space(small_disk)
    report = ingest_files(paths=paths, source=StudySource.IMPORT)
    assert report.summary() == {"stored": len(files) - stored, "duplicate": stored, "rejected": 0}
    assert sorted(Instance.objects.values_list("sop_instance_uid", flat=True)) == sorted(sources)
    _assert_every_row_has_its_whole_file(sources)
    series.refresh_from_db()
    assert series.instance_count == len(files)
    assert Study.objects.count() == 1

    [analysis] = series_received(series_ids=report.touched_series_ids, model_version="test")
    assert analysis.status == AnalysisStatus.QUEUED
    assert Analysis.objects.count() == 1


def test_disk_already_full_leaves_no_rows_at_all(small_disk: Path, tmp_path: Path) -> None:
    filler = small_disk / "filler"
    with filler.open("wb") as out, pytest.raises(OSError):
        while True:
            out.write(b"\0" * 65536)
            out.flush()
    files = dicom_files(write_series(tmp_path / "series"))[:3]
    with pytest.raises(StoreFullError):
        ingest_files(paths=[(f, f.name) for f in files], source=StudySource.IMPORT)
    assert (Study.objects.count(), Series.objects.count(), Instance.objects.count()) == (0, 0, 0)
    assert list(DicomStore().staging_dir.iterdir()) == []
    assert not (small_disk / "dicom").exists()
