"""The /audit/ page: administrators read the trail, filtered and paginated; no one else may."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from studies.models import AuditAction
from studies.roles import Role
from studies.services.audit import record_event
from tests.audit.conftest import client_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role",
    [Role.RADIOLOGIST, Role.SENIOR_RADIOLOGIST, Role.INTERVENTIONAL_RADIOLOGIST, Role.DEPARTMENT_LEAD, None],
)
def test_only_administrators_open_the_page(make_user, role) -> None:
    assert client_of(make_user(role)).get("/audit/").status_code == 403


def test_anonymous_is_sent_to_the_login_page(db) -> None:
    response = Client().get("/audit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_lists_and_filters_events(make_user) -> None:
    reader = make_user(Role.RADIOLOGIST, username="reader-one")
    record_event(actor=reader, action=AuditAction.VIEW, target_kind="study", target_id="1.2.840.99")
    record_event(actor=None, action=AuditAction.CREATE, target_kind="referral", target_id=41)
    client = client_of(make_user(Role.ADMIN))

    html = client.get("/audit/").content.decode()
    assert "reader-one" in html and "1.2.840.99" in html and "referral 41" in html

    by_user = client.get("/audit/", {"user": "reader-one"}).content.decode()
    assert "1.2.840.99" in by_user and "referral 41" not in by_user
    system = client.get("/audit/", {"user": "system"}).content.decode()
    assert "referral 41" in system and "1.2.840.99" not in system
    by_kind = client.get("/audit/", {"target_kind": "referral"}).content.decode()
    assert "referral 41" in by_kind and "1.2.840.99" not in by_kind
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    later = client.get("/audit/", {"date_from": tomorrow, "date_to": ""}).content.decode()
    assert "1.2.840.99" not in later and "No event matches" in later


def test_bad_filters_answer_400(make_user) -> None:
    client = client_of(make_user(Role.ADMIN))
    assert client.get("/audit/", {"date_from": "2026-02-01", "date_to": "2026-01-01"}).status_code == 400
    assert client.get("/audit/", {"date_from": "yesterday"}).status_code == 400


def test_the_page_is_paginated_and_keeps_the_filters(make_user) -> None:
    for number in range(101):
        record_event(actor=None, action=AuditAction.VIEW, target_kind="study", target_id=number)
    html = client_of(make_user(Role.ADMIN)).get("/audit/", {"target_kind": "study"}).content.decode()
    assert "page 1 of 2" in html and "?target_kind=study&amp;page=2" in html
