"""Analysis jobs: protocol screening, queueing, claiming, running and saving — each exactly once.

One Analysis row per (series, model version). Every state change is a compare-and-set update that
checks the row count, so two workers, a re-delivered task or an admin's re-queue can never both
win. A run is tied to its attempt number: only the attempt that claimed the row may report
progress, fail it or save results, and results replace earlier findings in one transaction.
django-q2 re-delivers a task whose worker died, or that failed outside the pipeline (its failures
are not acknowledged); each delivery counts as an attempt, and past ``VCF_ANALYSIS_MAX_ATTEMPTS``
the analysis fails for good (an admin can re-queue it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from inference.dicom import DicomLoadError, check_protocol, scan_series, unreadable_decision
from inference.pipeline.result import AnalysisResult
from studies.ingest.store import DicomStore
from studies.models import (
    Analysis,
    AnalysisDocument,
    AnalysisStatus,
    FindingStatus,
    Series,
    VertebraFinding,
    VertebraLevel,
)
from studies.services.audit import record_system_change

log = logging.getLogger(__name__)

RUN_TASK = "studies.tasks.run_analysis"
ERROR_MAX_CHARS = 2000


class AnalyzerLike(Protocol):
    model_version: str

    def analyze_folder(
        self,
        path: Any,
        *,
        series_uid: str | None = ...,
        ignore_protocol: bool = ...,
        progress: Callable[[str, float], None] | None = ...,
    ) -> AnalysisResult: ...


class AnalysisClaimError(Exception):
    """The analysis was not in a state this action applies to (someone else moved it first)."""


def _enqueue(analysis_id: int) -> None:
    from django_q.tasks import async_task

    # The pipeline's own errors end as a failed analysis and a successful task; a task that fails
    # did so around it (the database went away while claiming or saving) and left the analysis
    # running. Unacknowledged, it is handed out again after Q_CLUSTER["retry"] and claimed anew.
    async_task(
        RUN_TASK, analysis_id, task_name=f"analysis-{analysis_id}", group="analysis", ack_failure=False
    )


def series_received(*, series_ids: Iterable[int], model_version: str) -> list[Analysis]:
    """New instances arrived for these series: screen each against the protocol and queue it.

    A series already analysed by this model version is analysed again (it grew); one still queued
    or running is left alone — the queued run will read every stored file."""
    return [_screen_and_queue(series_id=sid, model_version=model_version) for sid in series_ids]


def _screen_and_queue(*, series_id: int, model_version: str) -> Analysis:
    series = Series.objects.select_related("study").get(pk=series_id)
    reasons = _protocol_reasons(series)
    with transaction.atomic():
        analysis, created = Analysis.objects.get_or_create(series=series, model_version=model_version)
        if not created and analysis.status in (AnalysisStatus.QUEUED, AnalysisStatus.RUNNING):
            return analysis
        restart = (
            {}
            if created
            else {"status__in": [AnalysisStatus.DONE, AnalysisStatus.FAILED, AnalysisStatus.EXCLUDED]}
        )
        if reasons:
            Analysis.objects.filter(pk=analysis.pk, **restart).update(
                status=AnalysisStatus.EXCLUDED,
                eligible=False,
                exclusion_reasons=reasons,
                positive=None,
                max_grade=None,
                stage="",
                progress=1.0,
                error="",
                finished_at=timezone.now(),
            )
        else:
            moved = Analysis.objects.filter(pk=analysis.pk, **restart).update(
                status=AnalysisStatus.QUEUED,
                eligible=None,
                exclusion_reasons=[],
                positive=None,
                max_grade=None,
                stage="queued",
                progress=0.0,
                attempts=0,
                error="",
                queued_at=timezone.now(),
                started_at=None,
                finished_at=None,
            )
            if moved:
                transaction.on_commit(lambda: _enqueue(analysis.pk))
    analysis.refresh_from_db()
    return analysis


def _protocol_reasons(series: Series) -> list[str]:
    folder = DicomStore().absolute(series.storage_dir)
    try:
        summaries = [s for s in scan_series(folder) if s.series_instance_uid == series.series_instance_uid]
    except DicomLoadError as error:
        return [r.value for r in unreadable_decision(error).reasons]
    if not summaries:
        return ["unreadable"]
    return [r.value for r in check_protocol(summaries[0].metadata).reasons]


def requeue_analysis(*, analysis_id: int) -> Analysis:
    """An admin sends a failed analysis back to the queue (attempts start again)."""
    with transaction.atomic():
        moved = Analysis.objects.filter(pk=analysis_id, status=AnalysisStatus.FAILED).update(
            status=AnalysisStatus.QUEUED,
            attempts=0,
            error="",
            stage="queued",
            progress=0.0,
            queued_at=timezone.now(),
            started_at=None,
            finished_at=None,
        )
        if not moved:
            raise AnalysisClaimError("only a failed analysis can be re-queued")
        transaction.on_commit(lambda: _enqueue(analysis_id))
    return Analysis.objects.get(pk=analysis_id)


def claim_analysis(*, analysis_id: int) -> Analysis | None:
    """Take the analysis for this worker (queued, or running under a worker that died). Returns
    None when there is nothing to do; fails the analysis when its attempts are spent."""
    cap = settings.VCF_ANALYSIS_MAX_ATTEMPTS
    live = [AnalysisStatus.QUEUED, AnalysisStatus.RUNNING]
    claimed = Analysis.objects.filter(pk=analysis_id, status__in=live, attempts__lt=cap).update(
        status=AnalysisStatus.RUNNING,
        attempts=F("attempts") + 1,
        stage="starting",
        progress=0.0,
        error="",
        started_at=timezone.now(),
    )
    if claimed:
        return Analysis.objects.select_related("series").get(pk=analysis_id)
    Analysis.objects.filter(pk=analysis_id, status__in=live, attempts__gte=cap).update(
        status=AnalysisStatus.FAILED,
        finished_at=timezone.now(),
        stage="",
        error=f"gave up after {cap} attempts: the worker stopped during each of them",
    )
    return None


def run_analysis(*, analysis_id: int, analyzer: AnalyzerLike) -> Analysis | None:
    """Claim, run the pipeline, save. Errors end as a failed analysis, never as a lost one."""
    analysis = claim_analysis(analysis_id=analysis_id)
    if analysis is None:
        return None
    attempt = analysis.attempts
    mine = Analysis.objects.filter(pk=analysis_id, status=AnalysisStatus.RUNNING, attempts=attempt)

    def progress(stage: str, fraction: float) -> None:
        mine.update(stage=stage, progress=min(max(fraction, 0.0), 1.0))

    folder = DicomStore().absolute(analysis.series.storage_dir)
    try:
        result = analyzer.analyze_folder(
            folder, series_uid=analysis.series.series_instance_uid, progress=progress
        )
        if result.model_version != analysis.model_version:
            raise RuntimeError(
                f"the worker's models are {result.model_version}; "
                f"this analysis is for {analysis.model_version}"
            )
    except Exception as error:  # the pipeline's failures are many; each must end as a visible error
        log.exception("analysis %s attempt %s failed", analysis_id, attempt)
        message = f"{type(error).__name__}: {error}"[:ERROR_MAX_CHARS]
        mine.update(status=AnalysisStatus.FAILED, error=message, stage="", finished_at=timezone.now())
        return Analysis.objects.get(pk=analysis_id)
    save_result(analysis_id=analysis_id, attempt=attempt, result=result)
    _warm_viewer_metadata(analysis.series)
    return Analysis.objects.get(pk=analysis_id)


def _warm_viewer_metadata(series: Series) -> None:
    """Build the series' DICOMweb metadata now, so the first reader to open it does not wait."""
    from studies.dicomweb.metadata import ensure_template

    try:
        ensure_template(series)
    except Exception:  # a cold cache only costs the first viewer a moment; never fail the analysis
        log.exception("could not prepare the viewer metadata of series %s", series.pk)


def save_result(*, analysis_id: int, attempt: int, result: AnalysisResult) -> bool:
    """Replace the analysis' findings with ``result`` and open its review, in one transaction; only
    the attempt that holds the row may do it. Returns False when it no longer does (nothing is
    written)."""
    document = result.to_json_dict()
    with transaction.atomic():
        analysis = (
            Analysis.objects.select_for_update()
            .filter(pk=analysis_id, status=AnalysisStatus.RUNNING, attempts=attempt)
            .first()
        )
        if analysis is None:
            return False
        VertebraFinding.objects.filter(analysis=analysis).delete()
        if result.eligible:
            VertebraFinding.objects.bulk_create(_findings(analysis, document["vertebrae"]))
        density = document["bone_density"]
        Analysis.objects.filter(pk=analysis.pk).update(
            status=AnalysisStatus.DONE if result.eligible else AnalysisStatus.EXCLUDED,
            eligible=result.eligible,
            exclusion_reasons=list(result.exclusion_reasons),
            positive=result.positive if result.eligible else None,
            max_grade=result.max_grade if result.eligible else None,
            l1_hu=density.get("l1_hu"),
            mean_hu=density.get("mean_hu"),
            bone_density_levels=list(density.get("levels") or []),
            timings=document["timings_s"],
            stage="",
            progress=1.0,
            error="",
            finished_at=timezone.now(),
        )
        AnalysisDocument.objects.update_or_create(analysis=analysis, defaults={"body": document})
        record_system_change(target_kind="analysis", target_id=analysis.pk)
        # In the same transaction: a worker dying in between must not leave a finished analysis that
        # no one will ever review (a re-delivered task finds the analysis done and does nothing).
        from studies.services.reviews import open_review

        open_review(analysis_id=analysis.pk)
    return True


def _findings(analysis: Analysis, vertebrae: list[dict[str, Any]]) -> list[VertebraFinding]:
    findings = []
    for vertebra in vertebrae:
        heights = vertebra.get("heights_mm") or {}
        x, y, z = vertebra["centroid_lps_mm"]
        findings.append(
            VertebraFinding(
                analysis=analysis,
                level=VertebraLevel[vertebra["label"]],
                centroid_x_mm=x,
                centroid_y_mm=y,
                centroid_z_mm=z,
                confidence=vertebra["confidence"],
                landmarks=vertebra.get("landmarks_lps_mm"),
                height_anterior_mm=heights.get("anterior"),
                height_middle_mm=heights.get("middle"),
                height_posterior_mm=heights.get("posterior"),
                height_loss_pct=vertebra.get("height_loss_pct"),
                grade=vertebra.get("grade"),
                mean_hu=vertebra.get("mean_hu"),
                status=FindingStatus(vertebra["status"]),
                uncertain=bool(vertebra.get("uncertain")),
                uncertainty_reasons=list(vertebra.get("uncertainty_reasons") or []),
                hu_roi=vertebra.get("hu_roi"),
            )
        )
    return findings
