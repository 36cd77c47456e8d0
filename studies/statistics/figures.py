"""All department figures for one filter, as plain data ready for an API (issue 9).

Each part lives in its own module (flowchart, accuracy, reporting, cohort, operating_point); every
function issues a fixed number of aggregate queries, whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any

from studies.statistics.accuracy import audit_estimates, missed_fractures, ppv_per_case, ppv_per_vertebra
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


def department_statistics(statistics_filter: StatisticsFilter) -> dict[str, Any]:
    return plain(
        {
            "filter": statistics_filter.as_dict(),
            "flowchart": flowchart(statistics_filter),
            "ppv_per_case": ppv_per_case(statistics_filter),
            "ppv_per_vertebra": ppv_per_vertebra(statistics_filter),
            "missed_fractures": missed_fractures(statistics_filter),
            "audit": audit_estimates(statistics_filter),
            "non_reported_per_case": non_reported_per_case(statistics_filter),
            "non_reported_per_vertebra": non_reported_per_vertebra(statistics_filter),
            "vertebroplasty": vertebroplasty(statistics_filter),
            "false_positive_reasons": false_positive_reasons(statistics_filter),
            "regions": regions(statistics_filter),
            "cohort": cohort_table(statistics_filter),
            "operating_points": operating_points(statistics_filter),
            "grades_by_month": grades_by_month(statistics_filter),
        }
    )
