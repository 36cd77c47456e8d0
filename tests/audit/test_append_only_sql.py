"""Below the ORM, the database's trigger refuses UPDATE and DELETE on the audit table."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from studies.models import AuditAction, AuditEvent
from studies.services.audit import record_event

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table


@pytest.fixture
def event() -> AuditEvent:
    return record_event(actor=None, action=AuditAction.VIEW, target_kind="study", target_id="1.2.3")


def _run(sql: str, params: list[object]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_raw_update_is_refused(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"):
        _run(f"UPDATE {TABLE} SET target_id = %s WHERE id = %s", ["forged", event.pk])
    assert AuditEvent.objects.get(pk=event.pk).target_id == "1.2.3"


def test_raw_delete_is_refused(event: AuditEvent) -> None:
    with pytest.raises(DatabaseError, match="append-only"):
        _run(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _run(f"DELETE FROM {TABLE}", [])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_raw_insert_is_allowed(event: AuditEvent) -> None:
    before = AuditEvent.objects.count()
    record_event(actor=None, action=AuditAction.CHANGE, target_kind="referral", target_id=7)
    assert AuditEvent.objects.count() == before + 1
