"""Reads for the radiologist workflow: the worklist (a constant number of queries) and blind reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from studies.models import (
    CaseReview,
    Read,
    ReadKind,
    ReviewEvent,
    ReviewOutcome,
    ReviewReason,
    ReviewStatus,
    User,
    VertebraFinding,
)

REVIEW_STATES = ("unread", "reading", "consensus", "closed")
# Columns no worklist row shows; loaded on access should anything ever read them.
WORKLIST_UNUSED = (
    "analysis__timings",
    "analysis__bone_density_levels",
    "analysis__exclusion_reasons",
    "analysis__error",
    "analysis__series__study__report_text",
)


@dataclass(frozen=True)
class WorklistFilters:
    grade: int | None = None  # the analysis' maximum grade
    state: str | None = None  # one of REVIEW_STATES
    reader_id: int | None = None  # first or second reader
    date_from: date | None = None
    date_to: date | None = None
    uncertain: bool | None = None  # some flagged vertebra has an uncertain measurement
    novelty: str | None = None  # "new" | "known"
    audit: bool | None = None  # only audited negatives (True) or only flagged cases (False)


def _state_q(state: str) -> Q:
    if state == "unread":
        return Q(status=ReviewStatus.OPEN, first_reader__isnull=True)
    if state == "reading":
        return Q(status=ReviewStatus.OPEN, first_reader__isnull=False)
    if state == "consensus":
        return Q(status=ReviewStatus.CONSENSUS)
    if state == "closed":
        return Q(status=ReviewStatus.CLOSED)
    raise ValueError(f"unknown review state {state!r}")


def _base() -> QuerySet[CaseReview]:
    uncertain = VertebraFinding.objects.filter(
        analysis_id=OuterRef("analysis_id"), uncertain=True, grade__gte=1
    )
    return CaseReview.objects.annotate(has_uncertain=Exists(uncertain))


def filtered_reviews(filters: WorklistFilters) -> QuerySet[CaseReview]:
    reviews = _base()
    if filters.grade is not None:
        reviews = reviews.filter(analysis__max_grade=filters.grade)
    if filters.state:
        reviews = reviews.filter(_state_q(filters.state))
    if filters.reader_id is not None:
        reviews = reviews.filter(Q(first_reader_id=filters.reader_id) | Q(second_reader_id=filters.reader_id))
    if filters.date_from is not None:
        reviews = reviews.filter(analysis__series__study__study_date__gte=filters.date_from)
    if filters.date_to is not None:
        reviews = reviews.filter(analysis__series__study__study_date__lte=filters.date_to)
    if filters.uncertain is not None:
        reviews = reviews.filter(has_uncertain=filters.uncertain)  # type: ignore[misc]
    if filters.novelty == "new":
        reviews = reviews.filter(has_new_fracture=True)
    elif filters.novelty == "known":
        reviews = reviews.filter(has_known_fracture=True)
    if filters.audit is not None:
        reviews = reviews.filter(reason=ReviewReason.AUDIT if filters.audit else ReviewReason.FLAGGED)
    return reviews


def worklist(filters: WorklistFilters) -> QuerySet[CaseReview]:
    """Flagged cases by severity (grade 3, 2, 1; audited negatives last), then the oldest study first."""
    return (
        filtered_reviews(filters)
        .select_related("analysis__series__study__patient", "first_reader", "second_reader")
        # The database sorts every matching row before the page is cut: leave the bulky columns
        # (timings, exclusion reasons, the report text) out of it.
        .defer(*WORKLIST_UNUSED)
        .order_by(
            "-analysis__max_grade",
            "analysis__series__study__study_date",
            "analysis__series__study__created_at",
            "id",
        )
    )


def worklist_counts(filters: WorklistFilters) -> dict[str, int]:
    """How many cases each filter value would show, given the other filters: one query."""
    reviews = filtered_reviews(WorklistFilters(reader_id=filters.reader_id, audit=filters.audit))
    aggregates: dict[str, Any] = {"all": Count("id")}
    for grade in (1, 2, 3):
        aggregates[f"grade_{grade}"] = Count("id", filter=Q(analysis__max_grade=grade))
    aggregates["grade_0"] = Count("id", filter=Q(analysis__max_grade=0))
    for state in REVIEW_STATES:
        aggregates[f"state_{state}"] = Count("id", filter=_state_q(state))
    aggregates["uncertain"] = Count("id", filter=Q(has_uncertain=True))
    aggregates["new"] = Count("id", filter=Q(has_new_fracture=True))
    aggregates["known"] = Count("id", filter=Q(has_known_fracture=True))
    aggregates["audit"] = Count("id", filter=Q(reason=ReviewReason.AUDIT))
    return {key: int(value or 0) for key, value in reviews.aggregate(**aggregates).items()}


def review_detail(*, review_id: int) -> CaseReview | None:
    reads = Read.objects.select_related("reader").prefetch_related("vertebrae").order_by("created_at", "id")
    return (
        CaseReview.objects.select_related("analysis__series__study__patient", "first_reader", "second_reader")
        .prefetch_related(
            Prefetch("reads", queryset=reads),
            Prefetch(
                "outcomes",
                queryset=ReviewOutcome.objects.select_related("referral_link__referral").order_by("level"),
            ),
            Prefetch("events", queryset=ReviewEvent.objects.select_related("actor").order_by("at", "id")),
        )
        .filter(pk=review_id)
        .first()
    )


def visible_reads(review: CaseReview, user: User) -> list[Read]:
    """Blind reading: a reader sees only their own read until both independent reads are in.

    Department leads and the senior resolving a consensus see every submitted read once both are
    in; nobody sees another reader's draft.
    """
    reads = list(review.reads.all())
    independent = [r for r in reads if r.kind == ReadKind.INDEPENDENT]
    both_in = len(independent) == 2 and all(r.submitted for r in independent)
    visible = []
    for read in reads:
        if read.reader_id == user.pk or (both_in and read.submitted):
            visible.append(read)
    return visible


def review_state(review: CaseReview) -> str:
    """The worklist state (one of REVIEW_STATES) of a review."""
    if review.status == ReviewStatus.OPEN:
        return "unread" if review.first_reader_id is None else "reading"
    return str(review.status)


@dataclass(frozen=True)
class EventView:
    id: int
    at: datetime
    actor: User | None
    action: str
    detail: dict[str, Any]


def visible_events(review: CaseReview, user: User, reads: list[Read] | None = None) -> list[EventView]:
    """The audit trail as ``user`` may see it: a read's decision stays hidden while that read is blind.

    ``reads`` are the reads visible to ``user`` (visible_reads), computed here when not given.
    """
    visible = {read.pk for read in (reads if reads is not None else visible_reads(review, user))}
    events = []
    for event in review.events.all():
        detail = dict(event.detail)
        if detail.get("read") is not None and detail["read"] not in visible:
            detail.pop("decision", None)
        events.append(
            EventView(id=event.pk, at=event.at, actor=event.actor, action=event.action, detail=detail)
        )
    return events


def read_detail(*, read_id: int) -> Read | None:
    return (
        Read.objects.select_related("reader", "review")
        .prefetch_related("vertebrae")
        .filter(pk=read_id)
        .first()
    )
