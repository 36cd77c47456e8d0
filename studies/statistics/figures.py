"""All department figures for one filter, as plain data ready for an API (issue 9).

Each figure lives in its own module (flowchart, accuracy, reporting, cohort, operating_point) as named
aggregates (``aggregation.Figure``); the dashboard merges them into one query per source, so the number
of queries is fixed whatever the number of rows or figures.
"""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any

from studies.statistics.accuracy import audit_estimates, missed_fractures, ppv_per_case, ppv_per_vertebra
from studies.statistics.aggregation import Figure, compute
from studies.statistics.cohort import cohort_table
from studies.statistics.filters import StatisticsFilter
from studies.statistics.flowchart import flowchart
from studies.statistics.operating_point import operating_points
from studies.statistics.reporting import (
    false_positive_reasons,
    non_reported_per_case,
    non_reported_per_vertebra,
    regions,
    vertebroplasty,
)
from studies.statistics.timeline import grades_by_month


def plain(value: Any) -> Any:
    """Dataclasses (Proportion, Flowchart, ...) to dicts, recursively, for JSON."""
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


FIGURES: dict[str, Figure] = {
    "flowchart": flowchart,
    "ppv_per_case": ppv_per_case,
    "ppv_per_vertebra": ppv_per_vertebra,
    "missed_fractures": missed_fractures,
    "audit": audit_estimates,
    "non_reported_per_case": non_reported_per_case,
    "non_reported_per_vertebra": non_reported_per_vertebra,
    "vertebroplasty": vertebroplasty,
    "false_positive_reasons": false_positive_reasons,
    "regions": regions,
    "cohort": cohort_table,
    "operating_points": operating_points,
}


def department_statistics(statistics_filter: StatisticsFilter) -> dict[str, Any]:
    """Every figure: one aggregate query per source (analyses, reviews, outcomes) and the timeline."""
    figures = compute(FIGURES, statistics_filter)
    figures["grades_by_month"] = grades_by_month(statistics_filter)
    return plain({"filter": statistics_filter.as_dict(), **figures})
