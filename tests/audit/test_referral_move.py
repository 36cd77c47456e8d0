"""Moving a referral on its page leaves a "change" event on that referral."""

from __future__ import annotations

import pytest

from studies.models import AuditAction, ReferralStatus
from tests.audit.conftest import CLIENT_IP, client_of, only_event
from tests.referrals.cases import bring_to

pytestmark = pytest.mark.django_db


def test_a_referral_move_is_recorded(grade3_referral, ir_doctors) -> None:
    first, second = ir_doctors["ir1"], ir_doctors["ir2"]
    referral = bring_to(grade3_referral(), ReferralStatus.ELIGIBLE, first, second)
    response = client_of(first).post(
        f"/referrals/{referral.pk}/move/", {"to": "scheduled", "version": referral.version}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SCHEDULED
    event = only_event(route="referral-move")
    assert (event.actor, event.action, event.ip_address) == (first, AuditAction.CHANGE, CLIENT_IP)
    assert (event.target_kind, event.target_id, event.method) == ("referral", str(referral.pk), "POST")
