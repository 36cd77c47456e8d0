"""Django's ``flush``, able to empty the append-only audit table on SQLite.

Emptying the whole database is not rewriting the audit trail, but SQLite's flush is a row-by-row
DELETE that the append-only trigger refuses. The trigger is lifted for the flush alone and put
back whatever happens. PostgreSQL flushes with TRUNCATE, which fires no row trigger.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

_TRIGGERS = importlib.import_module("studies.migrations.0007_audit_event")


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        tables = connection.introspection.table_names()
        if connection.vendor != "sqlite" or "studies_auditevent" not in tables:
            super().handle(**options)
            return
        with connection.cursor() as cursor:
            for statement in _TRIGGERS.SQLITE_DROP:
                cursor.execute(statement)
        try:
            super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                for statement in _TRIGGERS.SQLITE_TRIGGERS:
                    cursor.execute(statement)
