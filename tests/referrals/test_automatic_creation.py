"""A review that confirms a grade-3 fracture refers it to IR automatically, exactly once."""

from __future__ import annotations

from datetime import date

import pytest

from studies.models import (
    CaseReview,
    Referral,
    ReferralEvent,
    ReferralFracture,
    ReferralSource,
    ReferralStatus,
    VertebraLevel,
)
from studies.services.reviews import open_review
from tests.referrals.cases import GRADE_2_L1, confirm, referral_of
from tests.review.cases import FALSE_L1, TRUE_L1, add_study, double_read, submit

pytestmark = pytest.mark.django_db


def test_agreement_on_grade_3_creates_one_new_referral(flagged_review, readers) -> None:
    _, review = flagged_review()
    confirm(review, readers)
    [referral] = Referral.objects.all()
    assert referral.status == ReferralStatus.NEW and referral.source == ReferralSource.CONSENSUS_GRADE_3
    assert referral.level == VertebraLevel.L1 and referral.referred_by is None
    assert referral.patient_id == review.analysis.series.study.patient_id
    assert [f.outcome.review_id for f in referral.fractures.all()] == [review.pk]
    assert list(ReferralEvent.objects.values_list("action", flat=True)) == ["created", "fracture_joined"]


def test_consensus_confirming_grade_3_creates_the_referral(flagged_review, readers) -> None:
    from studies.services.review_outcomes import start_consensus

    _, review = flagged_review()
    double_read(review, (readers["junior"], TRUE_L1), (readers["senior"], FALSE_L1))
    assert not Referral.objects.exists()  # waiting for the consensus
    consensus = start_consensus(review_id=review.pk, senior=readers["senior"])
    submit(consensus, readers["senior"], TRUE_L1)
    assert referral_of(review).status == ReferralStatus.NEW
    assert Referral.objects.count() == 1


def test_grade_2_creates_no_referral(flagged_review, readers) -> None:
    _, review = flagged_review(l1_anterior=17.0)
    confirm(review, readers, GRADE_2_L1)
    review.refresh_from_db()
    assert review.status == "closed" and not Referral.objects.exists()


def test_a_false_flag_creates_no_referral(flagged_review, readers) -> None:
    _, review = flagged_review()
    confirm(review, readers, FALSE_L1)
    assert not Referral.objects.exists()


def test_a_later_study_of_the_same_fracture_joins_the_referral(flagged_review, readers) -> None:
    _, first = flagged_review()
    confirm(first, readers)
    referral = referral_of(first)
    patient = first.analysis.series.study.patient
    later = add_study(patient, study_date=date(2025, 6, 1), vhl={"L1": 55.0})
    second = open_review(analysis_id=later.analysis.pk)
    assert isinstance(second, CaseReview)
    confirm(second, readers)
    assert Referral.objects.count() == 1
    assert set(ReferralFracture.objects.values_list("outcome__review_id", flat=True)) == {first.pk, second.pk}
    assert referral_of(second).pk == referral.pk
    assert ReferralEvent.objects.filter(referral=referral, action="created").count() == 1
    assert ReferralEvent.objects.filter(referral=referral, action="fracture_joined").count() == 2


def test_another_patients_fracture_gets_its_own_referral(flagged_review, readers) -> None:
    for _ in range(2):
        _, review = flagged_review()
        confirm(review, readers)
    assert Referral.objects.count() == 2
    assert len(set(Referral.objects.values_list("patient_id", flat=True))) == 2
