"""The flowchart's boxes on the hand-built cohort (see tests/statistics/cohort.py)."""

from __future__ import annotations

from studies.statistics.flowchart import flowchart
from tests.statistics.conftest import ALL


def test_boxes(cohort) -> None:
    chart = flowchart(ALL)
    assert chart.collected == 11  # A1–A11
    assert chart.excluded == 2  # A9, A10
    assert chart.not_finished == 1  # A11 failed: 11 − 2 − 8
    assert chart.analysed == 8  # A1–A8
    assert chart.negative == 3  # A6, A7, A8
    assert chart.flagged == 5  # A1–A5
    assert chart.repeats_removed == 1  # A5 repeats A1's patient
    assert chart.first_studies_flagged == 4  # 5 − 1
    assert chart.reviewed == 3  # A1, A2, A3 closed; A4 still open
    assert (chart.true_positive, chart.false_positive) == (2, 1)  # A1, A2 tp; A3 fp


def test_exclusions_per_reason(cohort) -> None:
    reasons = flowchart(ALL).excluded_by_reason
    # A9 fails two rules and counts under each; A10 one.
    assert reasons["slice_too_thick"] == 1
    assert reasons["kernel_not_supported"] == 1
    assert reasons["not_ct"] == 1
    assert sum(reasons.values()) == 3
    assert set(reasons) >= {"age_unknown", "insufficient_coverage", "unreadable"}


def test_empty_database(db) -> None:
    chart = flowchart(ALL)
    assert chart.collected == 0 and chart.reviewed == 0
    assert set(chart.excluded_by_reason.values()) == {0}
