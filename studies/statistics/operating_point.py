"""What PPV and the number of flags would be with a higher VHL threshold (from reviewed cases).

From the closed flagged reviews of the cohort, a flagged vertebra stays flagged at threshold t when its
VHL (the outcome's ``height_loss_pct``: the tool's measurement, or the reader's correction) is ≥ t, and
is a true positive when confirmed as a fracture. A case stays flagged when any of its flagged vertebrae
does, and is a true positive when any vertebra still flagged is a confirmed fracture. 20 % is today's
threshold (grade 1 starts at 20 %). Flags at a higher threshold are a subset of today's, so no new
flag needs a review that never happened.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from studies.statistics.aggregation import OF_FLAGGED_REVIEW, Aggregates, Figure, Source
from studies.statistics.intervals import proportion

THRESHOLDS: tuple[int, ...] = (20, 25, 30, 40)
FLAGGED_LEVEL = OF_FLAGGED_REVIEW & Q(flagged=True)


def _operating_points() -> Aggregates:
    """Per threshold: flagged vertebrae and their true positives, and the distinct cases they fall in
    (a case is flagged when any of its vertebrae is, a true positive when any of those is confirmed)."""
    aggregates: dict[str, Count] = {}
    for t in THRESHOLDS:
        for kind, extra in (("flag", Q()), ("tp", Q(is_fracture=True))):
            still = FLAGGED_LEVEL & Q(height_loss_pct__gte=t) & extra
            aggregates[f"vertebrae_{kind}_{t}"] = Count("pk", filter=still)
            aggregates[f"cases_{kind}_{t}"] = Count("review", filter=still, distinct=True)
    return {Source.OUTCOMES: aggregates}


def _read_operating_points(row: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "threshold_pct": t,
            "cases_flagged": row[f"cases_flag_{t}"],
            "ppv_per_case": proportion(row[f"cases_tp_{t}"], row[f"cases_flag_{t}"]),
            "vertebrae_flagged": row[f"vertebrae_flag_{t}"],
            "ppv_per_vertebra": proportion(row[f"vertebrae_tp_{t}"], row[f"vertebrae_flag_{t}"]),
        }
        for t in THRESHOLDS
    ]


operating_points = Figure(aggregates=_operating_points, read=_read_operating_points)
