"""PPV per case and per vertebra, missed fractures, and the audit's sensitivity / specificity / NPV.

Grades: per case, the analysis' ``max_grade`` (the tool's worst grade); per vertebra, the tool's grade
of the flagged finding (``finding.grade``: 1–2 or 3). A flagged vertebra is a true positive when the
final outcome says ``is_fracture``.

Audit estimator (partial verification, Begg–Greenes type). Every flagged case is meant to be reviewed;
negatives are reviewed only as a random audit sample. With the cohort's counts

* TP, FP — closed flagged reviews decided tp / fp;
* N_neg — finished, negative first-study analyses in the filter;
* a, fn — closed audit reviews and, of them, the ones decided fn (so tn = a − fn);

the audit's false-negative rate p = fn / a is extrapolated to all negatives:
FN* = N_neg·p, TN* = N_neg·(1 − p), and

* NPV = tn / a (exact Clopper–Pearson on the audit sample itself);
* sensitivity = TP / (TP + FN*), specificity = TN* / (TN* + FP).

Their 95 % intervals carry only the audit's sampling uncertainty: the exact interval of p is mapped
through each formula (both are monotone in p), the flagged counts being complete and fixed. They are
estimates (``k`` and ``n`` are not reported for them) and are None without audited cases.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Count, Q

from studies.models import CaseDecision, ReviewReason
from studies.statistics.filters import (
    StatisticsFilter,
    closed_reviews,
    first_study_analyses,
    flagged_reviews,
    outcomes,
)
from studies.statistics.intervals import Proportion, clopper_pearson, format_percent, proportion

GROUPS: tuple[str, ...] = ("overall", "grade_1_2", "grade_3")


def grade_groups(field: str) -> dict[str, Q]:
    """Overall, grade 1–2 and grade 3 by the grade in ``field``."""
    return {"overall": Q(), "grade_1_2": Q(**{f"{field}__in": (1, 2)}), "grade_3": Q(**{field: 3})}


def ppv_per_case(statistics_filter: StatisticsFilter) -> dict[str, Proportion]:
    tp = Q(decision=CaseDecision.TRUE_POSITIVE)
    aggregates: dict[str, Count] = {}
    for name, q in grade_groups("analysis__max_grade").items():
        aggregates[f"{name}_k"] = Count("pk", filter=q & tp)
        aggregates[f"{name}_n"] = Count("pk", filter=q)
    row = flagged_reviews(statistics_filter).aggregate(**aggregates)
    return {name: proportion(row[f"{name}_k"], row[f"{name}_n"]) for name in GROUPS}


def ppv_per_vertebra(statistics_filter: StatisticsFilter) -> dict[str, Proportion]:
    aggregates: dict[str, Count] = {}
    for name, q in grade_groups("finding__grade").items():
        aggregates[f"{name}_k"] = Count("pk", filter=q & Q(is_fracture=True))
        aggregates[f"{name}_n"] = Count("pk", filter=q)
    row = outcomes(statistics_filter, ReviewReason.FLAGGED).filter(flagged=True).aggregate(**aggregates)
    return {name: proportion(row[f"{name}_k"], row[f"{name}_n"]) for name in GROUPS}


def missed_fractures(statistics_filter: StatisticsFilter) -> dict[str, int]:
    """False negatives per vertebra: fractures readers found at levels the tool did not flag."""
    missed = Q(flagged=False, is_fracture=True)
    return outcomes(statistics_filter).aggregate(
        total=Count("pk", filter=missed),
        in_flagged_cases=Count("pk", filter=missed & Q(review__reason=ReviewReason.FLAGGED)),
        in_audited_cases=Count("pk", filter=missed & Q(review__reason=ReviewReason.AUDIT)),
        grade_1_2=Count("pk", filter=missed & Q(grade__in=(1, 2))),
        grade_3=Count("pk", filter=missed & Q(grade=3)),
    )


@dataclass(frozen=True)
class Estimate:
    estimate: float
    lower: float
    upper: float
    text: str


@dataclass(frozen=True)
class AuditEstimates:
    audited: int
    false_negative_cases: int
    negatives: int
    true_positive: int
    false_positive: int
    npv: Proportion
    sensitivity: Estimate | None
    specificity: Estimate | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _estimate(value: float, bounds: tuple[float, float]) -> Estimate:
    lower, upper = min(bounds), max(bounds)
    text = f"{format_percent(value)} % (95 % CI {format_percent(lower)}–{format_percent(upper)} %)"
    return Estimate(estimate=value, lower=lower, upper=upper, text=text)


def audit_estimates(statistics_filter: StatisticsFilter) -> AuditEstimates:
    case = flagged_reviews(statistics_filter).aggregate(
        tp=Count("pk", filter=Q(decision=CaseDecision.TRUE_POSITIVE)),
        fp=Count("pk", filter=Q(decision=CaseDecision.FALSE_POSITIVE)),
    )
    audit = closed_reviews(statistics_filter, ReviewReason.AUDIT).aggregate(
        audited=Count("pk"), fn=Count("pk", filter=Q(decision=CaseDecision.FALSE_NEGATIVE))
    )
    negatives = first_study_analyses(statistics_filter).filter(positive=False).count()
    tp, fp, audited, fn = case["tp"], case["fp"], audit["audited"], audit["fn"]
    sensitivity = specificity = None
    if audited:
        p = fn / audited
        p_low, p_high = clopper_pearson(fn, audited)

        def sens(rate: float) -> float:
            missed = negatives * rate
            return tp / (tp + missed) if tp + missed else 0.0

        def spec(rate: float) -> float:
            true_negative = negatives * (1 - rate)
            return true_negative / (true_negative + fp) if true_negative + fp else 0.0

        if tp + negatives * p_high > 0:
            sensitivity = _estimate(sens(p), (sens(p_low), sens(p_high)))
        if negatives * (1 - p_low) + fp > 0:
            specificity = _estimate(spec(p), (spec(p_low), spec(p_high)))
    return AuditEstimates(
        audited=audited,
        false_negative_cases=fn,
        negatives=negatives,
        true_positive=tp,
        false_positive=fp,
        npv=proportion(audited - fn, audited),
        sensitivity=sensitivity,
        specificity=specificity,
    )
