"""Analysis jobs: protocol screening, compare-and-set claiming, attempts cap, exactly-once results."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from inference.pipeline.analyzer import Analyzer
from studies.models import Analysis, AnalysisStatus, Series, StudySource, VertebraFinding, VertebraLevel
from studies.runtime import current_model_version
from studies.services.analyses import (
    AnalysisClaimError,
    claim_analysis,
    requeue_analysis,
    run_analysis,
    save_result,
    series_received,
)
from studies.services.ingest import ingest_files
from tests.services.conftest import dicom_files, write_series

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(device="cpu")


@pytest.fixture
def queued(phantom_series: Path) -> Analysis:
    report = ingest_files(paths=[(p, p.name) for p in dicom_files(phantom_series)], source=StudySource.IMPORT)
    [analysis] = series_received(series_ids=report.touched_series_ids, model_version=current_model_version())
    return analysis


def test_received_series_is_queued_once(queued: Analysis) -> None:
    assert queued.status == AnalysisStatus.QUEUED and queued.attempts == 0
    again = series_received(series_ids=[queued.series_id], model_version=queued.model_version)
    assert [a.pk for a in again] == [queued.pk] and Analysis.objects.count() == 1


def test_series_outside_the_protocol_is_excluded_with_reasons(tmp_path: Path) -> None:
    folder = write_series(tmp_path / "thick", slice_mm=5.0)
    report = ingest_files(paths=[(p, p.name) for p in dicom_files(folder)], source=StudySource.IMPORT)
    [analysis] = series_received(series_ids=report.touched_series_ids, model_version="m1")
    assert analysis.status == AnalysisStatus.EXCLUDED and analysis.eligible is False
    assert analysis.exclusion_reasons == ["slice_too_thick"]


def test_run_saves_findings_once_and_a_rerun_replaces_them(queued: Analysis, analyzer: Analyzer) -> None:
    stages: list[str] = []
    original = analyzer.analyze_folder

    def spy(*args: Any, **kwargs: Any) -> Any:
        inner: Callable[[str, float], None] = kwargs["progress"]

        def progress(stage: str, fraction: float) -> None:
            inner(stage, fraction)
            row = Analysis.objects.get(pk=queued.pk)
            stages.append(f"{row.stage}:{row.progress:.2f}")

        kwargs["progress"] = progress
        return original(*args, **kwargs)

    analyzer.analyze_folder = spy  # type: ignore[method-assign]
    try:
        done = run_analysis(analysis_id=queued.pk, analyzer=analyzer)
    finally:
        del analyzer.analyze_folder
    assert done is not None and done.status == AnalysisStatus.DONE, done.error if done else None
    assert stages[0] == "load:0.00" and any(s.startswith("landmarks") for s in stages)
    first = VertebraFinding.objects.filter(analysis=done).count()
    assert first >= 4 and done.document.body["schema"] == "vcf-analysis/1" and done.progress == 1.0
    assert done.positive is True and done.max_grade == 2  # the phantom's L1 wedge of 35 %
    Analysis.objects.filter(pk=done.pk).update(status=AnalysisStatus.FAILED, error="pretend")
    requeue_analysis(analysis_id=done.pk)
    again = run_analysis(analysis_id=done.pk, analyzer=analyzer)
    assert again is not None and again.status == AnalysisStatus.DONE
    assert VertebraFinding.objects.filter(analysis=done).count() == first


def test_only_one_claim_wins(queued: Analysis) -> None:
    assert claim_analysis(analysis_id=queued.pk) is not None
    Analysis.objects.filter(pk=queued.pk).update(
        status=AnalysisStatus.DONE, eligible=True, positive=False, max_grade=0
    )
    assert claim_analysis(analysis_id=queued.pk) is None


def test_a_stale_attempt_cannot_save(queued: Analysis, analyzer: Analyzer) -> None:
    first = claim_analysis(analysis_id=queued.pk)
    assert first is not None and first.attempts == 1
    second = claim_analysis(analysis_id=queued.pk)  # the first worker died; the task came back
    assert second is not None and second.attempts == 2
    result = analyzer.analyze_folder(_folder(queued))
    assert save_result(analysis_id=queued.pk, attempt=1, result=result) is False
    assert VertebraFinding.objects.count() == 0
    assert save_result(analysis_id=queued.pk, attempt=2, result=result) is True
    assert VertebraFinding.objects.count() == len(result.vertebrae)


def test_attempts_are_capped(queued: Analysis, settings: Any) -> None:
    settings.VCF_ANALYSIS_MAX_ATTEMPTS = 2
    assert claim_analysis(analysis_id=queued.pk) is not None
    assert claim_analysis(analysis_id=queued.pk) is not None
    assert claim_analysis(analysis_id=queued.pk) is None
    failed = Analysis.objects.get(pk=queued.pk)
    assert failed.status == AnalysisStatus.FAILED and "gave up after 2 attempts" in failed.error
    assert requeue_analysis(analysis_id=queued.pk).status == AnalysisStatus.QUEUED
    with pytest.raises(AnalysisClaimError):
        requeue_analysis(analysis_id=queued.pk)


def test_pipeline_error_fails_the_analysis_with_its_message(queued: Analysis) -> None:
    class Broken:
        model_version = queued.model_version

        def analyze_folder(self, *args: Any, **kwargs: Any) -> Any:
            raise OSError("disk went away")

    failed = run_analysis(analysis_id=queued.pk, analyzer=Broken())  # type: ignore[arg-type]
    assert failed is not None and failed.status == AnalysisStatus.FAILED
    assert failed.error == "OSError: disk went away"


def _folder(analysis: Analysis) -> Path:
    from studies.ingest.store import DicomStore

    return DicomStore().absolute(Series.objects.get(pk=analysis.series_id).storage_dir)


def test_results_and_review_are_saved_together(
    queued: Analysis, analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If opening the review fails, the results are not saved either: the re-delivered task redoes
    both, so no finished analysis is left without its review."""
    from django.db import OperationalError

    from studies.models import AnalysisDocument, CaseReview
    from studies.services import reviews

    def lost(**kwargs: Any) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(reviews, "open_review", lost)
    with pytest.raises(OperationalError):
        run_analysis(analysis_id=queued.pk, analyzer=analyzer)
    between = Analysis.objects.get(pk=queued.pk)
    assert (between.status, between.attempts) == (AnalysisStatus.RUNNING, 1)
    assert not VertebraFinding.objects.filter(analysis=between).exists()
    assert not AnalysisDocument.objects.filter(analysis=between).exists()

    monkeypatch.undo()
    done = run_analysis(analysis_id=queued.pk, analyzer=analyzer)  # the task, handed out again
    assert done is not None and done.status == AnalysisStatus.DONE and done.attempts == 2
    assert CaseReview.objects.filter(analysis=done).count() == 1


def test_a_body_the_scan_cuts_through_is_saved_listed_but_ungraded(
    queued: Analysis, analyzer: Analyzer
) -> None:
    from dataclasses import replace

    claimed = claim_analysis(analysis_id=queued.pk)
    assert claimed is not None
    result = analyzer.analyze_folder(_folder(queued))
    index = next(i for i, v in enumerate(result.vertebrae) if v.grade is not None)  # a T1-L5 body
    first = result.vertebrae[index]
    cut = replace(  # what the pipeline reports for a body the data start inside
        first,
        landmarks_lps_mm=None,
        heights=None,
        height_loss_pct=None,
        grade=None,
        mean_hu=None,
        hu_roi=None,
        uncertain=True,
        uncertainty_reasons=("not_fully_imaged",),
    )
    result = replace(result, vertebrae=(*result.vertebrae[:index], cut, *result.vertebrae[index + 1 :]))
    assert save_result(analysis_id=queued.pk, attempt=claimed.attempts, result=result) is True
    stored = VertebraFinding.objects.get(analysis=queued, level=VertebraLevel[cut.label])
    assert (stored.status, stored.grade, stored.landmarks, stored.uncertain) == ("measured", None, None, True)
    assert stored.uncertainty_reasons == ["not_fully_imaged"]
    assert VertebraFinding.objects.filter(analysis=queued).count() == len(result.vertebrae)
