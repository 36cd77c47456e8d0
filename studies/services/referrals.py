"""Vertebroplasty referrals: created from confirmed fractures, two blind IR assessments, status flow.

Every status change is a compare-and-set on (status, version): two people cannot move one
referral at once, and the loser gets ReferralConflict instead of a silent overwrite.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from studies.models import (
    REFERRAL_TRANSITIONS,
    Contraindication,
    Eligibility,
    Referral,
    ReferralAssessment,
    ReferralEvent,
    ReferralFracture,
    ReferralSource,
    ReferralStatus,
    ReviewOutcome,
    ReviewStatus,
    User,
)
from studies.services import notifications
from studies.services.audit import record_system_change

ASSESS_PERMISSION = "studies.assess_referral"
DECISION_STATUSES = (ReferralStatus.ELIGIBLE, ReferralStatus.NOT_ELIGIBLE)


class ReferralError(ValueError):
    """The request breaks a referral rule (illegal transition, wrong role, missing assessment…)."""


class ReferralConflict(RuntimeError):
    """Someone else moved this referral since the caller loaded it."""


def record_event(
    *,
    referral: Referral,
    actor: User | None,
    action: str,
    from_status: str = "",
    to_status: str = "",
    **detail,
) -> None:
    ReferralEvent.objects.create(
        referral=referral,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        detail=detail,
    )


def _link(referral: Referral, outcome: ReviewOutcome, actor: User | None) -> bool:
    if ReferralFracture.objects.filter(outcome=outcome).exists():
        return False
    ReferralFracture.objects.create(referral=referral, outcome=outcome)
    record_event(referral=referral, actor=actor, action="fracture_joined", outcome=outcome.pk)
    return True


def refer_outcome(
    *, outcome: ReviewOutcome, actor: User | None, source: ReferralSource, note: str = ""
) -> Referral:
    """The referral of this patient's fracture at this level: created once, later studies join it."""
    if not outcome.is_fracture:
        raise ReferralError("only a confirmed fracture can be referred")
    review = outcome.review
    if review.status != ReviewStatus.CLOSED:
        raise ReferralError("the case review is not closed yet")
    patient_id = review.analysis.series.study.patient_id
    with transaction.atomic():
        referral = Referral.objects.filter(patient_id=patient_id, level=outcome.level).first()
        created = False
        if referral is None:
            try:
                with transaction.atomic():
                    referral = Referral.objects.create(
                        patient_id=patient_id,
                        level=outcome.level,
                        source=source,
                        referred_by=actor,
                        note=note,
                    )
                created = True
            except IntegrityError:  # created at the same moment by another close
                referral = Referral.objects.get(patient_id=patient_id, level=outcome.level)
        if created:
            record_event(
                referral=referral, actor=actor, action="created", to_status=referral.status, note=note
            )
        elif note:
            record_event(referral=referral, actor=actor, action="note", note=note)
        _link(referral, outcome, actor)
        if actor is None:  # the automatic grade-3 referral; a person's request is audited as such
            record_system_change(target_kind="referral", target_id=referral.pk, created=created)
    if created:
        transaction.on_commit(lambda: notifications.referral_created(referral_id=referral.pk))
    return referral


def refer_confirmed_grade_3(*, review_id: int) -> list[Referral]:
    """Called when a review closes: every confirmed grade-3 fracture goes to IR."""
    outcomes = ReviewOutcome.objects.select_related("review__analysis__series__study").filter(
        review_id=review_id, is_fracture=True, grade=3
    )
    return [refer_outcome(outcome=o, actor=None, source=ReferralSource.CONSENSUS_GRADE_3) for o in outcomes]


def refer_by_radiologist(*, outcome_id: int, radiologist: User, note: str) -> Referral:
    outcome = ReviewOutcome.objects.select_related("review__analysis__series__study").get(pk=outcome_id)
    return refer_outcome(outcome=outcome, actor=radiologist, source=ReferralSource.RADIOLOGIST, note=note)


def _move(
    referral: Referral, *, to: str, actor: User, version: int, action: str, **changes: object
) -> Referral:
    if referral.version != version:  # judged against a state the caller never saw: reload, not a rule error
        raise ReferralConflict("this referral was changed by someone else; reload it")
    allowed = REFERRAL_TRANSITIONS[referral.status]
    if to not in allowed:
        names = ", ".join(ReferralStatus(s).label for s in allowed) or "none (final state)"
        raise ReferralError(
            f"a referral that is {ReferralStatus(referral.status).label.lower()} cannot become "
            f"{ReferralStatus(to).label.lower()}; allowed next: {names}"
        )
    moved = Referral.objects.filter(pk=referral.pk, status=referral.status, version=version).update(
        status=to, version=F("version") + 1, **changes
    )
    if moved != 1:
        raise ReferralConflict("this referral was changed by someone else; reload it")
    record_event(referral=referral, actor=actor, action=action, from_status=referral.status, to_status=to)
    referral.refresh_from_db()
    return referral


def assess(
    *,
    referral_id: int,
    assessor: User,
    eligibility: str,
    contraindications: Iterable[str] = (),
    reasons: str = "",
    comment: str = "",
) -> ReferralAssessment:
    """One IR doctor's independent assessment; the first one puts a new referral in assessment."""
    if not assessor.has_perm(ASSESS_PERMISSION):
        raise ReferralError("only interventional radiologists assess referrals")
    if eligibility not in Eligibility.values:
        raise ReferralError(f"eligibility must be one of {', '.join(Eligibility.values)}")
    chosen = sorted(set(contraindications))
    unknown = [c for c in chosen if c not in Contraindication.values]
    if unknown:
        raise ReferralError(f"unknown contraindications: {', '.join(unknown)}")
    if eligibility == Eligibility.NO and not chosen and not reasons.strip():
        raise ReferralError("say why the fracture is not eligible (contraindications or reasons)")
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral_id)
        if referral.status not in (ReferralStatus.NEW, ReferralStatus.IN_ASSESSMENT):
            raise ReferralError("this referral is no longer being assessed")
        if ReferralAssessment.objects.filter(referral=referral, assessor=assessor).exists():
            raise ReferralError("you have already assessed this referral")
        if ReferralAssessment.objects.filter(referral=referral).count() >= 2:
            raise ReferralError("this referral already has its two assessments")
        assessment = ReferralAssessment.objects.create(
            referral=referral,
            assessor=assessor,
            eligibility=eligibility,
            contraindications=chosen,
            reasons=reasons.strip(),
            comment=comment.strip(),
            assessor_experience_years=assessor.ir_experience_years,
        )
        record_event(referral=referral, actor=assessor, action="assessed", assessment=assessment.pk)
        if referral.status == ReferralStatus.NEW:
            _move(
                referral,
                to=ReferralStatus.IN_ASSESSMENT,
                actor=assessor,
                version=referral.version,
                action="moved",
            )
        both_in = ReferralAssessment.objects.filter(referral=referral).count() == 2
    if both_in:
        transaction.on_commit(lambda: notifications.assessments_complete(referral_id=referral_id))
    return assessment


def decide(*, referral_id: int, actor: User, eligible: bool, version: int, note: str = "") -> Referral:
    """The final decision after both assessments: eligible or not eligible."""
    if not actor.has_perm(ASSESS_PERMISSION):
        raise ReferralError("only interventional radiologists decide on a referral")
    with transaction.atomic():
        referral = Referral.objects.get(pk=referral_id)
        if ReferralAssessment.objects.filter(referral=referral).count() < 2:
            raise ReferralError("both assessments must be in before the final decision")
        to = ReferralStatus.ELIGIBLE if eligible else ReferralStatus.NOT_ELIGIBLE
        return _move(
            referral,
            to=to,
            actor=actor,
            version=version,
            action="decided",
            final_eligibility=Eligibility.YES if eligible else Eligibility.NO,
            final_note=note.strip(),
            decided_by=actor,
            decided_at=timezone.now(),
        )


def transition(*, referral_id: int, actor: User, to: str, version: int, note: str = "") -> Referral:
    """Scheduled, treated, declined, lost to follow-up: the steps after the decision."""
    if not actor.has_perm(ASSESS_PERMISSION):
        raise ReferralError("only interventional radiologists move a referral")
    if to not in ReferralStatus.values:
        raise ReferralError(f"unknown status {to!r}")
    if to in DECISION_STATUSES:
        raise ReferralError("eligible / not eligible is the final decision: record it with both assessments")
    with transaction.atomic():
        referral = Referral.objects.get(pk=referral_id)
        moved = _move(referral, to=to, actor=actor, version=version, action="moved")
        if note.strip():
            record_event(referral=moved, actor=actor, action="note", note=note.strip())
        return moved
