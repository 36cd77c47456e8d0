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

from django.db.models import Count, Exists, OuterRef, Q

from studies.models import ReviewOutcome
from studies.statistics.filters import StatisticsFilter, flagged_reviews
from studies.statistics.intervals import proportion

THRESHOLDS: tuple[int, ...] = (20, 25, 30, 40)


def operating_points(
    statistics_filter: StatisticsFilter, thresholds: tuple[int, ...] = THRESHOLDS
) -> list[dict[str, Any]]:
    reviews = flagged_reviews(statistics_filter)
    flagged_levels = ReviewOutcome.objects.filter(flagged=True)
    case_counts: dict[str, Count] = {}
    for t in thresholds:
        still = flagged_levels.filter(review=OuterRef("pk"), height_loss_pct__gte=t)
        case_counts[f"flag_{t}"] = Count("pk", filter=Q(Exists(still)))
        case_counts[f"tp_{t}"] = Count("pk", filter=Q(Exists(still.filter(is_fracture=True))))
    case_row = reviews.aggregate(**case_counts)
    vertebra_row = flagged_levels.filter(review__in=reviews.values("pk")).aggregate(
        **{
            f"{kind}_{t}": Count("pk", filter=Q(height_loss_pct__gte=t) & extra)
            for t in thresholds
            for kind, extra in (("flag", Q()), ("tp", Q(is_fracture=True)))
        }
    )
    return [
        {
            "threshold_pct": t,
            "cases_flagged": case_row[f"flag_{t}"],
            "ppv_per_case": proportion(case_row[f"tp_{t}"], case_row[f"flag_{t}"]),
            "vertebrae_flagged": vertebra_row[f"flag_{t}"],
            "ppv_per_vertebra": proportion(vertebra_row[f"tp_{t}"], vertebra_row[f"flag_{t}"]),
        }
        for t in thresholds
    ]
