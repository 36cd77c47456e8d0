"""The cohort table (the paper's Table 1) for flagged cases and the true positives by grade.

A row is a case: a flagged, finished analysis of a patient's first study (repeats removed, so one per
patient unless one study had several analysed series). "Flagged" is every such case, reviewed or not;
the true positive groups are those whose closed flagged review was decided tp, by the analysis'
``max_grade``. Each figure comes with ``n``, the cases whose value is known (null means unknown).

Age is completed years at the study date, computed in the database ((YYYYMMDD of the study −
YYYYMMDD of the birth) // 10000), so no patient rows are read into Python.
"""

from __future__ import annotations

import math
from typing import Any

from django.db.models import (
    Avg,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Sum,
    Value,
)
from django.db.models.aggregates import Aggregate

from studies.models import CaseDecision, ReviewReason, ReviewStatus, Sex
from studies.statistics.filters import StatisticsFilter, first_study_analyses

STUDY = "series__study__study_date"
PATIENT = "series__study__patient__"
BOOLEAN_FACTS = ("bone_metastases", "osteoporosis", "prior_vertebroplasty")


def _groups() -> dict[str, Q]:
    tp = Q(review__status=ReviewStatus.CLOSED, review__reason=ReviewReason.FLAGGED) & Q(
        review__decision=CaseDecision.TRUE_POSITIVE
    )
    return {
        "flagged": Q(),
        "true_positive": tp,
        "true_positive_grade_1_2": tp & Q(max_grade__in=(1, 2)),
        "true_positive_grade_3": tp & Q(max_grade=3),
    }


class DateNumber(Func):
    """A date as the integer YYYYMMDD, with the database's own date formatting (fast, no Python
    functions on SQLite): completed years between two dates = (later − earlier) // 10000."""

    output_field = IntegerField()
    template = "CAST(to_char(%(expressions)s, 'YYYYMMDD') AS INTEGER)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # '%%%%' survives Python formatting here and the backend's '%%' → '%' conversion.
        template = "CAST(strftime('%%%%Y%%%%m%%%%d', %(expressions)s) AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def _age_years() -> ExpressionWrapper:
    """Completed years at the study date; null when either date is unknown."""
    difference = DateNumber(STUDY) - DateNumber(f"{PATIENT}birth_date")
    return ExpressionWrapper(difference / Value(10000), output_field=IntegerField())


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


def cohort_table(statistics_filter: StatisticsFilter) -> dict[str, dict[str, Any]]:
    cases = first_study_analyses(statistics_filter).filter(positive=True).annotate(age_years=_age_years())
    aggregates: dict[str, Aggregate] = {}
    for name, group in _groups().items():
        aggregates.update(_mean_sd("l1_hu", group, f"{name}__l1_hu"))
        aggregates.update(_mean_sd("age_years", group, f"{name}__age"))
        aggregates[f"{name}__women_k"] = Count("pk", filter=group & Q(**{f"{PATIENT}sex": Sex.FEMALE}))
        aggregates[f"{name}__women_n"] = Count("pk", filter=group & ~Q(**{f"{PATIENT}sex": Sex.UNKNOWN}))
        for fact in BOOLEAN_FACTS:
            aggregates[f"{name}__{fact}_k"] = Count("pk", filter=group & Q(**{f"{PATIENT}{fact}": True}))
            aggregates[f"{name}__{fact}_n"] = Count(
                "pk", filter=group & Q(**{f"{PATIENT}{fact}__isnull": False})
            )
    row = cases.aggregate(**aggregates)
    table: dict[str, dict[str, Any]] = {}
    for name in _groups():
        entry: dict[str, Any] = {"cases": None}
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
    counts = cases.aggregate(**{name: Count("pk", filter=group) for name, group in _groups().items()})
    for name in table:
        table[name]["cases"] = counts[name]
    return table
