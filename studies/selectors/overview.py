from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from studies.models import Analysis, AnalysisStatus, Patient, Series, Study


@dataclass(frozen=True)
class AnalysisOverview:
    patients: int
    studies: int
    series: int
    queued: int
    running: int
    done: int
    failed: int
    excluded: int
    positive: int
    grade_1: int
    grade_2: int
    grade_3: int


def analysis_overview() -> AnalysisOverview:
    """Counts for the workspace home pages, in four aggregate queries."""
    done_positive = Q(status=AnalysisStatus.DONE, positive=True)
    # Aggregate aliases may not shadow model fields ("positive"), hence the n_ prefix.
    counts = Analysis.objects.aggregate(
        n_queued=Count("id", filter=Q(status=AnalysisStatus.QUEUED)),
        n_running=Count("id", filter=Q(status=AnalysisStatus.RUNNING)),
        n_done=Count("id", filter=Q(status=AnalysisStatus.DONE)),
        n_failed=Count("id", filter=Q(status=AnalysisStatus.FAILED)),
        n_excluded=Count("id", filter=Q(status=AnalysisStatus.EXCLUDED)),
        n_positive=Count("id", filter=done_positive),
        n_grade_1=Count("id", filter=done_positive & Q(max_grade=1)),
        n_grade_2=Count("id", filter=done_positive & Q(max_grade=2)),
        n_grade_3=Count("id", filter=done_positive & Q(max_grade=3)),
    )
    analyses = {key.removeprefix("n_"): value for key, value in counts.items()}
    return AnalysisOverview(
        patients=Patient.objects.count(),
        studies=Study.objects.count(),
        series=Series.objects.count(),
        **analyses,
    )
