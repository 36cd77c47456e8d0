from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from studies.models import Analysis, Series, Study


def study_list() -> QuerySet[Study]:
    """Studies with patient, series and their analyses, in a constant number of queries."""
    series = Series.objects.annotate(stored_instances=Count("instances")).prefetch_related(
        Prefetch("analyses", queryset=Analysis.objects.order_by("-created_at", "-id"))
    )
    return (
        Study.objects.select_related("patient")
        .prefetch_related(Prefetch("series", queryset=series))
        .order_by("-study_date", "-id")
    )


def study_detail(*, study_instance_uid: str) -> Study | None:
    return study_list().filter(study_instance_uid=study_instance_uid).first()
