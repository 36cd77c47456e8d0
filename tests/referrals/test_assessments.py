"""Two independent IR assessments; the final decision only once both are in."""

from __future__ import annotations

import pytest

from studies.models import ReferralAssessment, ReferralStatus
from studies.selectors.referral_access import referral_for, visible_assessments
from studies.services.referrals import ReferralError, assess, decide

pytestmark = pytest.mark.django_db


def test_an_assessment_records_the_assessors_experience(grade3_referral, ir_doctors) -> None:
    referral = grade3_referral()
    made = assess(
        referral_id=referral.pk,
        assessor=ir_doctors["ir2"],
        eligibility="no",
        contraindications=["neurological", "coagulopathy", "neurological"],
        reasons="  ",
    )
    assert made.assessor_experience_years == 4
    assert made.contraindications == ["coagulopathy", "neurological"]


def test_the_decision_needs_both_assessments(grade3_referral, ir_doctors) -> None:
    referral = grade3_referral()
    assess(referral_id=referral.pk, assessor=ir_doctors["ir1"], eligibility="yes")
    referral.refresh_from_db()
    with pytest.raises(ReferralError, match="both assessments must be in"):
        decide(referral_id=referral.pk, actor=ir_doctors["ir1"], eligible=True, version=referral.version)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.IN_ASSESSMENT and referral.final_eligibility == ""


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"eligibility": "maybe"}, "eligibility must be one of"),
        ({"eligibility": "no"}, "say why"),
        ({"eligibility": "yes", "contraindications": ["gout"]}, "unknown contraindications: gout"),
    ],
)
def test_invalid_assessments_are_refused(grade3_referral, ir_doctors, changes, message: str) -> None:
    referral = grade3_referral()
    with pytest.raises(ReferralError, match=message):
        assess(referral_id=referral.pk, assessor=ir_doctors["ir1"], **changes)
    assert not ReferralAssessment.objects.exists()


def test_one_assessment_each_and_two_at_most(grade3_referral, ir_doctors) -> None:
    referral = grade3_referral()
    assess(referral_id=referral.pk, assessor=ir_doctors["ir1"], eligibility="yes")
    with pytest.raises(ReferralError, match="already assessed"):
        assess(referral_id=referral.pk, assessor=ir_doctors["ir1"], eligibility="imaging")
    assess(referral_id=referral.pk, assessor=ir_doctors["ir2"], eligibility="yes")
    with pytest.raises(ReferralError, match="already has its two assessments"):
        assess(referral_id=referral.pk, assessor=ir_doctors["ir3"], eligibility="yes")


def test_a_decided_referral_takes_no_more_assessments(grade3_referral, ir_doctors) -> None:
    referral = grade3_referral()
    assess(referral_id=referral.pk, assessor=ir_doctors["ir1"], eligibility="yes")
    assess(referral_id=referral.pk, assessor=ir_doctors["ir2"], eligibility="yes")
    referral.refresh_from_db()
    decide(referral_id=referral.pk, actor=ir_doctors["ir3"], eligible=True, version=referral.version)
    with pytest.raises(ReferralError, match="no longer being assessed"):
        assess(referral_id=referral.pk, assessor=ir_doctors["ir3"], eligibility="yes")


def test_only_ir_doctors_assess_and_decide(grade3_referral, readers) -> None:
    referral = grade3_referral()
    with pytest.raises(ReferralError, match="only interventional radiologists assess"):
        assess(referral_id=referral.pk, assessor=readers["senior"], eligibility="yes")
    with pytest.raises(ReferralError, match="only interventional radiologists decide"):
        decide(referral_id=referral.pk, actor=readers["senior"], eligible=True, version=0)


def test_assessments_are_blind_until_both_are_in(grade3_referral, ir_doctors, readers, make_user) -> None:
    from studies.roles import Role

    referral = grade3_referral()
    lead = make_user(Role.DEPARTMENT_LEAD)
    first = assess(referral_id=referral.pk, assessor=ir_doctors["ir1"], eligibility="yes")
    loaded = referral_for(ir_doctors["ir1"], referral.pk)
    assert loaded is not None
    assert visible_assessments(loaded, ir_doctors["ir1"]) == [first]
    assert visible_assessments(loaded, ir_doctors["ir2"]) == []  # not yet their own
    assert visible_assessments(loaded, readers["junior"]) is None  # radiologists never see them
    second = assess(referral_id=referral.pk, assessor=ir_doctors["ir2"], eligibility="imaging")
    for doctor in (ir_doctors["ir1"], ir_doctors["ir2"], ir_doctors["ir3"], lead):
        assert visible_assessments(loaded, doctor) == [first, second]
    assert visible_assessments(loaded, readers["junior"]) is None
