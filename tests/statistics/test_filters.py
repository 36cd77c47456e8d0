"""Period, scanner and cancer-site filters narrow every figure the same way."""

from __future__ import annotations

from datetime import date

import pytest

from studies.statistics.accuracy import ppv_per_case
from studies.statistics.filters import StatisticsFilter
from studies.statistics.flowchart import flowchart


def test_period_is_inclusive_on_study_date(cohort) -> None:
    february = StatisticsFilter(date_from=date(2025, 2, 1), date_to=date(2025, 2, 20))
    chart = flowchart(february)
    # A2 (02-01, first day), A7 (02-10), A10 (02-05, excluded), A3 (02-20, last day).
    assert chart.collected == 4
    assert chart.excluded == 1 and chart.excluded_by_reason["not_ct"] == 1
    assert (chart.analysed, chart.flagged, chart.reviewed) == (3, 2, 2)
    assert (chart.true_positive, chart.false_positive) == (1, 1)


def test_open_ended_period(cohort) -> None:
    assert flowchart(StatisticsFilter(date_from=date(2025, 3, 1))).collected == 4  # A8 (03-01), A11, A4, A5
    assert flowchart(StatisticsFilter(date_to=date(2025, 1, 10))).collected == 2  # A9, A1


def test_scanner_matches_manufacturer_model_or_both(cohort) -> None:
    assert flowchart(StatisticsFilter(scanner="ge")).collected == 2  # A2, A6 (GE Revolution)
    assert flowchart(StatisticsFilter(scanner="revolution")).collected == 2
    assert flowchart(StatisticsFilter(scanner="siemens somatom")).collected == 9  # all the others
    assert flowchart(StatisticsFilter(scanner="philips")).collected == 0


def test_cancer_site(cohort) -> None:
    breast = StatisticsFilter(cancer_site="breast")
    assert flowchart(breast).collected == 1  # A2 (P2)
    ppv = ppv_per_case(breast)["overall"]
    assert (ppv.k, ppv.n) == (1, 1)


def test_backwards_period_is_refused() -> None:
    with pytest.raises(ValueError):
        StatisticsFilter(date_from=date(2025, 2, 1), date_to=date(2025, 1, 1))
