"""The trail in the Django admin: administrators look; nobody adds, edits or deletes."""

from __future__ import annotations

import pytest

from studies.models import AuditAction, AuditEvent
from studies.roles import Role
from studies.services.audit import record_event
from tests.audit.conftest import client_of

pytestmark = pytest.mark.django_db

BASE = "/admin/studies/auditevent/"


def test_administrators_read_it_only(make_user) -> None:
    event = record_event(actor=None, action=AuditAction.VIEW, target_kind="study", target_id="9.9")
    client = client_of(make_user(Role.ADMIN))
    assert client.get(BASE).status_code == 200
    page = client.get(f"{BASE}{event.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get(f"{BASE}add/").status_code == 403
    assert client.post(f"{BASE}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"{BASE}{event.pk}/change/", {"target_id": "forged"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).target_id == "9.9"


def test_other_staff_without_the_permission_are_refused(make_user) -> None:
    user = make_user(Role.RADIOLOGIST)
    user.is_staff = True
    user.save()
    assert client_of(user).get(BASE).status_code == 403
