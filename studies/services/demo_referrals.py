"""Demo referrals: the grade-3 referrals the demo reviews created, taken on by the demo IR doctors so
that the IR workspace shows every stage (new, in assessment, eligible, scheduled, treated, not eligible).

Everything goes through the referral services (assess, decide, transition), as an IR doctor's clicks
would. Deterministic: referrals are taken in creation order and each gets the state of its place in
PLAN. Idempotent: every step is taken only while the referral has not reached it, so a second run
changes nothing; a referral a visitor moved elsewhere is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from studies.models import (
    Referral,
    ReferralAssessment,
    ReferralSource,
    ReferralStatus,
    ReviewOutcome,
    ReviewStatus,
    User,
)
from studies.roles import Role, roles_of
from studies.services.referrals import (
    ReferralConflict,
    ReferralError,
    assess,
    decide,
    refer_by_radiologist,
    transition,
)
from studies.services.roles import ensure_role_groups

IR = "interventional_radiologist"
SECOND_IR = "interventional_radiologist2"
EXPERIENCE_YEARS = {IR: 12, SECOND_IR: 4}

# The state each automatic referral ends in, in creation order; later ones stay new for the visitor.
PLAN: tuple[str, ...] = (
    ReferralStatus.IN_ASSESSMENT,
    ReferralStatus.NEW,
    ReferralStatus.SCHEDULED,
    ReferralStatus.ELIGIBLE,
    ReferralStatus.NOT_ELIGIBLE,
    ReferralStatus.TREATED,
)
DECIDED = (
    ReferralStatus.ELIGIBLE,
    ReferralStatus.NOT_ELIGIBLE,
    ReferralStatus.SCHEDULED,
    ReferralStatus.TREATED,
)
# What each target needs after the decision, in order.
AFTER_DECISION: dict[str, tuple[str, ...]] = {
    ReferralStatus.SCHEDULED: (ReferralStatus.SCHEDULED,),
    ReferralStatus.TREATED: (ReferralStatus.SCHEDULED, ReferralStatus.TREATED),
}


class DemoReferralError(RuntimeError):
    """The demo referrals cannot run (the demo IR user is missing)."""


@dataclass
class DemoReferralReport:
    referrals: int = 0
    steps: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.referrals} referrals", f"{len(self.steps)} steps taken now"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        return ", ".join(parts)


def demo_ir_doctors() -> tuple[User, User]:
    """The demo IR doctor (from ``setup_roles --demo``) and a colleague made here if needed."""
    first = User.objects.filter(username=IR).first()
    if first is None or Role.INTERVENTIONAL_RADIOLOGIST not in roles_of(first):
        raise DemoReferralError(f"demo user {IR!r} is missing or lost its role; run setup_roles --demo")
    if first.ir_experience_years is None:
        first.ir_experience_years = EXPERIENCE_YEARS[IR]
        first.save(update_fields=["ir_experience_years"])
    second = User.objects.filter(username=SECOND_IR).first()
    if second is None:
        second = User(
            username=SECOND_IR,
            first_name="Demo",
            last_name="Interventional radiologist (colleague)",
            email=f"{SECOND_IR}@demo.invalid",
            ir_experience_years=EXPERIENCE_YEARS[SECOND_IR],
        )
        second.set_unusable_password()  # a colleague whose assessments appear; nobody logs in as them
        second.save()
        second.groups.add(ensure_role_groups()[Role.INTERVENTIONAL_RADIOLOGIST])
    return first, second


def _has_assessed(referral: Referral, doctor: User) -> bool:
    return ReferralAssessment.objects.filter(referral=referral, assessor=doctor).exists()


def _advance(referral: Referral, target: str, first: User, second: User, step: Callable[[str], None]) -> None:
    """Take the steps towards ``target`` that are still missing."""
    open_statuses = (ReferralStatus.NEW, ReferralStatus.IN_ASSESSMENT)
    if target == ReferralStatus.NEW:
        return
    if referral.status in open_statuses and not _has_assessed(referral, first):
        assess(
            referral_id=referral.pk,
            assessor=first,
            eligibility="yes",
            reasons="Painful acute fracture; oedema on MRI; posterior wall intact.",
        )
        step("assessed by the first IR doctor")
        referral.refresh_from_db()
    if target not in DECIDED:
        return
    eligible = target != ReferralStatus.NOT_ELIGIBLE
    if referral.status in open_statuses and not _has_assessed(referral, second):
        if eligible:
            assess(referral_id=referral.pk, assessor=second, eligibility="yes", comment="Agree.")
        else:
            assess(
                referral_id=referral.pk,
                assessor=second,
                eligibility="no",
                contraindications=["posterior_wall"],
                reasons="Retropulsed fragment narrows the canal.",
            )
        step("assessed by the second IR doctor")
        referral.refresh_from_db()
    if referral.status == ReferralStatus.IN_ASSESSMENT:
        note = "Both assessments agree." if eligible else "Posterior wall retropulsion: no vertebroplasty."
        decide(referral_id=referral.pk, actor=first, eligible=eligible, version=referral.version, note=note)
        step("decided")
        referral.refresh_from_db()
    path = AFTER_DECISION.get(target, ())
    done = path.index(referral.status) + 1 if referral.status in path else 0
    for to in path[done:]:
        transition(referral_id=referral.pk, actor=first, to=to, version=referral.version)
        step(f"moved to {to}")
        referral.refresh_from_db()


REFERRING_RADIOLOGIST = "senior_radiologist"
MANUAL_NOTE = "Painful at this level on the ward round; IR opinion on vertebroplasty, please."


def _refer_by_hand(*, wanted: int, log: Callable[[str], None] | None) -> None:
    """Too few grade-3 cases for every state: the demo senior refers other confirmed fractures."""
    radiologist = User.objects.filter(username=REFERRING_RADIOLOGIST).first()
    missing = wanted - Referral.objects.count()
    if radiologist is None or missing <= 0:
        return
    outcomes = ReviewOutcome.objects.filter(
        is_fracture=True, review__status=ReviewStatus.CLOSED, referral_link__isnull=True
    ).order_by("review_id", "level")
    for outcome in outcomes[:missing]:
        referral = refer_by_radiologist(outcome_id=outcome.pk, radiologist=radiologist, note=MANUAL_NOTE)
        if log is not None:
            log(f"referral {referral.pk}: referred by hand ({referral.label})")


def advance_demo_referrals(*, log: Callable[[str], None] | None = None) -> DemoReferralReport:
    """Bring the referrals to the states of PLAN, automatic ones first, in creation order."""
    first, second = demo_ir_doctors()
    _refer_by_hand(wanted=len(PLAN), log=log)
    referrals = sorted(
        Referral.objects.all(),
        key=lambda r: (r.source != ReferralSource.CONSENSUS_GRADE_3, r.created_at, r.pk),
    )
    report = DemoReferralReport(referrals=len(referrals))
    for referral, target in zip(referrals, PLAN, strict=False):

        def step(what: str, pk: int = referral.pk) -> None:
            report.steps.append((pk, what))
            if log is not None:
                log(f"referral {pk}: {what}")

        try:
            with transaction.atomic():
                _advance(referral, target, first, second, step)
        except (ReferralError, ReferralConflict) as error:  # a visitor took the referral elsewhere
            report.skipped.append((referral.pk, str(error)))
            if log is not None:
                log(f"referral {referral.pk}: skipped ({error})")
    return report
