"""The cohort table (the paper's Table 1) for flagged cases and the true positives by grade.

A row is a case: a flagged, finished analysis of a patient's first study (repeats removed, so one per
patient unless one study had several analysed series). "Flagged" is every such case, reviewed or not;
the true positive groups are those whose closed flagged review was decided tp, by the analysis'
``max_grade``. Each figure comes with ``n``, the cases whose value is known (null means unknown).

Age is completed years at the study date, computed in the database (``filters.age_years``), so no
patient rows are read into Python.
"""

from __future__ import annotations

import math
from typing import Any

from django.db.models import Avg, Count, F, FloatField, Q, Sum
from django.db.models.aggregates import Aggregate

from studies.models import CaseDecision, ReviewReason, ReviewStatus, Sex
from studies.statistics.aggregation import FIRST_STUDY, Aggregates, Figure, Source

PATIENT = "series__study__patient__"
BOOLEAN_FACTS = ("bone_metastases", "osteoporosis", "prior_vertebroplasty")
CASE = FIRST_STUDY & Q(positive=True)


def _groups() -> dict[str, Q]:
    tp = Q(review__status=ReviewStatus.CLOSED, review__reason=ReviewReason.FLAGGED) & Q(
        review__decision=CaseDecision.TRUE_POSITIVE
    )
    return {
        "flagged": CASE,
        "true_positive": CASE & tp,
        "true_positive_grade_1_2": CASE & tp & Q(max_grade__in=(1, 2)),
        "true_positive_grade_3": CASE & tp & Q(max_grade=3),
    }


def _mean_sd(field: str, group: Q, name: str) -> dict[str, Aggregate]:
    known = group & Q(**{f"{field}__isnull": False})
    return {
        f"{name}_mean": Avg(field, filter=known),
        # Sample SD from Σx² (SQLite's STDDEV_SAMP fails on a single value instead of giving null).
        f"{name}_sq": Sum(F(field) * F(field), filter=known, output_field=FloatField()),
        f"{name}_n": Count("pk", filter=known),
    }


def _sample_sd(sum_of_squares: float | None, mean: float | None, n: int) -> float | None:
    if n < 2 or sum_of_squares is None or mean is None:
        return None
    return math.sqrt(max(0.0, (float(sum_of_squares) - n * float(mean) ** 2) / (n - 1)))


def _share(k: int, n: int) -> dict[str, Any]:
    return {"k": k, "n": n, "percent": round(100 * k / n, 1) if n else None}


def _cohort_table() -> Aggregates:
    aggregates: dict[str, Aggregate] = {}
    for name, group in _groups().items():
        aggregates[f"{name}__cases"] = Count("pk", filter=group)
        aggregates.update(_mean_sd("l1_hu", group, f"{name}__l1_hu"))
        aggregates.update(_mean_sd("age_years", group, f"{name}__age"))
        aggregates[f"{name}__women_k"] = Count("pk", filter=group & Q(**{f"{PATIENT}sex": Sex.FEMALE}))
        aggregates[f"{name}__women_n"] = Count("pk", filter=group & ~Q(**{f"{PATIENT}sex": Sex.UNKNOWN}))
        for fact in BOOLEAN_FACTS:
            aggregates[f"{name}__{fact}_k"] = Count("pk", filter=group & Q(**{f"{PATIENT}{fact}": True}))
            aggregates[f"{name}__{fact}_n"] = Count(
                "pk", filter=group & Q(**{f"{PATIENT}{fact}__isnull": False})
            )
    return {Source.ANALYSES: aggregates}


def _read_cohort_table(row: dict[str, Any]) -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for name in _groups():
        entry: dict[str, Any] = {"cases": row[f"{name}__cases"]}
        for measure in ("l1_hu", "age"):
            mean, n = row[f"{name}__{measure}_mean"], row[f"{name}__{measure}_n"]
            sd = _sample_sd(row[f"{name}__{measure}_sq"], mean, n)
            entry[measure] = {
                "mean": None if mean is None else round(float(mean), 1),
                "sd": None if sd is None else round(float(sd), 1),
                "n": n,
            }
        for fact in ("women", *BOOLEAN_FACTS):
            entry[fact] = _share(row[f"{name}__{fact}_k"], row[f"{name}__{fact}_n"])
        table[name] = entry
    return table


cohort_table = Figure(aggregates=_cohort_table, read=_read_cohort_table)
