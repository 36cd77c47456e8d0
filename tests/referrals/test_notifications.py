"""E-mail to the IR team: a new referral, both assessments in, overdue (once only)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from studies.models import Referral
from studies.services.notifications import notify_overdue_referrals
from studies.services.referrals import assess
from tests.referrals.cases import confirm, referral_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral_mailed(flagged_review, readers, ir_doctors, django_capture_on_commit_callbacks, mailoutbox):
    _, review = flagged_review()
    with django_capture_on_commit_callbacks(execute=True):
        confirm(review, readers)
    return referral_of(review)


def test_a_new_referral_is_mailed_to_every_ir_doctor(referral_mailed, mailoutbox) -> None:
    [mail] = mailoutbox
    assert mail.subject.startswith("[VCF Sentinel] New vertebroplasty referral: L1 of patient P-")
    assert sorted(mail.to) == ["ir1@hospital.invalid", "ir2@hospital.invalid", "ir3@hospital.invalid"]
    assert f"/referrals/{referral_mailed.pk}/" in mail.body
    assert referral_mailed.patient.pseudo_id in mail.subject


def test_nothing_is_mailed_before_the_commit(flagged_review, readers, ir_doctors, mailoutbox) -> None:
    _, review = flagged_review()
    confirm(review, readers)  # the test transaction never commits
    assert Referral.objects.count() == 1 and mailoutbox == []


def test_both_assessments_in_is_mailed_once(
    referral_mailed, ir_doctors, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assess(referral_id=referral_mailed.pk, assessor=ir_doctors["ir1"], eligibility="yes")
    assert len(mailoutbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assess(referral_id=referral_mailed.pk, assessor=ir_doctors["ir2"], eligibility="yes")
    assert len(mailoutbox) == 2
    assert mailoutbox[1].subject.startswith("[VCF Sentinel] Both assessments in: L1 of patient")
    assert "record the final decision" in mailoutbox[1].body


def test_an_overdue_referral_is_mailed_once_only(referral_mailed, mailoutbox, settings) -> None:
    settings.VCF_REFERRAL_OVERDUE_DAYS = 7
    assert notify_overdue_referrals() == 0  # brand new
    Referral.objects.filter(pk=referral_mailed.pk).update(created_at=timezone.now() - timedelta(days=9))
    assert notify_overdue_referrals() == 1
    assert len(mailoutbox) == 2
    assert mailoutbox[1].subject.startswith("[VCF Sentinel] Referral waiting 9 days: L1 of patient")
    assert "(new)" in mailoutbox[1].body
    assert notify_overdue_referrals() == 0  # a second run repeats nothing
    assert len(mailoutbox) == 2
    referral_mailed.refresh_from_db()
    assert referral_mailed.overdue_notified_at is not None


def test_a_decided_referral_is_never_overdue(referral_mailed, ir_doctors, mailoutbox) -> None:
    from tests.referrals.cases import bring_to

    bring_to(referral_mailed, "eligible", ir_doctors["ir1"], ir_doctors["ir2"])
    Referral.objects.filter(pk=referral_mailed.pk).update(created_at=timezone.now() - timedelta(days=30))
    assert notify_overdue_referrals() == 0


def test_without_addresses_nothing_is_sent(flagged_review, readers, make_user, mailoutbox, caplog) -> None:
    from studies.roles import Role

    make_user(Role.INTERVENTIONAL_RADIOLOGIST)  # no e-mail address
    _, review = flagged_review()
    confirm(review, readers)
    referral = referral_of(review)
    Referral.objects.filter(pk=referral.pk).update(created_at=timezone.now() - timedelta(days=30))
    assert notify_overdue_referrals() == 1 and mailoutbox == []
    assert "no interventional radiologist has an e-mail address" in caplog.text
