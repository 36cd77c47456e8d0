"""`flush` (a database wiped whole, as the test runner does) still works; the trigger stays on."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection

from studies.models import AuditAction, AuditEvent
from studies.services.audit import record_event

pytestmark = pytest.mark.django_db(transaction=True)


def test_flush_empties_the_table_and_the_trigger_refuses_deletes_after(db) -> None:
    record_event(actor=None, action=AuditAction.VIEW, target_kind="study", target_id="1")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    event = record_event(actor=None, action=AuditAction.VIEW, target_kind="study", target_id="2")
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [event.pk])
