"""The audit trail: who saw or changed patient data, when, what, and from where.

Rows are append-only. The ORM refuses to update or delete them here, and a database trigger
(migration 0007) refuses it below the ORM, so raw SQL cannot rewrite the trail either.
Rows hold our own object ids and route names only, never a patient's name or identifier.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils import timezone

from studies.models.users import User

USER_AGENT_MAX_CHARS = 256
PATH_MAX_CHARS = 512
TARGET_ID_MAX_CHARS = 128
METHOD_MAX_CHARS = 8


class AppendOnlyError(RuntimeError):
    """Audit events are never changed or deleted once written."""


def _refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise AppendOnlyError("audit events are append-only")


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"
    DENIED = "denied", "Denied"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        _refuse()

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse()

    # Refused here, before Django opens the transaction it would leave broken on the way to update().
    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        _refuse()


class AuditEvent(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Null: the system (a queue task, a schedule, an automatic step) made the change.
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Copied, so that a renamed user's history still reads as it was.
    actor_username = models.CharField(max_length=150, blank=True)
    roles = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=USER_AGENT_MAX_CHARS, blank=True)
    action = models.CharField(max_length=8, choices=AuditAction.choices)
    target_kind = models.CharField(max_length=32)
    target_id = models.CharField(max_length=TARGET_ID_MAX_CHARS, blank=True)
    method = models.CharField(max_length=METHOD_MAX_CHARS, blank=True)
    route = models.CharField(max_length=100, blank=True)
    # The route's arguments (our ids and DICOM UIDs); query strings are never stored, as
    # searches carry patient names and identifiers there.
    route_kwargs = models.JSONField(default=dict, blank=True)
    path = models.CharField(max_length=PATH_MAX_CHARS, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-pk")
        default_permissions = ()  # read through studies.view_audit_log; nobody adds or edits rows
        indexes = [
            models.Index(fields=["target_kind", "target_id"], name="audit_target_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_at_idx"),
        ]

    def __str__(self) -> str:
        who = self.actor_username or "system"
        return f"{self.at:%Y-%m-%d %H:%M:%S} {who} {self.action} {self.target_kind} {self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            _refuse()
        # Always an INSERT: a new object given an existing pk must not become an UPDATE.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _refuse()
