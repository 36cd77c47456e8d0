"""Figures as named aggregates over three sources, so the dashboard runs one query per source.

Every figure names the aggregates it needs over one or more sources — the filter's analyses, the
cohort's closed reviews, their per-level outcomes — and how to read itself from the resulting row.
``compute`` merges the aggregates of many figures by source, so the cohort is built once per source
instead of once per figure (each build joins analyses, series and studies). A figure also works alone:
``ppv_per_case(statistics_filter)``.

Aggregate filters may follow forward relations only (and one-to-one reverse ones): a join that
multiplied rows would change every other figure in the same query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Q, QuerySet, TextField
from django.db.models.aggregates import Aggregate
from django.db.models.functions import Cast

from studies.models import AnalysisStatus, ReviewReason
from studies.statistics.filters import StatisticsFilter, age_years, analyses, closed_reviews, outcomes


class Source(StrEnum):
    ANALYSES = "analyses"  # every analysis in the filter, any status; annotated reasons_text, age_years
    REVIEWS = "reviews"  # closed reviews (flagged and audit) of first-study analyses
    OUTCOMES = "outcomes"  # final per-level decisions of those reviews


Aggregates = Mapping[Source, Mapping[str, Aggregate]]

# Restrictions every figure spells the same way.
DONE = Q(status=AnalysisStatus.DONE)
FIRST_STUDY = DONE & Q(series__study__repeat_of__isnull=True)
FLAGGED_REVIEW = Q(reason=ReviewReason.FLAGGED, analysis__positive=True)
AUDIT_REVIEW = Q(reason=ReviewReason.AUDIT)
OF_FLAGGED_REVIEW = Q(review__reason=ReviewReason.FLAGGED, review__analysis__positive=True)
OF_AUDIT_REVIEW = Q(review__reason=ReviewReason.AUDIT)


def source_queryset(source: Source, statistics_filter: StatisticsFilter) -> QuerySet[Any]:
    if source is Source.ANALYSES:
        # The JSON list of exclusion reasons as text: '["not_ct", "unreadable"]' on SQLite and
        # PostgreSQL alike, so a quoted code matches one element portably.
        return analyses(statistics_filter).annotate(
            reasons_text=Cast("exclusion_reasons", TextField()), age_years=age_years()
        )
    if source is Source.REVIEWS:
        return closed_reviews(statistics_filter)
    return outcomes(statistics_filter)


@dataclass(frozen=True)
class Figure:
    aggregates: Callable[[], Aggregates]
    read: Callable[[dict[str, Any]], Any]

    def __call__(self, statistics_filter: StatisticsFilter) -> Any:
        return compute({"figure": self}, statistics_filter)["figure"]


def compute(figures: Mapping[str, Figure], statistics_filter: StatisticsFilter) -> dict[str, Any]:
    """Each figure, from one aggregate query per source that any of them uses."""
    by_source: dict[Source, dict[str, Aggregate]] = defaultdict(dict)
    for name, figure in figures.items():
        for source, aggregates in figure.aggregates().items():
            for key, aggregate in aggregates.items():
                by_source[source][f"{name}__{key}"] = aggregate
    merged: dict[str, Any] = {}
    for source, aggregates in by_source.items():
        merged.update(source_queryset(source, statistics_filter).aggregate(**aggregates))
    results: dict[str, Any] = {}
    for name, figure in figures.items():
        prefix = f"{name}__"
        row = {key.removeprefix(prefix): value for key, value in merged.items() if key.startswith(prefix)}
        results[name] = figure.read(row)
    return results
