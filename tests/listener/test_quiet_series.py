"""queue_quiet_series without the network: which pushed series are queued, when, and how often."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from studies.ingest.store import DicomStore
from studies.models import Analysis, AnalysisStatus, Series, Study, StudySource
from studies.services.ingest import Outcome, ingest_file
from studies.services.push import pending_quiet_series, queue_quiet_series
from tests.services.conftest import dicom_files, write_series

pytestmark = pytest.mark.django_db(transaction=True)

QUIET_S = 30


@pytest.fixture(scope="module")
def pushed_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_series(tmp_path_factory.mktemp("pushed"), seed=501)


def receive(folder: Path, source: StudySource = StudySource.PUSH) -> Series:
    outcomes = [ingest_file(path=path, source=source) for path in dicom_files(folder)]
    assert {o.outcome for o in outcomes} == {Outcome.STORED}
    return Series.objects.get(pk=outcomes[0].series_id)


def quiet_after(series: Series) -> datetime:
    series.refresh_from_db()
    assert series.last_instance_at is not None
    return series.last_instance_at + timedelta(seconds=QUIET_S + 1)


def test_series_is_queued_once_after_the_quiet_time(pushed_folder: Path) -> None:
    series = receive(pushed_folder)
    just_received = queue_quiet_series(quiet_seconds=QUIET_S, model_version="m1", now=timezone.now())
    assert just_received.queued == [] and not Analysis.objects.exists()

    later = quiet_after(series)
    first = queue_quiet_series(quiet_seconds=QUIET_S, model_version="m1", now=later)
    assert first.queued == [series.pk] and first.failed == []
    analysis = Analysis.objects.get()
    assert analysis.series_id == series.pk and analysis.status == AnalysisStatus.QUEUED
    assert analysis.model_version == "m1"

    for minutes in (1, 60):  # later passes leave the queued analysis alone
        again = queue_quiet_series(
            quiet_seconds=QUIET_S, model_version="m1", now=later + timedelta(minutes=minutes)
        )
        assert again.queued == []
    assert Analysis.objects.get().queued_at == analysis.queued_at


def test_instances_arriving_after_the_run_started_queue_it_again(pushed_folder: Path) -> None:
    series = receive(pushed_folder)
    queue_quiet_series(quiet_seconds=QUIET_S, model_version="m1", now=quiet_after(series))
    analysis = Analysis.objects.get()
    started = timezone.now()
    Analysis.objects.filter(pk=analysis.pk).update(status=AnalysisStatus.RUNNING, started_at=started)
    arrived = started + timedelta(seconds=5)  # a late instance while the run reads the folder
    Series.objects.filter(pk=series.pk).update(last_instance_at=arrived)
    later = arrived + timedelta(seconds=QUIET_S + 1)

    assert pending_quiet_series(quiet_seconds=QUIET_S, now=later) == []  # still running: wait for it
    Analysis.objects.filter(pk=analysis.pk).update(
        status=AnalysisStatus.DONE, eligible=True, positive=False, max_grade=0, finished_at=later
    )
    assert queue_quiet_series(quiet_seconds=QUIET_S, model_version="m1", now=later).queued == [series.pk]
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.QUEUED and Analysis.objects.count() == 1
    assert queue_quiet_series(quiet_seconds=QUIET_S, model_version="m1", now=later).queued == []


def test_an_earlier_model_version_covers_the_series(pushed_folder: Path) -> None:
    """Deploying new weights does not re-queue every series ever pushed."""
    series = receive(pushed_folder)
    queue_quiet_series(quiet_seconds=QUIET_S, model_version="m1", now=quiet_after(series))
    assert queue_quiet_series(quiet_seconds=QUIET_S, model_version="m2", now=quiet_after(series)).queued == []
    assert list(Analysis.objects.values_list("model_version", flat=True)) == ["m1"]


def test_excluded_series_is_screened_once(tmp_path: Path) -> None:
    series = receive(write_series(tmp_path / "thick", seed=502, slice_mm=5.0))
    later = quiet_after(series)
    assert queue_quiet_series(quiet_seconds=QUIET_S, model_version="m1", now=later).queued == [series.pk]
    analysis = Analysis.objects.get()
    assert analysis.status == AnalysisStatus.EXCLUDED and analysis.exclusion_reasons == ["slice_too_thick"]
    assert queue_quiet_series(quiet_seconds=QUIET_S, model_version="m1", now=later).queued == []


def test_only_pushed_series_are_considered(pushed_folder: Path) -> None:
    series = receive(pushed_folder, StudySource.UPLOAD)
    assert pending_quiet_series(quiet_seconds=QUIET_S, now=quiet_after(series)) == []


def test_a_failing_series_does_not_hold_up_the_others(pushed_folder: Path, tmp_path: Path) -> None:
    good = receive(pushed_folder)
    # A series whose folder leads out of the store: screening it raises.
    escape = DicomStore().root / "dicom" / "escape"
    escape.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(tmp_path, escape)
    try:
        broken = Series.objects.create(
            series_instance_uid="1.2.3.4.5",
            study=Study.objects.get(),
            modality="CT",
            storage_dir="dicom/escape",
            last_instance_at=good.last_instance_at,
        )
        Study.objects.update(source=StudySource.PUSH)
        later = quiet_after(good)
        result = queue_quiet_series(quiet_seconds=QUIET_S, model_version="m1", now=later)
        assert result.queued == [good.pk] and result.failed == [broken.pk]
        assert list(Analysis.objects.values_list("series_id", flat=True)) == [good.pk]
        skipped = queue_quiet_series(
            quiet_seconds=QUIET_S, model_version="m1", now=later, exclude=[broken.pk]
        )
        assert skipped.queued == [] and skipped.failed == []
    finally:
        escape.unlink()
