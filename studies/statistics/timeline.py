"""Flagged cases per month of study date, by the tool's grade (the dashboard's trend chart)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from studies.statistics.filters import StatisticsFilter, first_study_analyses


def grades_by_month(statistics_filter: StatisticsFilter) -> list[dict[str, Any]]:
    """One row per month with flagged cases: counts of grade 1, 2 and 3 (undated studies left out)."""
    rows = (
        first_study_analyses(statistics_filter)
        .filter(positive=True, series__study__study_date__isnull=False)
        .annotate(month=TruncMonth("series__study__study_date"))
        .values("month")
        .annotate(
            grade_1=Count("pk", filter=Q(max_grade=1)),
            grade_2=Count("pk", filter=Q(max_grade=2)),
            grade_3=Count("pk", filter=Q(max_grade=3)),
        )
        .order_by("month")
    )
    return [
        {
            "month": row["month"].strftime("%Y-%m"),
            "grade_1": row["grade_1"],
            "grade_2": row["grade_2"],
            "grade_3": row["grade_3"],
        }
        for row in rows
    ]
