"""Radiologist review: flagged cases opened for two blind reads (one senior), consensus, outcome.

Every state change is a compare-and-set on a version number, so two people saving the same read
or moving the same review never lose an update silently: the second gets ReviewConflict.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from studies.models import (
    Analysis,
    AnalysisStatus,
    CaseDecision,
    CaseReview,
    FalsePositiveReason,
    FindingStatus,
    Read,
    ReadKind,
    ReviewEvent,
    ReviewReason,
    ReviewStatus,
    User,
    VertebraDecision,
    VertebraFinding,
    VertebraLevel,
)
from studies.selectors.priors import priors_for
from studies.services.audit import record_system_change

SENIOR_PERMISSION = "studies.resolve_consensus"
REVIEW_PERMISSION = "studies.review_analysis"


class ReviewError(ValueError):
    """The request breaks a review rule (wrong state, wrong reader, incomplete form…)."""


class NotYourRead(ReviewError):
    """The read belongs to another reader (an API answers 403)."""


class ReviewConflict(RuntimeError):
    """Someone else changed this read or review since the caller loaded it."""


@dataclass(frozen=True)
class DecisionInput:
    level: str
    is_fracture: bool
    grade: int | None = None
    false_positive_reason: str = ""
    false_positive_note: str = ""
    reported: bool | None = None


def record_event(*, review: CaseReview, actor: User | None, action: str, **detail: Any) -> None:
    ReviewEvent.objects.create(review=review, actor=actor, action=action, detail=detail)


def is_senior(user: User) -> bool:
    return user.has_perm(SENIOR_PERMISSION)


def flagged_findings(analysis: Analysis) -> list[VertebraFinding]:
    """The vertebrae the tool flagged (current grade ≥ 1, not excluded), cranial to caudal."""
    findings = VertebraFinding.objects.filter(
        analysis=analysis, status=FindingStatus.MEASURED
    ).select_related("latest_correction")
    flagged = []
    for finding in findings.order_by("level"):
        correction = finding.latest_correction
        grade = correction.grade if correction is not None and correction.grade is not None else finding.grade
        if grade is not None and grade >= 1:
            flagged.append(finding)
    return flagged


def _drawn_for_audit(analysis: Analysis) -> bool:
    """A stable draw per series: the same analysis is always in (or out of) the audit sample."""
    share = settings.VCF_AUDIT_NEGATIVE_PERCENT
    if share <= 0:
        return False
    digest = hashlib.sha256(f"audit:{analysis.series.series_instance_uid}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < share


def open_review(*, analysis_id: int) -> CaseReview | None:
    """Open the review of a finished analysis: every positive one, and the audit sample of negatives."""
    analysis = Analysis.objects.select_related("series__study").filter(pk=analysis_id).first()
    if analysis is None or analysis.status != AnalysisStatus.DONE:
        return None
    existing = CaseReview.objects.filter(analysis__series_id=analysis.series_id).first()
    if existing is not None:
        return existing
    if analysis.positive:
        reason = ReviewReason.FLAGGED
    elif _drawn_for_audit(analysis):
        reason = ReviewReason.AUDIT
    else:
        return None
    priors = priors_for(analysis=analysis)
    statuses = {
        priors.status(level=f.level, height_loss_pct=f.height_loss_pct, grade=f.grade)
        for f in flagged_findings(analysis)
    }
    try:
        with transaction.atomic():
            review = CaseReview.objects.create(
                analysis=analysis,
                reason=reason,
                has_new_fracture="new" in statuses,
                has_known_fracture=bool(statuses & {"stable", "progressed"}),
            )
            record_event(review=review, actor=None, action="opened", reason=reason)
            record_system_change(target_kind="review", target_id=review.pk, created=True)
    except IntegrityError:  # opened by a concurrent worker
        return CaseReview.objects.get(analysis=analysis)
    return review


def start_read(*, review_id: int, reader: User) -> Read:
    """The reader's independent read of the case (created on first call; the same one after)."""
    with transaction.atomic():
        review = CaseReview.objects.select_related("first_reader", "second_reader").get(pk=review_id)
        mine = Read.objects.filter(review=review, reader=reader, kind=ReadKind.INDEPENDENT).first()
        if mine is not None:
            return mine
        if review.status != ReviewStatus.OPEN:
            raise ReviewError("both reads of this case are already in")
        senior = is_senior(reader)
        if review.first_reader_id is None:
            slot = "first_reader"
        elif review.second_reader_id is None:
            if not senior and not is_senior(review.first_reader):  # type: ignore[arg-type]
                raise ReviewError("the second read of this case must be by a senior radiologist")
            slot = "second_reader"
        else:
            raise ReviewError("this case already has its two readers")
        taken = CaseReview.objects.filter(
            pk=review.pk, version=review.version, **{f"{slot}__isnull": True}
        ).update(**{slot: reader}, version=F("version") + 1)
        if taken != 1:
            raise ReviewConflict("another reader took this case a moment ago; reload the worklist")
        read = Read.objects.create(review=review, reader=reader, reader_is_senior=senior)
        record_event(review=review, actor=reader, action="read_started", read=read.pk, slot=slot)
    return read


def _level(label: str) -> int:
    try:
        return int(VertebraLevel.from_label(label))
    except ValueError as error:
        raise ReviewError(str(error)) from None


def _decisions(read: Read, inputs: Iterable[DecisionInput]) -> list[VertebraDecision]:
    findings = {f.level: f for f in VertebraFinding.objects.filter(analysis_id=read.review.analysis_id)}
    rows: dict[int, VertebraDecision] = {}
    for item in inputs:
        level = _level(item.level)
        if level in rows:
            raise ReviewError(f"{item.level} is listed twice")
        finding = findings.get(level)
        if item.is_fracture:
            if item.grade not in (1, 2, 3):
                raise ReviewError(f"{item.level}: a fracture needs a grade of 1, 2 or 3")
            reason, note = "", ""
        else:
            if finding is None:
                raise ReviewError(f"{item.level}: a level the tool did not flag is only added as a fracture")
            if item.false_positive_reason not in FalsePositiveReason.values:
                raise ReviewError(f"{item.level}: give the reason this is not a fracture")
            if (
                item.false_positive_reason == FalsePositiveReason.OTHER
                and not item.false_positive_note.strip()
            ):
                raise ReviewError(f"{item.level}: describe the 'other' reason")
            reason, note = item.false_positive_reason, item.false_positive_note.strip()[:200]
        rows[level] = VertebraDecision(
            read=read,
            level=level,
            finding=finding,
            is_fracture=item.is_fracture,
            grade=item.grade if item.is_fracture else None,
            false_positive_reason=reason,
            false_positive_note=note,
            reported=item.reported,
        )
    return list(rows.values())


def case_decision(*, reason: str, decisions: Iterable[VertebraDecision]) -> str:
    """TP when a flagged vertebra is a fracture, FP when none is; for audited negatives FN / TN."""
    decisions = list(decisions)
    if reason == ReviewReason.FLAGGED:
        flagged_true = any(d.is_fracture and d.finding_id is not None for d in decisions)
        if not flagged_true and any(d.is_fracture for d in decisions):
            # Only missed fractures: the flag pointed at the wrong level, which is still a false flag.
            return CaseDecision.FALSE_POSITIVE
        return CaseDecision.TRUE_POSITIVE if flagged_true else CaseDecision.FALSE_POSITIVE
    return (
        CaseDecision.FALSE_NEGATIVE if any(d.is_fracture for d in decisions) else CaseDecision.TRUE_NEGATIVE
    )


def save_read(
    *,
    read_id: int,
    reader: User,
    version: int,
    decisions: Iterable[DecisionInput],
    comment: str = "",
    submit: bool = False,
) -> Read:
    """Store the reader's form (a draft, or submitted); ``version`` is the one the reader loaded."""
    from studies.services.review_outcomes import after_submission

    with transaction.atomic():
        read = Read.objects.select_related("review__analysis").get(pk=read_id)
        if read.reader_id != reader.pk:
            raise NotYourRead("this read belongs to another reader; only they can change it")
        if read.submitted:
            raise ReviewError("this read is submitted and can no longer change")
        rows = _decisions(read, decisions)
        decided = {row.level for row in rows}
        flagged = {f.level for f in flagged_findings(read.review.analysis)}
        if submit and not flagged <= decided:
            missing = ", ".join(VertebraLevel(level).label for level in sorted(flagged - decided))
            raise ReviewError(f"decide every flagged vertebra before submitting (missing: {missing})")
        decision = case_decision(reason=read.review.reason, decisions=rows)
        now = timezone.now()
        updated = Read.objects.filter(pk=read.pk, version=version, submitted_at__isnull=True).update(
            version=F("version") + 1,
            comment=comment,
            decision=decision,
            submitted_at=now if submit else None,
            updated_at=now,
        )
        if updated != 1:
            raise ReviewConflict(
                "this read was saved elsewhere since you loaded it; reload to see that version"
            )
        VertebraDecision.objects.filter(read=read).delete()
        VertebraDecision.objects.bulk_create(rows)
        read.refresh_from_db()
        action = "read_submitted" if submit else "read_saved"
        record_event(review=read.review, actor=reader, action=action, read=read.pk, decision=decision)
        if submit:
            after_submission(read=read, actor=reader)
    return read


def decision_inputs(rows: Iterable[Mapping[str, Any]]) -> list[DecisionInput]:
    """Plain dicts (API, forms) to DecisionInput."""
    return [
        DecisionInput(
            level=str(row["level"]),
            is_fracture=bool(row["is_fracture"]),
            grade=row.get("grade"),
            false_positive_reason=row.get("false_positive_reason") or "",
            false_positive_note=row.get("false_positive_note") or "",
            reported=row.get("reported"),
        )
        for row in rows
    ]
