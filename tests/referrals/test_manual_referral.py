"""A radiologist refers a confirmed fracture by hand; the same fracture is never referred twice."""

from __future__ import annotations

import pytest

from studies.models import Referral, ReferralEvent, ReferralSource, ReferralStatus, ReviewOutcome
from studies.services.referrals import ReferralError, refer_by_radiologist
from tests.referrals.cases import GRADE_2_L1, confirm
from tests.review.cases import FALSE_L1

pytestmark = pytest.mark.django_db


def test_a_grade_2_fracture_can_be_referred_by_hand(flagged_review, readers) -> None:
    _, review = flagged_review(l1_anterior=17.0)
    confirm(review, readers, GRADE_2_L1)
    outcome = ReviewOutcome.objects.get(review=review)
    referral = refer_by_radiologist(outcome_id=outcome.pk, radiologist=readers["junior"], note="very painful")
    assert referral.status == ReferralStatus.NEW and referral.source == ReferralSource.RADIOLOGIST
    assert referral.referred_by == readers["junior"] and referral.note == "very painful"
    assert referral.fractures.get().outcome == outcome


def test_referring_an_already_referred_fracture_joins_it_with_a_note(flagged_review, readers) -> None:
    _, review = flagged_review()
    confirm(review, readers)
    outcome = ReviewOutcome.objects.get(review=review)
    again = refer_by_radiologist(outcome_id=outcome.pk, radiologist=readers["junior2"], note="urgent")
    assert Referral.objects.count() == 1 and again.source == ReferralSource.CONSENSUS_GRADE_3
    assert ReferralEvent.objects.filter(referral=again, action="note").get().detail == {"note": "urgent"}


def test_no_fracture_cannot_be_referred(flagged_review, readers) -> None:
    _, review = flagged_review()
    confirm(review, readers, FALSE_L1)
    outcome = ReviewOutcome.objects.get(review=review)
    with pytest.raises(ReferralError, match="only a confirmed fracture"):
        refer_by_radiologist(outcome_id=outcome.pk, radiologist=readers["junior"], note="")


def test_an_open_review_cannot_be_referred(flagged_review, readers) -> None:
    _, review = flagged_review(l1_anterior=17.0)
    confirm(review, readers, GRADE_2_L1)
    outcome = ReviewOutcome.objects.get(review=review)
    type(review).objects.filter(pk=review.pk).update(status="open")
    with pytest.raises(ReferralError, match="not closed"):
        refer_by_radiologist(outcome_id=outcome.pk, radiologist=readers["junior"], note="")
