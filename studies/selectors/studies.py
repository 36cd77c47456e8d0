from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from studies.models import Analysis, Series, Study, VertebraFinding


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


def _is_uid(text: str) -> bool:
    """A DICOM UID: digits and dots, at most 64 characters. Anything else names no study, and is not
    handed to the database (PostgreSQL refuses NUL characters with an error)."""
    return 0 < len(text) <= 64 and all(character in "0123456789." for character in text)


def study_detail(*, study_instance_uid: str) -> Study | None:
    if not _is_uid(study_instance_uid):
        return None
    return study_list().filter(study_instance_uid=study_instance_uid).first()


def study_page(*, study_instance_uid: str) -> Study | None:
    """One study with its series, their analyses (newest first) and each analysis' findings."""
    if not _is_uid(study_instance_uid):
        return None
    analyses = (
        Analysis.objects.select_related("review")
        .order_by("-created_at", "-id")
        .prefetch_related(Prefetch("findings", queryset=VertebraFinding.objects.order_by("level")))
    )
    series = Series.objects.annotate(stored_instances=Count("instances")).prefetch_related(
        Prefetch("analyses", queryset=analyses)
    )
    return (
        Study.objects.select_related("patient", "repeat_of")
        .prefetch_related(Prefetch("series", queryset=series))
        .filter(study_instance_uid=study_instance_uid)
        .first()
    )
