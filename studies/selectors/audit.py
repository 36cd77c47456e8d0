"""Read side of the audit trail: the admins' filtered, newest-first list of events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from studies.models import AuditEvent

SYSTEM_ACTOR = "system"  # the "user" filter value for changes made by no person


@dataclass(frozen=True)
class AuditFilters:
    username: str = ""
    action: str = ""
    target_kind: str = ""
    target_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events(*, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Events matching every given filter, newest first; one query, no joins (names are copied)."""
    events = AuditEvent.objects.order_by("-at", "-pk")
    if filters.username == SYSTEM_ACTOR:
        events = events.filter(actor__isnull=True)
    elif filters.username:
        events = events.filter(actor_username=filters.username)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.target_kind:
        events = events.filter(target_kind=filters.target_kind)
    if filters.target_id:
        events = events.filter(target_id=filters.target_id)
    if filters.date_from is not None:
        events = events.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to is not None:
        events = events.filter(at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return events


def target_kinds() -> list[str]:
    """The kinds of target present in the trail, for the page's filter."""
    return sorted(AuditEvent.objects.order_by().values_list("target_kind", flat=True).distinct())
