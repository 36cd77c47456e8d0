"""Every legal move of REFERRAL_TRANSITIONS works; every other one is refused with a clear message."""

from __future__ import annotations

import pytest

from studies.models import REFERRAL_TRANSITIONS, ReferralEvent, ReferralStatus
from studies.services.referrals import ReferralError, assess, decide, transition
from tests.referrals.cases import bring_to

pytestmark = pytest.mark.django_db

STATUSES = [s.value for s in ReferralStatus]
LEGAL = [(a, b) for a in STATUSES for b in REFERRAL_TRANSITIONS[a]]
ILLEGAL = [(a, b) for a in STATUSES for b in STATUSES if b not in REFERRAL_TRANSITIONS[a]]
DECISIONS = (ReferralStatus.ELIGIBLE, ReferralStatus.NOT_ELIGIBLE)


def test_the_table_covers_every_status() -> None:
    assert set(REFERRAL_TRANSITIONS) == set(STATUSES)
    assert len(LEGAL) + len(ILLEGAL) == len(STATUSES) ** 2


def _make(grade3_referral, ir_doctors, status: str):
    return bring_to(grade3_referral(), status, ir_doctors["ir1"], ir_doctors["ir2"])


@pytest.mark.parametrize(("start", "to"), LEGAL)
def test_legal_move(grade3_referral, ir_doctors, start: str, to: str) -> None:
    referral = _make(grade3_referral, ir_doctors, start)
    actor = ir_doctors["ir1"]
    if to in DECISIONS:
        assess(referral_id=referral.pk, assessor=ir_doctors["ir2"], eligibility="yes")
        referral.refresh_from_db()
        moved = decide(
            referral_id=referral.pk,
            actor=actor,
            eligible=to == ReferralStatus.ELIGIBLE,
            version=referral.version,
        )
        assert moved.decided_by == actor and moved.decided_at is not None
        assert moved.final_eligibility == ("yes" if to == ReferralStatus.ELIGIBLE else "no")
    else:
        moved = transition(referral_id=referral.pk, actor=actor, to=to, version=referral.version, note="ok")
    assert moved.status == to and moved.version == referral.version + 1
    event = ReferralEvent.objects.filter(referral=referral, to_status=to).latest("id")
    assert (event.from_status, event.actor) == (start, actor)


def test_the_first_assessment_puts_a_new_referral_in_assessment(grade3_referral, ir_doctors) -> None:
    referral = grade3_referral()
    assess(referral_id=referral.pk, assessor=ir_doctors["ir1"], eligibility="imaging")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.IN_ASSESSMENT and referral.version == 1


@pytest.mark.parametrize(("start", "to"), ILLEGAL)
def test_illegal_move_is_refused(grade3_referral, ir_doctors, start: str, to: str) -> None:
    referral = _make(grade3_referral, ir_doctors, start)
    actor = ir_doctors["ir1"]
    if to in DECISIONS:
        if start == ReferralStatus.NEW:
            expected = "both assessments must be in"
        else:
            expected = f"cannot become {ReferralStatus(to).label.lower()}; allowed next: "
        with pytest.raises(ReferralError, match=expected):
            decide(
                referral_id=referral.pk,
                actor=actor,
                eligible=to == ReferralStatus.ELIGIBLE,
                version=referral.version,
            )
    else:
        with pytest.raises(ReferralError) as refused:
            transition(referral_id=referral.pk, actor=actor, to=to, version=referral.version)
        message = str(refused.value)
        assert f"a referral that is {ReferralStatus(start).label.lower()} cannot become" in message
        allowed = REFERRAL_TRANSITIONS[start]
        expected_next = ", ".join(ReferralStatus(s).label for s in allowed) or "none (final state)"
        assert message.endswith(f"allowed next: {expected_next}")
    after = type(referral).objects.get(pk=referral.pk)
    assert (after.status, after.version) == (start, referral.version)


def test_a_decision_status_cannot_be_reached_by_a_plain_move(grade3_referral, ir_doctors) -> None:
    referral = _make(grade3_referral, ir_doctors, ReferralStatus.IN_ASSESSMENT)
    with pytest.raises(ReferralError, match="final decision"):
        transition(referral_id=referral.pk, actor=ir_doctors["ir1"], to="eligible", version=referral.version)


def test_an_unknown_status_is_refused(grade3_referral, ir_doctors) -> None:
    referral = grade3_referral()
    with pytest.raises(ReferralError, match="unknown status 'done'"):
        transition(referral_id=referral.pk, actor=ir_doctors["ir1"], to="done", version=0)


def test_only_ir_doctors_move_referrals(grade3_referral, readers) -> None:
    referral = grade3_referral()
    with pytest.raises(ReferralError, match="only interventional radiologists"):
        transition(referral_id=referral.pk, actor=readers["senior"], to="in_assessment", version=0)
