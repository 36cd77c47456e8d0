"""The audit trail in the Django admin: read-only for holders of studies.view_audit_log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from studies.models import AuditEvent

AUDIT_PERMISSION = "studies.view_audit_log"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_username", "action", "target_kind", "target_id", "route", "status_code")
    list_filter = ("action", "target_kind")
    search_fields = ("actor_username", "target_id")
    date_hierarchy = "at"
    readonly_fields = tuple(field.name for field in AuditEvent._meta.fields)
    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(AUDIT_PERMISSION)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(AUDIT_PERMISSION)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
