"""The dashboard's filter and the base querysets every figure starts from.

Conventions shared by all figures:

* the period applies to the study date (inclusive at both ends); undated studies drop out as soon as
  either bound is set;
* the scanner matches, case-insensitively, the series' manufacturer, its model name, or both joined by
  a space ("Siemens SOMATOM" matches manufacturer "SIEMENS" with model "SOMATOM Force");
* the cancer site is the patient's primary site code (CancerSite), matched exactly;
* the **cohort** of the accuracy figures is the flowchart's last boxes: finished analyses of a
  patient's first study (``Study.repeat_of`` null) whose review is closed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.db.models import CharField, ExpressionWrapper, Func, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Concat

from studies.models import Analysis, AnalysisStatus, CaseReview, ReviewOutcome, ReviewReason, ReviewStatus


@dataclass(frozen=True)
class StatisticsFilter:
    date_from: date | None = None
    date_to: date | None = None
    scanner: str = ""
    cancer_site: str = ""

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("the period ends before it starts")

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("date_from", "date_to"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def analyses(statistics_filter: StatisticsFilter) -> QuerySet[Analysis]:
    """Every analysis in the filter, whatever its status."""
    queryset = Analysis.objects.all()
    f = statistics_filter
    if f.date_from:
        queryset = queryset.filter(series__study__study_date__gte=f.date_from)
    if f.date_to:
        queryset = queryset.filter(series__study__study_date__lte=f.date_to)
    if f.cancer_site:
        queryset = queryset.filter(series__study__patient__primary_cancer_site=f.cancer_site)
    if f.scanner.strip():
        text = f.scanner.strip()
        queryset = queryset.annotate(
            scanner_name=Concat(
                "series__manufacturer",
                Value(" "),
                "series__manufacturer_model_name",
                output_field=CharField(),
            )
        ).filter(
            Q(series__manufacturer__icontains=text)
            | Q(series__manufacturer_model_name__icontains=text)
            | Q(scanner_name__icontains=text)
        )
    return queryset.order_by()


def first_study_analyses(statistics_filter: StatisticsFilter) -> QuerySet[Analysis]:
    """Finished analyses, repeats of the same patient removed."""
    return analyses(statistics_filter).filter(
        status=AnalysisStatus.DONE, series__study__repeat_of__isnull=True
    )


def closed_reviews(statistics_filter: StatisticsFilter, reason: str | None = None) -> QuerySet[CaseReview]:
    """The cohort: closed reviews of first-study analyses (of one reason, or both)."""
    queryset = CaseReview.objects.filter(
        status=ReviewStatus.CLOSED, analysis__in=first_study_analyses(statistics_filter).values("pk")
    )
    if reason:
        queryset = queryset.filter(reason=reason)
    return queryset.order_by()


def flagged_reviews(statistics_filter: StatisticsFilter) -> QuerySet[CaseReview]:
    return closed_reviews(statistics_filter, ReviewReason.FLAGGED).filter(analysis__positive=True)


def outcomes(statistics_filter: StatisticsFilter, reason: str | None = None) -> QuerySet[ReviewOutcome]:
    """Final per-level decisions of the cohort's closed reviews."""
    reviews = (
        flagged_reviews(statistics_filter)
        if reason == ReviewReason.FLAGGED
        else closed_reviews(statistics_filter, reason)
    )
    return ReviewOutcome.objects.filter(review__in=reviews.values("pk")).order_by()


class DateNumber(Func):
    """A date as the integer YYYYMMDD, with the database's own date formatting (fast, no Python
    functions on SQLite): completed years between two dates = (later − earlier) // 10000."""

    output_field = IntegerField()
    template = "CAST(to_char(%(expressions)s, 'YYYYMMDD') AS INTEGER)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # '%%%%' survives Python formatting here and the backend's '%%' → '%' conversion.
        template = "CAST(strftime('%%%%Y%%%%m%%%%d', %(expressions)s) AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def age_years() -> ExpressionWrapper:
    """An analysis' patient's completed years at the study date; null when either date is unknown."""
    difference = DateNumber("series__study__study_date") - DateNumber("series__study__patient__birth_date")
    return ExpressionWrapper(difference / Value(10000), output_field=IntegerField())
