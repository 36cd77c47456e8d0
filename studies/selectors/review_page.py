"""Everything the review page shows besides the form: blind reads, agreement, outcome, priors, trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from studies.models import (
    Analysis,
    CaseDecision,
    CaseReview,
    Read,
    ReadKind,
    ReviewOutcome,
    ReviewStatus,
    User,
    VertebraDecision,
    VertebraFinding,
    VertebraLevel,
)
from studies.selectors.priors import earlier_analyses
from studies.selectors.reviews import EventView, visible_events, visible_reads
from studies.selectors.worklist_page import current_grade, reader_marks, review_state, state_text
from studies.services.reviews import REVIEW_PERMISSION, SENIOR_PERMISSION, flagged_findings


@dataclass(frozen=True)
class FlaggedVertebra:
    finding: VertebraFinding
    label: str
    grade: int  # the current grade (a reader's correction wins)
    height_loss_pct: float | None
    uncertain: bool
    corrected: bool


def flagged_vertebrae(analysis: Analysis) -> list[FlaggedVertebra]:
    rows = []
    for finding in flagged_findings(analysis):
        correction = finding.latest_correction
        corrected = correction is not None and correction.grade is not None
        rows.append(
            FlaggedVertebra(
                finding=finding,
                label=finding.label,
                grade=current_grade(finding) or 0,
                height_loss_pct=correction.height_loss_pct if corrected else finding.height_loss_pct,  # type: ignore[union-attr]
                uncertain=finding.uncertain,
                corrected=corrected,
            )
        )
    return rows


@dataclass(frozen=True)
class LevelComparison:
    label: str
    first: VertebraDecision | None
    second: VertebraDecision | None

    @property
    def agree(self) -> bool:
        """The clinical call matches: fracture or not, and the grade."""
        if self.first is None or self.second is None:
            return False
        return (self.first.is_fracture, self.first.grade) == (self.second.is_fracture, self.second.grade)


def compare_reads(first: Read, second: Read) -> list[LevelComparison]:
    mine = {d.level: d for d in first.vertebrae.all()}
    theirs = {d.level: d for d in second.vertebrae.all()}
    return [
        LevelComparison(label=VertebraLevel(level).label, first=mine.get(level), second=theirs.get(level))
        for level in sorted(mine.keys() | theirs.keys())
    ]


@dataclass(frozen=True)
class EventLine:
    at: datetime
    actor: str
    text: str


_ACTIONS = {
    "opened": "Review opened",
    "read_started": "Started a read",
    "read_saved": "Saved a draft",
    "read_submitted": "Submitted a read",
    "disagreement": "The reads disagree: awaiting consensus",
    "consensus_started": "Started the consensus",
    "closed": "Closed",
}


def _decision_label(value: Any) -> str:
    try:
        return str(CaseDecision(value).label)
    except ValueError:
        return ""


def event_line(event: EventView) -> EventLine:
    """One line of the trail, from visible_events (which already hides the decisions of blind reads)."""
    detail = event.detail or {}
    text = _ACTIONS.get(event.action, event.action.replace("_", " ").capitalize())
    if event.action == "opened" and detail.get("reason") == "audit":
        text += " (negative case drawn for audit)"
    elif event.action == "read_started" and detail.get("slot"):
        text = f"Started the {str(detail['slot']).split('_')[0]} read"
    elif event.action in ("read_saved", "read_submitted") and detail.get("decision"):
        label = _decision_label(detail.get("decision"))
        text += f": {label}" if label else ""
    elif event.action == "closed":
        label = _decision_label(detail.get("decision"))
        how = "the reads agreed" if detail.get("agreed") else "by consensus"
        text = f"Closed: {label} ({how})" if label else "Closed"
    actor = event.actor.get_username() if event.actor is not None else "VCF Sentinel"
    return EventLine(at=event.at, actor=actor, text=text)


@dataclass(frozen=True)
class ReviewPage:
    review: CaseReview
    state: str
    state_text: str
    flagged: list[FlaggedVertebra]
    reads: list[Read]  # what this user may see (blind reading)
    own_read: Read | None  # the user's independent read
    consensus_read: Read | None
    editable_read: Read | None  # the read this user's form saves, if any
    independent_pair: tuple[Read, Read] | None  # both submitted and visible: shown side by side
    comparison: list[LevelComparison]
    outcomes: list[ReviewOutcome]
    priors: list[Analysis]
    events: list[EventLine]
    can_review: bool
    can_start: bool
    can_resolve: bool

    @property
    def read_only(self) -> bool:
        return self.editable_read is None

    @property
    def submitted_reads(self) -> list[Read]:
        return [read for read in self.reads if read.submitted]


def review_page(*, review: CaseReview, user: User) -> ReviewPage:
    """``review`` comes from ``selectors.reviews.review_detail`` (reads, outcomes and events prefetched)."""
    reads = visible_reads(review, user)
    all_reads = list(review.reads.all())
    own = next((r for r in all_reads if r.reader_id == user.pk and r.kind == ReadKind.INDEPENDENT), None)
    consensus = next((r for r in all_reads if r.kind == ReadKind.CONSENSUS), None)
    can_review = user.has_perm(REVIEW_PERMISSION)
    editable = None
    if can_review:
        if consensus is not None and consensus.reader_id == user.pk and not consensus.submitted:
            editable = consensus
        elif own is not None and not own.submitted:
            editable = own
    independent = [r for r in reads if r.kind == ReadKind.INDEPENDENT and r.submitted]
    pair = (independent[0], independent[1]) if len(independent) == 2 else None
    slot_free = review.first_reader_id is None or review.second_reader_id is None
    return ReviewPage(
        review=review,
        state=review_state(review),
        state_text=state_text(review, reader_marks(review)),
        flagged=flagged_vertebrae(review.analysis),
        reads=reads,
        own_read=own,
        consensus_read=consensus,
        editable_read=editable,
        independent_pair=pair,
        comparison=compare_reads(*pair) if pair else [],
        outcomes=list(review.outcomes.all()) if review.status == ReviewStatus.CLOSED else [],
        priors=earlier_analyses(analysis=review.analysis),
        events=[event_line(e) for e in visible_events(review, user, reads=reads)],
        can_review=can_review,
        can_start=can_review and own is None and review.status == ReviewStatus.OPEN and slot_free,
        can_resolve=(
            review.status == ReviewStatus.CONSENSUS and consensus is None and user.has_perm(SENIOR_PERMISSION)
        ),
    )
