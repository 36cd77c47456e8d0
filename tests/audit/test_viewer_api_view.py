"""The viewer API and its corrections leave one event each, with the caller and the target."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from studies.models import AuditAction
from studies.roles import Role
from tests.audit.conftest import CLIENT_IP, client_of, only_event
from tests.viewer.test_viewer_api import post_correction, viewer_url

pytestmark = pytest.mark.django_db


def test_the_viewer_api_with_a_session_is_recorded(make_user, make_column) -> None:
    user = make_user(Role.RADIOLOGIST)
    column = make_column()
    assert client_of(user).get(viewer_url(column.analysis.pk)).status_code == 200
    event = only_event(route="api-analysis-viewer")
    assert (event.actor, event.action, event.ip_address) == (user, AuditAction.VIEW, CLIENT_IP)
    assert (event.target_kind, event.target_id) == ("analysis", str(column.analysis.pk))


def test_the_viewer_api_with_a_token_names_the_token_user(make_user, make_column, client) -> None:
    user = make_user(Role.SENIOR_RADIOLOGIST)
    key = Token.objects.create(user=user).key
    column = make_column()
    response = client.get(viewer_url(column.analysis.pk), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    event = only_event(route="api-analysis-viewer")
    assert event.actor == user and event.roles == "senior_radiologist"


def test_a_finding_correction_is_recorded_as_created(make_user, make_column) -> None:
    user = make_user(Role.RADIOLOGIST)
    l1 = make_column().findings["L1"]
    assert post_correction(client_of(user), l1, anterior=14.0).status_code == 201
    event = only_event(route="api-finding-corrections")
    assert (event.actor, event.action, event.method) == (user, AuditAction.CREATE, "POST")
    assert (event.target_kind, event.target_id, event.status_code) == ("finding", str(l1.pk), 201)
