"""Input and output serializers of the audit trail (studies.api.audit and the /audit/ page)."""

from __future__ import annotations

from datetime import date
from typing import Any

from rest_framework import serializers

from studies.models import AuditAction, AuditEvent
from studies.selectors.audit import AuditFilters


class AuditQuerySerializer(serializers.Serializer):
    """The filters as query parameters; absent or blank means "any"."""

    user = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text='a username, or "system"'
    )
    action = serializers.ChoiceField(choices=AuditAction.choices, required=False, allow_blank=True)
    target_kind = serializers.CharField(required=False, allow_blank=True, max_length=32)
    target_id = serializers.CharField(required=False, allow_blank=True, max_length=128)
    date_from = serializers.DateField(required=False, allow_null=True)
    date_to = serializers.DateField(required=False, allow_null=True)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        # An HTML form sends empty dates; read them as "any".
        cleaned = {key: value for key, value in data.items() if not (key.startswith("date_") and value == "")}
        return super().to_internal_value(cleaned)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start: date | None = attrs.get("date_from")
        end: date | None = attrs.get("date_to")
        if start is not None and end is not None and start > end:
            raise serializers.ValidationError({"date_to": "must not be before date_from"})
        return attrs

    def filters(self) -> AuditFilters:
        data = self.validated_data
        return AuditFilters(
            username=data.get("user", "").strip(),
            action=data.get("action", ""),
            target_kind=data.get("target_kind", "").strip(),
            target_id=data.get("target_id", "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class AuditEventOutputSerializer(serializers.ModelSerializer):
    actor = serializers.IntegerField(source="actor_id", allow_null=True)

    class Meta:
        model = AuditEvent
        fields = (
            "id",
            "at",
            "actor",
            "actor_username",
            "roles",
            "ip_address",
            "user_agent",
            "action",
            "target_kind",
            "target_id",
            "method",
            "route",
            "route_kwargs",
            "path",
            "status_code",
        )
        read_only_fields = fields
