"""Refused requests to patient data are recorded as denied, with whoever asked."""

from __future__ import annotations

import pytest
from django.test import Client

from studies.models import AuditAction
from studies.roles import Role
from tests.audit.conftest import CLIENT_IP, client_of, only_event

pytestmark = pytest.mark.django_db


def test_a_403_is_recorded_as_denied(make_user, flagged_review) -> None:
    admin = make_user(Role.ADMIN)
    _, review = flagged_review()
    assert client_of(admin).get(f"/api/v1/reviews/{review.pk}/").status_code == 403
    event = only_event(route="api-review-detail")
    assert (event.actor, event.action, event.status_code) == (admin, AuditAction.DENIED, 403)
    assert (event.target_kind, event.target_id) == ("review", str(review.pk))


def test_a_page_refused_to_a_user_without_a_role_is_denied(make_user, make_column) -> None:
    nobody = make_user(None)
    column = make_column()
    assert client_of(nobody).get(f"/analyses/{column.analysis.pk}/viewer/").status_code == 403
    event = only_event(route="analysis-viewer")
    assert (event.actor, event.roles, event.action) == (nobody, "", AuditAction.DENIED)
    assert (event.target_kind, event.target_id) == ("analysis", str(column.analysis.pk))


def test_an_anonymous_page_request_is_denied_without_an_actor(make_study) -> None:
    study = make_study()
    response = Client(REMOTE_ADDR=CLIENT_IP).get(f"/studies/{study.study_instance_uid}/")
    assert response.status_code == 302  # to the login page
    event = only_event(route="study")
    assert (event.actor, event.actor_username, event.action) == (None, "", AuditAction.DENIED)
    assert event.ip_address == CLIENT_IP


def test_an_anonymous_api_request_is_denied(db) -> None:
    assert Client().get("/api/v1/referrals/").status_code == 401
    event = only_event(route="api-referral-list")
    assert (event.actor, event.action, event.status_code) == (None, AuditAction.DENIED, 401)


def test_an_unknown_dicomweb_token_is_denied(db) -> None:
    response = Client().get("/dicomweb/studies/1.2.3/metadata", HTTP_AUTHORIZATION="Token not-a-key")
    assert response.status_code == 401
    event = only_event(route="dicomweb:study-metadata")
    assert (event.actor, event.action, event.target_id) == (None, AuditAction.DENIED, "1.2.3")


def test_an_overlong_address_is_recorded_within_the_columns(make_user) -> None:
    uid = "1." + "9" * 300
    response = client_of(make_user(Role.RADIOLOGIST)).get(f"/dicomweb/studies/{uid}/metadata")
    assert response.status_code in (400, 404)
    event = only_event(route="dicomweb:study-metadata")
    assert event.target_id == uid[:128] and len(event.path) <= 512
