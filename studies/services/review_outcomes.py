"""After the reads: agreement, the senior's consensus, and the final outcome per level."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from studies.models import (
    CaseReview,
    Read,
    ReadKind,
    ReviewOutcome,
    ReviewStatus,
    User,
    VertebraDecision,
    VertebraFinding,
)
from studies.selectors.priors import priors_for
from studies.services.reviews import (
    ReviewConflict,
    ReviewError,
    flagged_findings,
    is_senior,
    record_event,
)


def _clinical(read: Read) -> set[tuple[int, bool, int | None]]:
    """What must agree between two reads: each level's fracture call and grade."""
    return {(d.level, d.is_fracture, d.grade) for d in read.vertebrae.all()}


def reads_agree(first: Read, second: Read) -> bool:
    return first.decision == second.decision and _clinical(first) == _clinical(second)


def _move(review: CaseReview, *, to: ReviewStatus, **changes: object) -> None:
    moved = CaseReview.objects.filter(pk=review.pk, version=review.version, status=review.status).update(
        status=to, version=F("version") + 1, **changes
    )
    if moved != 1:
        raise ReviewConflict("this case changed since you loaded it; reload it")
    review.refresh_from_db()


def after_submission(*, read: Read, actor: User) -> None:
    """Both independent reads in: close on agreement, else wait for the senior's consensus."""
    # Locked so that two readers submitting at the same moment cannot both miss the other's read
    # (each transaction alone sees one submitted read) and leave the case open for ever.
    review = CaseReview.objects.select_for_update().get(pk=read.review_id)
    if read.kind == ReadKind.CONSENSUS:
        _close(review=review, final=read, actor=actor, agreed=False)
        return
    reads = list(
        Read.objects.filter(
            review=review, kind=ReadKind.INDEPENDENT, submitted_at__isnull=False
        ).prefetch_related("vertebrae")
    )
    if len(reads) < 2:
        return
    first, second = reads[0], reads[1]
    if reads_agree(first, second):
        senior = second if second.reader_is_senior else first
        _close(review=review, final=senior, actor=actor, agreed=True)
    else:
        _move(review, to=ReviewStatus.CONSENSUS, reads_agreed=False)
        record_event(review=review, actor=actor, action="disagreement", reads=[first.pk, second.pk])


def start_consensus(*, review_id: int, senior: User) -> Read:
    """The senior's consensus read, prefilled from the senior's own read (or the first one)."""
    if not is_senior(senior):
        raise ReviewError("only a senior radiologist resolves a consensus")
    with transaction.atomic():
        # Locked: two seniors starting at once must not both create the (unique) consensus read.
        review = CaseReview.objects.select_for_update().get(pk=review_id)
        existing = Read.objects.filter(review=review, kind=ReadKind.CONSENSUS).first()
        if existing is not None:
            if existing.reader_id != senior.pk:
                raise ReviewError(f"{existing.reader.get_username()} is already resolving this consensus")
            return existing
        if review.status != ReviewStatus.CONSENSUS:
            raise ReviewError("this case does not wait for a consensus")
        reads = list(
            Read.objects.filter(review=review, kind=ReadKind.INDEPENDENT).prefetch_related("vertebrae")
        )
        basis = next((r for r in reads if r.reader_is_senior), reads[0])
        consensus = Read.objects.create(
            review=review,
            reader=senior,
            kind=ReadKind.CONSENSUS,
            reader_is_senior=True,
            decision=basis.decision,
        )
        VertebraDecision.objects.bulk_create(
            VertebraDecision(
                read=consensus,
                level=d.level,
                finding_id=d.finding_id,
                is_fracture=d.is_fracture,
                grade=d.grade,
                false_positive_reason=d.false_positive_reason,
                false_positive_note=d.false_positive_note,
                reported=d.reported,
            )
            for d in basis.vertebrae.all()
        )
        record_event(review=review, actor=senior, action="consensus_started", read=consensus.pk)
    return consensus


def _current(finding: VertebraFinding | None) -> tuple[float | None, int | None]:
    if finding is None:
        return None, None
    correction = finding.latest_correction
    if correction is not None and correction.grade is not None:
        return correction.height_loss_pct, correction.grade
    return finding.height_loss_pct, finding.grade


def _close(*, review: CaseReview, final: Read, actor: User, agreed: bool) -> None:
    analysis = review.analysis
    priors = priors_for(analysis=analysis)
    flagged = {f.level for f in flagged_findings(analysis)}
    decisions = list(final.vertebrae.select_related("finding__latest_correction"))
    outcomes = []
    for d in decisions:
        vhl, _ = _current(d.finding)
        status = priors.status(level=d.level, height_loss_pct=vhl, grade=d.grade) if d.is_fracture else ""
        prior = priors.levels.get(d.level)
        outcomes.append(
            ReviewOutcome(
                review=review,
                level=d.level,
                finding=d.finding,
                flagged=d.level in flagged,
                is_fracture=d.is_fracture,
                grade=d.grade,
                height_loss_pct=vhl,
                false_positive_reason=d.false_positive_reason,
                false_positive_note=d.false_positive_note,
                reported=d.reported,
                prior_status=status,
                prior_height_loss_pct=prior.height_loss_pct if prior and prior.fractured else None,
            )
        )
    fractures = [o for o in outcomes if o.is_fracture]
    reported = None
    if fractures and all(o.reported is not None for o in fractures):
        reported = any(o.reported for o in fractures)
    ReviewOutcome.objects.filter(review=review).delete()
    ReviewOutcome.objects.bulk_create(outcomes)
    _move(
        review,
        to=ReviewStatus.CLOSED,
        decision=final.decision,
        reads_agreed=agreed,
        fracture_reported=reported,
        closed_at=timezone.now(),
    )
    record_event(
        review=review,
        actor=actor,
        action="closed",
        decision=final.decision,
        agreed=agreed,
        final_read=final.pk,
    )
    # The consensus confirmed a grade-3 fracture: it goes to interventional radiology at once.
    from studies.services.referrals import refer_confirmed_grade_3

    refer_confirmed_grade_3(review_id=review.pk)
