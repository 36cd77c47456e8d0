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
from studies.statistics.aggregation import (
    AUDIT_REVIEW,
    FIRST_STUDY,
    FLAGGED_REVIEW,
    OF_AUDIT_REVIEW,
    OF_FLAGGED_REVIEW,
    Aggregates,
    Figure,
    Source,
)
from studies.statistics.intervals import Proportion, clopper_pearson, format_percent, proportion

GROUPS: tuple[str, ...] = ("overall", "grade_1_2", "grade_3")
TRUE_POSITIVE = Q(decision=CaseDecision.TRUE_POSITIVE)


def grade_groups(field: str) -> dict[str, Q]:
    """Overall, grade 1–2 and grade 3 by the grade in ``field``."""
    return {"overall": Q(), "grade_1_2": Q(**{f"{field}__in": (1, 2)}), "grade_3": Q(**{field: 3})}


def proportions(within: dict[str, Q], counted: Q) -> dict[str, Count]:
    """For each group: ``name_n`` counts its rows, ``name_k`` those of them that match ``counted``."""
    aggregates: dict[str, Count] = {}
    for name, group in within.items():
        aggregates[f"{name}_k"] = Count("pk", filter=group & counted)
        aggregates[f"{name}_n"] = Count("pk", filter=group)
    return aggregates


def read_proportions(row: dict[str, Any], names: tuple[str, ...] = GROUPS) -> dict[str, Proportion]:
    return {name: proportion(row[f"{name}_k"], row[f"{name}_n"]) for name in names}


def _ppv_per_case() -> Aggregates:
    within = {name: FLAGGED_REVIEW & q for name, q in grade_groups("analysis__max_grade").items()}
    return {Source.REVIEWS: proportions(within, TRUE_POSITIVE)}


def _ppv_per_vertebra() -> Aggregates:
    flagged = OF_FLAGGED_REVIEW & Q(flagged=True)
    within = {name: flagged & q for name, q in grade_groups("finding__grade").items()}
    return {Source.OUTCOMES: proportions(within, Q(is_fracture=True))}


ppv_per_case = Figure(aggregates=_ppv_per_case, read=read_proportions)
ppv_per_vertebra = Figure(aggregates=_ppv_per_vertebra, read=read_proportions)


def _missed_fractures() -> Aggregates:
    missed = Q(flagged=False, is_fracture=True)
    return {
        Source.OUTCOMES: {
            "total": Count("pk", filter=missed),
            "in_flagged_cases": Count("pk", filter=missed & Q(review__reason=ReviewReason.FLAGGED)),
            "in_audited_cases": Count("pk", filter=missed & OF_AUDIT_REVIEW),
            "grade_1_2": Count("pk", filter=missed & Q(grade__in=(1, 2))),
            "grade_3": Count("pk", filter=missed & Q(grade=3)),
        }
    }


# False negatives per vertebra: fractures readers found at levels the tool did not flag.
missed_fractures = Figure(aggregates=_missed_fractures, read=dict)


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


def _audit() -> Aggregates:
    return {
        Source.REVIEWS: {
            "tp": Count("pk", filter=FLAGGED_REVIEW & TRUE_POSITIVE),
            "fp": Count("pk", filter=FLAGGED_REVIEW & Q(decision=CaseDecision.FALSE_POSITIVE)),
            "audited": Count("pk", filter=AUDIT_REVIEW),
            "fn": Count("pk", filter=AUDIT_REVIEW & Q(decision=CaseDecision.FALSE_NEGATIVE)),
        },
        Source.ANALYSES: {"negatives": Count("pk", filter=FIRST_STUDY & Q(positive=False))},
    }


def _read_audit(row: dict[str, Any]) -> AuditEstimates:
    tp, fp, audited, fn, negatives = row["tp"], row["fp"], row["audited"], row["fn"], row["negatives"]
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


audit_estimates = Figure(aggregates=_audit, read=_read_audit)
