"""Helpers for referral tests: grade-3 fractures confirmed by a review, and referrals brought to a
chosen status through the services only."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from studies.models import CaseReview, Referral, ReferralStatus, User
from studies.services.referrals import assess, decide, transition
from studies.services.reviews import DecisionInput
from tests.review.cases import TRUE_L1, double_read

GRADE_2_L1 = [DecisionInput(level="L1", is_fracture=True, grade=2, reported=True)]


def confirm(
    review: CaseReview, readers: dict[str, User], decisions: Sequence[DecisionInput] = TRUE_L1
) -> CaseReview:
    """Junior and senior agree on ``decisions``: the review closes."""
    double_read(review, (readers["junior"], decisions), (readers["senior"], decisions))
    return review


def referral_of(review: CaseReview) -> Referral:
    return Referral.objects.get(fractures__outcome__review=review)


def assess_yes(referral: Referral, doctor: User) -> None:
    assess(referral_id=referral.pk, assessor=doctor, eligibility="yes", reasons="painful, oedema on MRI")


def assess_no(referral: Referral, doctor: User) -> None:
    assess(referral_id=referral.pk, assessor=doctor, eligibility="no", contraindications=["posterior_wall"])


def _move(referral: Referral, doctor: User, to: str) -> None:
    referral.refresh_from_db()
    transition(referral_id=referral.pk, actor=doctor, to=to, version=referral.version)


# How to reach each status from a new referral, with two IR doctors (first, second).
PATHS: dict[str, Callable[[Referral, User, User], None]] = {
    ReferralStatus.NEW: lambda r, a, b: None,
    ReferralStatus.IN_ASSESSMENT: lambda r, a, b: assess_yes(r, a),
}


def _decided(eligible: bool) -> Callable[[Referral, User, User], None]:
    def reach(referral: Referral, first: User, second: User) -> None:
        assess_yes(referral, first)
        (assess_yes if eligible else assess_no)(referral, second)
        referral.refresh_from_db()
        decide(referral_id=referral.pk, actor=first, eligible=eligible, version=referral.version)

    return reach


def _after_eligible(*steps: str) -> Callable[[Referral, User, User], None]:
    def reach(referral: Referral, first: User, second: User) -> None:
        _decided(True)(referral, first, second)
        for step in steps:
            _move(referral, first, step)

    return reach


PATHS[ReferralStatus.ELIGIBLE] = _decided(True)
PATHS[ReferralStatus.NOT_ELIGIBLE] = _decided(False)
PATHS[ReferralStatus.SCHEDULED] = _after_eligible(ReferralStatus.SCHEDULED)
PATHS[ReferralStatus.TREATED] = _after_eligible(ReferralStatus.SCHEDULED, ReferralStatus.TREATED)
PATHS[ReferralStatus.DECLINED] = _after_eligible(ReferralStatus.DECLINED)
PATHS[ReferralStatus.LOST] = _after_eligible(ReferralStatus.SCHEDULED, ReferralStatus.LOST)


def bring_to(referral: Referral, status: str, first: User, second: User) -> Referral:
    PATHS[status](referral, first, second)
    referral.refresh_from_db()
    assert referral.status == status
    return referral
