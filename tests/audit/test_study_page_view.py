"""Opening a study's page leaves one "view" event: who, their roles, from where, which study."""

from __future__ import annotations

import pytest

from studies.models import AuditAction
from studies.roles import Role
from tests.audit.conftest import CLIENT_IP, client_of, only_event

pytestmark = pytest.mark.django_db


def test_a_study_page_view_is_recorded(make_user, make_study) -> None:
    user = make_user(Role.RADIOLOGIST, username="dr-view")
    study = make_study()
    assert client_of(user).get(f"/studies/{study.study_instance_uid}/?q=secret").status_code == 200
    event = only_event(route="study")
    assert event.actor == user and event.actor_username == "dr-view" and event.roles == "radiologist"
    assert event.action == AuditAction.VIEW
    assert (event.target_kind, event.target_id) == ("study", study.study_instance_uid)
    assert event.ip_address == CLIENT_IP and event.user_agent == "audit-test/1.0"
    assert (event.method, event.status_code) == ("GET", 200)
    assert event.path == f"/studies/{study.study_instance_uid}/"  # no query string
    assert event.route_kwargs == {"study_instance_uid": study.study_instance_uid}


def test_the_study_list_is_recorded_without_a_target_id(make_user, make_study) -> None:
    make_study()
    assert client_of(make_user(Role.DEPARTMENT_LEAD)).get("/studies/").status_code == 200
    event = only_event(route="study-list")
    assert (event.action, event.target_kind, event.target_id) == (AuditAction.VIEW, "study", "")
