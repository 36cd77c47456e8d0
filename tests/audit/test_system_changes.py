"""Changes the system makes on its own are recorded with no actor, in the same transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from studies.models import AuditAction, AuditEvent, Referral
from studies.services.notifications import notify_overdue_referrals
from studies.services.reviews import open_review
from tests.audit.conftest import only_event
from tests.referrals.cases import confirm, referral_of

pytestmark = pytest.mark.django_db


def test_opening_a_review_is_a_system_creation(make_column) -> None:
    column = make_column(l1_anterior=12.0)
    review = open_review(analysis_id=column.analysis.pk)
    assert review is not None
    event = only_event(target_kind="review", target_id=str(review.pk))
    assert (event.actor, event.actor_username, event.action) == (None, "", AuditAction.CREATE)
    assert (event.route, event.ip_address, event.status_code) == ("", None, None)


def test_the_automatic_grade_3_referral_is_a_system_creation(flagged_review, readers) -> None:
    _, review = flagged_review()
    referral = referral_of(confirm(review, readers))
    event = only_event(target_kind="referral", target_id=str(referral.pk))
    assert (event.actor, event.action) == (None, AuditAction.CREATE)


def test_the_overdue_schedule_marking_a_referral_is_a_system_change(grade3_referral) -> None:
    referral = grade3_referral()
    Referral.objects.filter(pk=referral.pk).update(created_at=timezone.now() - timedelta(days=30))
    assert notify_overdue_referrals() == 1
    changes = AuditEvent.objects.filter(target_kind="referral", target_id=str(referral.pk), actor=None)
    assert list(changes.values_list("action", flat=True).order_by("pk")) == ["create", "change"]


def test_a_rolled_back_change_leaves_no_event(make_column) -> None:
    column = make_column(l1_anterior=12.0)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert open_review(analysis_id=column.analysis.pk) is not None
        raise RuntimeError("the caller's transaction fails after the review was opened")
    assert not AuditEvent.objects.filter(target_kind="review").exists()
