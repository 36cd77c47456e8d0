"""Helpers of the audit trail tests: the events written since a test began, and clients by user."""

from __future__ import annotations

from django.test import Client

from studies.models import AuditEvent, User

# An address no test client sends by default, so that a recorded IP proves it came from the request.
CLIENT_IP = "198.51.100.23"


def client_of(user: User, **defaults: str) -> Client:
    client = Client(REMOTE_ADDR=CLIENT_IP, HTTP_USER_AGENT="audit-test/1.0", **defaults)
    client.force_login(user)
    return client


def events(**filters: object) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**filters).order_by("pk"))


def only_event(**filters: object) -> AuditEvent:
    found = events(**filters)
    assert len(found) == 1, [
        (e.route, e.action, e.target_kind, e.target_id) for e in AuditEvent.objects.all()
    ]
    return found[0]


# Reviews and referrals made through the services, as the review and referral tests make them.
from tests.referrals.conftest import grade3_referral, ir_doctors  # noqa: E402, F401
from tests.review.conftest import flagged_review, readers  # noqa: E402, F401
