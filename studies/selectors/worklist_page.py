"""The worklist page's rows and option counts, in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from studies.models import CaseReview, FindingStatus, Read, ReadKind, ReviewStatus, User, VertebraFinding
from studies.roles import Role
from studies.selectors.reviews import WorklistFilters, filtered_reviews, worklist, worklist_counts

REVIEWER_ROLES = (Role.RADIOLOGIST, Role.SENIOR_RADIOLOGIST)


def current_grade(finding: VertebraFinding) -> int | None:
    """The grade that counts now: a reader's correction wins over the pipeline."""
    correction = finding.latest_correction
    if correction is not None and correction.grade is not None:
        return correction.grade
    return finding.grade


def worklist_rows(filters: WorklistFilters) -> QuerySet[CaseReview]:
    """``worklist`` with each analysis' flagged findings (``flagged``) and the reads (``read_list``)."""
    flagged = (
        VertebraFinding.objects.filter(status=FindingStatus.MEASURED)
        .filter(Q(grade__gte=1) | Q(latest_correction__grade__gte=1))
        .select_related("latest_correction")
        # What a row shows: level and grade (the pipeline's or the latest correction's); not the
        # landmark and ROI documents.
        .only("analysis_id", "level", "grade", "latest_correction__grade")
        .order_by("level")
    )
    reads = Read.objects.select_related("reader").order_by("created_at", "id")
    return worklist(filters).prefetch_related(
        Prefetch("analysis__findings", queryset=flagged, to_attr="flagged_candidates"),
        Prefetch("reads", queryset=reads, to_attr="read_list"),
    )


@dataclass(frozen=True)
class FlaggedLevel:
    label: str
    grade: int


def flagged_levels(review: CaseReview) -> list[FlaggedLevel]:
    """The levels flagged now (from the prefetched candidates of ``worklist_rows``)."""
    levels = []
    for finding in getattr(review.analysis, "flagged_candidates", []):
        grade = current_grade(finding)
        if grade is not None and grade >= 1:
            levels.append(FlaggedLevel(label=finding.label, grade=grade))
    return levels


def review_state(review: CaseReview) -> str:
    """unread / reading / consensus / closed, as the worklist filters name them."""
    if review.status == ReviewStatus.OPEN:
        return "unread" if review.first_reader_id is None else "reading"
    return str(review.status)


def study_age_days(study_date: date | None, today: date) -> int | None:
    return None if study_date is None else (today - study_date).days


def reviewers() -> list[User]:
    """Everyone who may read cases (the reader filter's choices), by name."""
    return list(
        User.objects.filter(groups__name__in=[role.value for role in REVIEWER_ROLES], is_active=True)
        .distinct()
        .order_by("username")
    )


@dataclass(frozen=True)
class OptionCounts:
    """Counts beside each filter option: by the selector's own rules (reader and kind filters apply)."""

    counts: dict[str, int]
    by_kind: dict[str, int]  # without the kind filter: all / flagged / audit
    by_reader: dict[str, int]  # without the reader filter: anyone / me


def option_counts(filters: WorklistFilters, *, me: User) -> OptionCounts:
    """One aggregate query per distinct (reader, kind) pair, at most three, and "me" a plain count:
    without filters one aggregate and one count."""
    done: dict[tuple[int | None, bool | None], dict[str, int]] = {}

    def counted(these: WorklistFilters) -> dict[str, int]:
        # worklist_counts reads only the reader and kind filters of what it is given.
        key = (these.reader_id, these.audit)
        if key not in done:
            done[key] = worklist_counts(these)
        return done[key]

    counts = counted(filters)
    kind = counted(replace(filters, audit=None))
    anyone = counted(replace(filters, reader_id=None))
    mine_key = (me.pk, filters.audit)
    if mine_key in done:
        mine = done[mine_key]["all"]
    else:
        mine = filtered_reviews(WorklistFilters(reader_id=me.pk, audit=filters.audit)).count()
    return OptionCounts(
        counts=counts,
        by_kind={"": kind["all"], "flagged": kind["all"] - kind["audit"], "audit": kind["audit"]},
        by_reader={"": anyone["all"], "me": mine},
    )


@dataclass(frozen=True)
class ReaderMark:
    username: str
    role: str  # "first", "second", "consensus"
    submitted: bool


@dataclass(frozen=True)
class WorklistRow:
    review: CaseReview
    flagged: list[FlaggedLevel]
    state: str
    state_text: str
    age_days: int | None
    readers: list[ReaderMark]


def reader_marks(review: CaseReview) -> list[ReaderMark]:
    reads = getattr(review, "read_list", None)
    if reads is None:
        reads = list(review.reads.all())
    marks = []
    for read in reads:
        if read.kind == ReadKind.CONSENSUS:
            role = "consensus"
        else:
            role = "first" if read.reader_id == review.first_reader_id else "second"
        marks.append(ReaderMark(username=read.reader.get_username(), role=role, submitted=read.submitted))
    return marks


def state_text(review: CaseReview, marks: list[ReaderMark]) -> str:
    state = review_state(review)
    if state == "unread":
        return "Unread"
    if state == "reading":
        names = ", ".join(m.username for m in marks if m.role != "consensus")
        return f"Reading ({names})" if names else "Reading"
    if state == "consensus":
        resolving = [m.username for m in marks if m.role == "consensus"]
        return f"Awaiting consensus ({resolving[0]} resolving)" if resolving else "Awaiting consensus"
    return f"Closed: {review.get_decision_display()}"


def worklist_row(review: CaseReview, *, today: date) -> WorklistRow:
    marks = reader_marks(review)
    return WorklistRow(
        review=review,
        flagged=flagged_levels(review),
        state=review_state(review),
        state_text=state_text(review, marks),
        age_days=study_age_days(review.analysis.series.study.study_date, today),
        readers=marks,
    )


def short_state_text(review: CaseReview) -> str:
    """The state in a few words, from the review row alone (no reads needed)."""
    state = review_state(review)
    if state == "closed":
        return f"closed, {review.get_decision_display().lower()}"
    return {"unread": "unread", "reading": "reading", "consensus": "awaiting consensus"}[state]
