"""Demo reviews: part of the demo cohort's flagged cases read by the demo radiologists, so that the
worklist, the case pages and the statistics have something to show.

Everything goes through the review services (start_read, save_read, start_consensus), exactly as a
radiologist's clicks would. Deterministic: cases are taken in study order and every decision follows
from the pipeline's grades and the study's report text. Idempotent: the cases already in each state
count towards its quota, so a second run changes nothing (a later run, after more analyses finished,
only fills what is missing).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import transaction

from studies.models import (
    Analysis,
    AnalysisStatus,
    CaseDecision,
    CaseReview,
    FalsePositiveReason,
    ReviewReason,
    ReviewStatus,
    User,
    VertebraFinding,
    VertebraLevel,
)
from studies.reports import find_mentions
from studies.roles import Role, roles_of
from studies.services.review_outcomes import start_consensus
from studies.services.reviews import (
    DecisionInput,
    ReviewConflict,
    ReviewError,
    flagged_findings,
    save_read,
    start_read,
)
from studies.services.roles import ensure_role_groups

JUNIOR = "radiologist"
SECOND_JUNIOR = "radiologist2"
SENIOR = "senior_radiologist"
PENDING = (AnalysisStatus.QUEUED, AnalysisStatus.RUNNING)


class DemoReviewError(RuntimeError):
    """The demo reviews cannot run (the demo users are missing)."""


class Plan(StrEnum):
    AGREED_TRUE = "agreed_true_positive"
    AGREED_FALSE = "agreed_false_positive"
    AWAITING_CONSENSUS = "awaiting_consensus"
    RESOLVED = "resolved_by_consensus"
    FIRST_READ = "first_read_only"


# Plans in the order cases get them (with the first reader): one of each first, then more of the
# common ones. At least a quarter of the flagged cases stays unread for the visitor.
SEQUENCE: tuple[tuple[Plan, str], ...] = (
    (Plan.AGREED_TRUE, SECOND_JUNIOR),
    (Plan.AGREED_FALSE, JUNIOR),
    (Plan.AWAITING_CONSENSUS, SECOND_JUNIOR),
    (Plan.RESOLVED, JUNIOR),
    (Plan.FIRST_READ, SECOND_JUNIOR),  # waits for a senior's second read
    (Plan.AGREED_TRUE, JUNIOR),
    (Plan.FIRST_READ, SENIOR),  # any radiologist may add the second read
    (Plan.AWAITING_CONSENSUS, JUNIOR),
    (Plan.AGREED_TRUE, SECOND_JUNIOR),
)
UNREAD_SHARE = 0.25


@dataclass
class DemoReviewReport:
    flagged: int = 0
    already: Counter[str] = field(default_factory=Counter)
    done: list[tuple[int, Plan]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        made = Counter(plan.value for _, plan in self.done)
        parts = [f"{self.flagged} flagged cases", f"{len(self.done)} reviewed now"]
        parts += [f"{count} {name}" for name, count in sorted(made.items())]
        if self.already:
            parts.append(f"{sum(self.already.values())} already reviewed")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        return ", ".join(parts)


def analyses_pending() -> int:
    return Analysis.objects.filter(status__in=PENDING).count()


def wait_for_analyses(
    *,
    timeout_s: float,
    poll_s: float = 5.0,
    progress: Callable[[int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> bool:
    """Poll until there are analyses and none is queued or running; False when ``timeout_s`` ran out."""
    deadline = clock() + timeout_s
    while True:
        pending = analyses_pending()
        if pending == 0 and Analysis.objects.exists():
            return True
        now = clock()
        if now >= deadline:
            return False
        if progress is not None:
            progress(pending)
        sleep(min(poll_s, deadline - now))


def demo_readers() -> dict[str, User]:
    """The demo radiologists (from ``setup_roles --demo``), plus a second junior made here if needed."""
    found = {user.username: user for user in User.objects.filter(username__in=[JUNIOR, SENIOR])}
    if JUNIOR not in found or SENIOR not in found:
        raise DemoReviewError(f"demo users {JUNIOR!r} and {SENIOR!r} are missing; run setup_roles --demo")
    if Role.RADIOLOGIST not in roles_of(found[JUNIOR]) or Role.SENIOR_RADIOLOGIST not in roles_of(
        found[SENIOR]
    ):
        raise DemoReviewError("the demo users lost their roles; run setup_roles --demo again")
    second = User.objects.filter(username=SECOND_JUNIOR).first()
    if second is None:
        second = User(
            username=SECOND_JUNIOR,
            first_name="Demo",
            last_name="Radiologist (colleague)",
            email=f"{SECOND_JUNIOR}@demo.invalid",
        )
        second.set_unusable_password()  # a colleague whose reads appear; nobody logs in as them
        second.save()
        second.groups.add(ensure_role_groups()[Role.RADIOLOGIST])
    found[SECOND_JUNIOR] = second
    return found


def _existing_plan(review: CaseReview) -> Plan | None:
    """The plan a case already fulfils (by the demo or by a visitor); None while nobody read it."""
    if review.status == ReviewStatus.CLOSED:
        if not review.reads_agreed:
            return Plan.RESOLVED
        return Plan.AGREED_TRUE if review.decision == CaseDecision.TRUE_POSITIVE else Plan.AGREED_FALSE
    if review.status == ReviewStatus.CONSENSUS:
        return Plan.AWAITING_CONSENSUS
    return Plan.FIRST_READ if review.first_reader_id is not None else None


def _pick(plan: Plan, unread: list[CaseReview]) -> CaseReview:
    """Severe cases for agreed fractures, the mildest for false flags and disputes, else study order.

    A false flag is never a case whose report names a fracture at a flagged level.
    """

    def grade(review: CaseReview) -> int:
        return review.analysis.max_grade or 0

    def reported(review: CaseReview) -> bool:
        levels = _reported_levels(review.analysis.series.study.report_text)
        return any(
            _is_reported(VertebraLevel(f.level).label, levels) for f in flagged_findings(review.analysis)
        )

    if plan == Plan.AGREED_TRUE:
        return max(unread, key=lambda r: (grade(r), -unread.index(r)))
    if plan == Plan.AGREED_FALSE:
        return min(unread, key=lambda r: (reported(r), grade(r), unread.index(r)))
    if plan in (Plan.AWAITING_CONSENSUS, Plan.RESOLVED):
        return min(unread, key=lambda r: (grade(r), unread.index(r)))
    return unread[0]


def _current_grade(finding: VertebraFinding) -> int:
    correction = finding.latest_correction
    grade = correction.grade if correction is not None and correction.grade is not None else finding.grade
    return int(grade or 0)


def _reported_levels(report_text: str) -> set[str]:
    """The levels the report names as fractured; an unlocalised mention covers a case without levels."""
    mentions = find_mentions(report_text or "")
    levels = set(mentions.fracture_levels)
    if mentions.unlocalised_fracture and not levels:
        levels.add("*")
    return levels


def _is_reported(label: str, reported: set[str]) -> bool:
    return label in reported or "*" in reported


def _confirming(review: CaseReview, reported: set[str]) -> list[DecisionInput]:
    """Every flagged vertebra a fracture at the tool's grade; "reported" as the report says."""
    return [
        DecisionInput(
            level=VertebraLevel(f.level).label,
            is_fracture=True,
            grade=_current_grade(f),
            reported=_is_reported(VertebraLevel(f.level).label, reported),
        )
        for f in flagged_findings(review.analysis)
    ]


def _rejecting(review: CaseReview) -> list[DecisionInput]:
    metastatic = bool(review.analysis.series.study.patient.bone_metastases)
    reason = FalsePositiveReason.SCLEROTIC_METASTASIS if metastatic else FalsePositiveReason.DEGENERATIVE
    return [
        DecisionInput(level=VertebraLevel(f.level).label, is_fracture=False, false_positive_reason=reason)
        for f in flagged_findings(review.analysis)
    ]


def _dissenting(review: CaseReview, reported: set[str]) -> list[DecisionInput]:
    """The confirming read, except the mildest flagged vertebra: one grade less, or no fracture."""
    calls = _confirming(review, reported)
    mildest = min(range(len(calls)), key=lambda i: (calls[i].grade or 0, i))
    call = calls[mildest]
    if (call.grade or 0) <= 1:
        calls[mildest] = DecisionInput(
            level=call.level,
            is_fracture=False,
            false_positive_reason=FalsePositiveReason.DEGENERATIVE,
            false_positive_note="",
        )
    else:
        calls[mildest] = DecisionInput(
            level=call.level, is_fracture=True, grade=(call.grade or 2) - 1, reported=call.reported
        )
    return calls


def _read(review: CaseReview, reader: User, decisions: list[DecisionInput], comment: str = "") -> None:
    read = start_read(review_id=review.pk, reader=reader)
    save_read(
        read_id=read.pk,
        reader=reader,
        version=read.version,
        decisions=decisions,
        comment=comment,
        submit=True,
    )


def _carry_out(plan: Plan, review: CaseReview, first: User, senior: User) -> None:
    reported = _reported_levels(review.analysis.series.study.report_text)
    if plan == Plan.AGREED_TRUE:
        _read(review, first, _confirming(review, reported))
        _read(review, senior, _confirming(review, reported), "Agree.")
    elif plan == Plan.AGREED_FALSE:
        _read(review, first, _rejecting(review), "No loss of height beyond the endplate change.")
        _read(review, senior, _rejecting(review))
    elif plan in (Plan.AWAITING_CONSENSUS, Plan.RESOLVED):
        _read(review, first, _confirming(review, reported))
        _read(review, senior, _dissenting(review, reported), "Borderline; I grade it lower.")
        if plan == Plan.RESOLVED:
            consensus = start_consensus(review_id=review.pk, senior=senior)
            save_read(
                read_id=consensus.pk,
                reader=senior,
                version=consensus.version,
                decisions=_confirming(review, reported),
                comment="Consensus: the first read's grading holds on review of the sagittal images.",
                submit=True,
            )
    else:
        _read(review, first, _confirming(review, reported))


def review_demo_cases(*, log: Callable[[str], None] | None = None) -> DemoReviewReport:
    """Give the flagged cases their demo reads, up to the quotas of SEQUENCE; the rest stays unread."""
    readers = demo_readers()
    reviews = list(
        CaseReview.objects.filter(reason=ReviewReason.FLAGGED)
        .select_related("analysis__series__study__patient")
        .order_by("analysis__series__study__study_date", "analysis__series__study__study_instance_uid", "id")
    )
    report = DemoReviewReport(flagged=len(reviews))
    existing = Counter(plan for review in reviews if (plan := _existing_plan(review)) is not None)
    report.already = Counter({plan.value: count for plan, count in existing.items()})
    unread = [r for r in reviews if _existing_plan(r) is None]
    touched = len(reviews) - len(unread)
    # A reader's correction may have taken every flag away; such a case is left to the visitor.
    unread = [r for r in unread if flagged_findings(r.analysis)]
    limit = len(reviews) - math.ceil(len(reviews) * UNREAD_SHARE)
    for plan, first in SEQUENCE:
        if existing[plan] > 0:
            existing[plan] -= 1
            continue
        if touched >= limit or not unread:
            break
        review = _pick(plan, unread)
        unread.remove(review)
        touched += 1
        try:
            with transaction.atomic():  # a case is reviewed completely or not at all
                _carry_out(plan, review, readers[first], readers[SENIOR])
        except (ReviewError, ReviewConflict) as error:  # a visitor took the case meanwhile
            report.skipped.append((review.pk, str(error)))
            if log is not None:
                log(f"review {review.pk}: skipped ({error})")
            continue
        report.done.append((review.pk, plan))
        if log is not None:
            log(f"review {review.pk}: {plan.value}")
    return report
