"""Non-reported fractures, vertebroplasty, false-positive reasons and the thoracic / lumbar split.

Non-reported rates count confirmed fractures whose mention in the routine report is known
(``fracture_reported`` / ``reported`` not null): per case, the closed flagged reviews decided tp (grade:
the analysis' ``max_grade``); per vertebra, the flagged levels confirmed as fractures (grade: the
readers' final grade). "New" is prior_status new; "previously known" is stable or progressed; fractures
without a prior study form their own group. A case counts as new when any of its confirmed fractures is
new, as previously known when none is new and some is known.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from studies.models import CaseDecision, FalsePositiveReason, PriorStatus, ReviewOutcome, ReviewReason
from studies.models.vertebrae import VertebraLevel
from studies.statistics.accuracy import grade_groups
from studies.statistics.filters import StatisticsFilter, flagged_reviews, outcomes
from studies.statistics.intervals import Proportion, proportion

PRIOR_GROUPS: dict[str, Q] = {
    "new": Q(prior_status=PriorStatus.NEW),
    "previously_known": Q(prior_status__in=(PriorStatus.STABLE, PriorStatus.PROGRESSED)),
    "no_prior": Q(prior_status=PriorStatus.NO_PRIOR),
}


def _rates(queryset: Any, field: str, groups: dict[str, Q]) -> dict[str, Proportion]:
    """One aggregate: for each group, k = ``field`` false, n = ``field`` known."""
    aggregates: dict[str, Count] = {}
    for name, q in groups.items():
        aggregates[f"{name}_k"] = Count("pk", filter=q & Q(**{field: False}))
        aggregates[f"{name}_n"] = Count("pk", filter=q & Q(**{f"{field}__isnull": False}))
    row = queryset.aggregate(**aggregates)
    return {name: proportion(row[f"{name}_k"], row[f"{name}_n"]) for name in groups}


def true_fracture_outcomes(statistics_filter: StatisticsFilter) -> Any:
    return outcomes(statistics_filter, ReviewReason.FLAGGED).filter(flagged=True, is_fracture=True)


def non_reported_per_case(statistics_filter: StatisticsFilter) -> dict[str, Proportion]:
    fractures = ReviewOutcome.objects.filter(review=OuterRef("pk"), is_fracture=True)
    cases = (
        flagged_reviews(statistics_filter)
        .filter(decision=CaseDecision.TRUE_POSITIVE)
        .annotate(
            any_new=Exists(fractures.filter(PRIOR_GROUPS["new"])),
            any_known=Exists(fractures.filter(PRIOR_GROUPS["previously_known"])),
        )
    )
    groups = {
        **grade_groups("analysis__max_grade"),
        "new": Q(any_new=True),
        "previously_known": Q(any_new=False, any_known=True),
    }
    return _rates(cases, "fracture_reported", groups)


def non_reported_per_vertebra(statistics_filter: StatisticsFilter) -> dict[str, Proportion]:
    groups = {**grade_groups("grade"), **PRIOR_GROUPS}
    return _rates(true_fracture_outcomes(statistics_filter), "reported", groups)


def vertebroplasty(statistics_filter: StatisticsFilter) -> dict[str, Any]:
    """Grade-3 confirmed fractures: referred to IR, judged eligible, eligible but not in the report."""
    referred = Q(referral_link__isnull=False)
    eligible = Q(referral_link__referral__final_eligibility="yes")
    row = (
        outcomes(statistics_filter)
        .filter(is_fracture=True, grade=3)
        .aggregate(
            grade_3=Count("pk"),
            referred=Count("pk", filter=referred),
            eligible=Count("pk", filter=eligible),
            eligible_reported_known=Count("pk", filter=eligible & Q(reported__isnull=False)),
            eligible_not_reported=Count("pk", filter=eligible & Q(reported=False)),
        )
    )
    return {
        **row,
        "referred_rate": proportion(row["referred"], row["grade_3"]),
        "missed_vertebroplasty_rate": proportion(
            row["eligible_not_reported"], row["eligible_reported_known"]
        ),
    }


def false_positive_reasons(statistics_filter: StatisticsFilter) -> dict[str, int]:
    rows = (
        outcomes(statistics_filter, ReviewReason.FLAGGED)
        .filter(flagged=True, is_fracture=False)
        .values("false_positive_reason")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {reason.value: 0 for reason in FalsePositiveReason}
    for row in rows:  # one row per reason, not per outcome
        key = row["false_positive_reason"] or "unspecified"
        counts[key] = counts.get(key, 0) + row["count"]
    return counts


def regions(statistics_filter: StatisticsFilter) -> dict[str, Any]:
    """Thoracic versus lumbar among the true positive vertebrae (flagged, confirmed)."""
    thoracic = Q(level__gte=VertebraLevel.T1, level__lte=VertebraLevel.T12)
    lumbar = Q(level__gte=VertebraLevel.L1, level__lte=VertebraLevel.L5)
    row = true_fracture_outcomes(statistics_filter).aggregate(
        total=Count("pk"), thoracic=Count("pk", filter=thoracic), lumbar=Count("pk", filter=lumbar)
    )
    return {
        **row,
        "thoracic_share": proportion(row["thoracic"], row["total"]),
        "lumbar_share": proportion(row["lumbar"], row["total"]),
    }
