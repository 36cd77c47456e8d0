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

from django.db.models import Count, Q

from studies.models import CaseDecision, FalsePositiveReason, PriorStatus, ReviewReason
from studies.models.vertebrae import VertebraLevel
from studies.statistics.accuracy import GROUPS, grade_groups, read_proportions
from studies.statistics.aggregation import FLAGGED_REVIEW, OF_FLAGGED_REVIEW, Aggregates, Figure, Source
from studies.statistics.intervals import Proportion, proportion

PRIOR_GROUPS: dict[str, Q] = {
    "new": Q(prior_status=PriorStatus.NEW),
    "previously_known": Q(prior_status__in=(PriorStatus.STABLE, PriorStatus.PROGRESSED)),
    "no_prior": Q(prior_status=PriorStatus.NO_PRIOR),
}
CONFIRMED_CASE = Q(decision=CaseDecision.TRUE_POSITIVE)
TRUE_FRACTURE = OF_FLAGGED_REVIEW & Q(flagged=True, is_fracture=True)


def _rates(field: str, groups: dict[str, Q]) -> dict[str, Count]:
    """For each group: k = ``field`` false, n = ``field`` known."""
    aggregates: dict[str, Count] = {}
    for name, q in groups.items():
        aggregates[f"{name}_k"] = Count("pk", filter=q & Q(**{field: False}))
        aggregates[f"{name}_n"] = Count("pk", filter=q & Q(**{f"{field}__isnull": False}))
    return aggregates


CASE_GROUPS = (*GROUPS, "new", "previously_known")
VERTEBRA_GROUPS = (*GROUPS, *PRIOR_GROUPS)


NOT_REPORTED = Q(review__fracture_reported=False)
REPORTED_KNOWN = Q(review__fracture_reported__isnull=False)


def _non_reported_per_case() -> Aggregates:
    """Over the confirmed cases' fractures (outcomes), counting distinct cases. A case is previously
    known when it has a known fracture and no new one: |new or known| − |new|, as a row cannot see
    its case's other rows."""
    case_fracture = Q(
        is_fracture=True,
        review__reason=ReviewReason.FLAGGED,
        review__analysis__positive=True,
        review__decision=CaseDecision.TRUE_POSITIVE,
    )
    new_or_known = PRIOR_GROUPS["new"] | PRIOR_GROUPS["previously_known"]
    aggregates: dict[str, Count] = {}
    for name, q in {"new": PRIOR_GROUPS["new"], "new_or_known": new_or_known}.items():
        for part, field_q in (
            ("k", Q(review__fracture_reported=False)),
            ("n", Q(review__fracture_reported__isnull=False)),
        ):
            aggregates[f"{name}_{part}"] = Count("review", filter=case_fracture & q & field_q, distinct=True)
    within = {
        name: FLAGGED_REVIEW & CONFIRMED_CASE & q for name, q in grade_groups("analysis__max_grade").items()
    }
    return {Source.REVIEWS: _rates("fracture_reported", within), Source.OUTCOMES: aggregates}


def _read_non_reported_per_case(row: dict[str, Any]) -> dict[str, Proportion]:
    for part in ("k", "n"):
        row[f"previously_known_{part}"] = row[f"new_or_known_{part}"] - row[f"new_{part}"]
    return read_proportions(row, CASE_GROUPS)


def _non_reported_per_vertebra() -> Aggregates:
    groups = {name: TRUE_FRACTURE & q for name, q in {**grade_groups("grade"), **PRIOR_GROUPS}.items()}
    return {Source.OUTCOMES: _rates("reported", groups)}


non_reported_per_case = Figure(aggregates=_non_reported_per_case, read=_read_non_reported_per_case)
non_reported_per_vertebra = Figure(
    aggregates=_non_reported_per_vertebra,
    read=lambda row: read_proportions(row, VERTEBRA_GROUPS),
)


def _vertebroplasty() -> Aggregates:
    """Grade-3 confirmed fractures: referred to IR, judged eligible, eligible but not in the report."""
    grade_3 = Q(is_fracture=True, grade=3)
    eligible = grade_3 & Q(referral_link__referral__final_eligibility="yes")
    return {
        Source.OUTCOMES: {
            "grade_3": Count("pk", filter=grade_3),
            "referred": Count("pk", filter=grade_3 & Q(referral_link__isnull=False)),
            "eligible": Count("pk", filter=eligible),
            "eligible_reported_known": Count("pk", filter=eligible & Q(reported__isnull=False)),
            "eligible_not_reported": Count("pk", filter=eligible & Q(reported=False)),
        }
    }


def _read_vertebroplasty(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "referred_rate": proportion(row["referred"], row["grade_3"]),
        "missed_vertebroplasty_rate": proportion(
            row["eligible_not_reported"], row["eligible_reported_known"]
        ),
    }


vertebroplasty = Figure(aggregates=_vertebroplasty, read=_read_vertebroplasty)
FALSE_POSITIVE = OF_FLAGGED_REVIEW & Q(flagged=True, is_fracture=False)


def _false_positive_reasons() -> Aggregates:
    per_reason = {
        reason.value: Count("pk", filter=FALSE_POSITIVE & Q(false_positive_reason=reason.value))
        for reason in FalsePositiveReason
    }
    return {Source.OUTCOMES: {**per_reason, "all": Count("pk", filter=FALSE_POSITIVE)}}


def _read_false_positive_reasons(row: dict[str, Any]) -> dict[str, int]:
    """Counts per reason; false positives without a (known) reason are "unspecified"."""
    counts = {reason.value: row[reason.value] for reason in FalsePositiveReason}
    unspecified = row["all"] - sum(counts.values())
    return {**counts, "unspecified": unspecified} if unspecified else counts


false_positive_reasons = Figure(aggregates=_false_positive_reasons, read=_read_false_positive_reasons)
THORACIC = Q(level__gte=VertebraLevel.T1, level__lte=VertebraLevel.T12)
LUMBAR = Q(level__gte=VertebraLevel.L1, level__lte=VertebraLevel.L5)


def _regions() -> Aggregates:
    """Thoracic versus lumbar among the true positive vertebrae (flagged, confirmed)."""
    return {
        Source.OUTCOMES: {
            "total": Count("pk", filter=TRUE_FRACTURE),
            "thoracic": Count("pk", filter=TRUE_FRACTURE & THORACIC),
            "lumbar": Count("pk", filter=TRUE_FRACTURE & LUMBAR),
        }
    }


def _read_regions(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "thoracic_share": proportion(row["thoracic"], row["total"]),
        "lumbar_share": proportion(row["lumbar"], row["total"]),
    }


regions = Figure(aggregates=_regions, read=_read_regions)
