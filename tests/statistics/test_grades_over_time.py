"""Flagged cases per month by grade (the dashboard's trend chart)."""

from __future__ import annotations

from datetime import date

from studies.statistics.filters import StatisticsFilter
from studies.statistics.timeline import grades_by_month
from tests.statistics.conftest import ALL


def test_flagged_first_studies_per_month(cohort) -> None:
    # Flagged first studies: A1 2025-01 g3; A2 2025-02 g2; A3 2025-02 g1; A4 2025-03 g3.
    # A5 (2025-03, g3) repeats A1's patient and is left out; negatives, excluded and failed never count.
    assert grades_by_month(ALL) == [
        {"month": "2025-01", "grade_1": 0, "grade_2": 0, "grade_3": 1},
        {"month": "2025-02", "grade_1": 1, "grade_2": 1, "grade_3": 0},
        {"month": "2025-03", "grade_1": 0, "grade_2": 0, "grade_3": 1},
    ]


def test_the_period_filter_applies(cohort) -> None:
    february = StatisticsFilter(date_from=date(2025, 2, 1), date_to=date(2025, 2, 28))
    assert grades_by_month(february) == [{"month": "2025-02", "grade_1": 1, "grade_2": 1, "grade_3": 0}]
