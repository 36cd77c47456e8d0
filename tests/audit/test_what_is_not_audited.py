"""Only patient-data routes write events: not sign-in, aggregates, static files or unknown paths.
A route nobody classified is still recorded (and the classification test fails)."""

from __future__ import annotations

import pytest

from studies import audit_routes
from studies.models import AuditEvent
from studies.roles import Role
from tests.audit.conftest import client_of, only_event

pytestmark = pytest.mark.django_db


def test_pages_without_patient_data_write_nothing(make_user) -> None:
    lead = client_of(make_user(Role.DEPARTMENT_LEAD))
    for path in (
        "/api/v1/me/",
        "/department/",
        "/department/statistics/",
        "/static/missing.css",
        "/nowhere/",
    ):
        lead.get(path)
    assert not AuditEvent.objects.exists()


def test_an_unclassified_route_is_recorded_all_the_same(make_user, monkeypatch) -> None:
    monkeypatch.delitem(audit_routes.PATIENT_DATA_ROUTES, "study-list")
    assert client_of(make_user(Role.RADIOLOGIST)).get("/studies/").status_code == 200
    assert only_event(route="study-list").target_kind == "unclassified"
