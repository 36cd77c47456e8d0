"""django-q2 schedules kept exactly once by name, so setting them up again changes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django_q.models import Schedule


def ensure_schedule(*, name: str, wanted: dict[str, Any]) -> tuple[Schedule, bool]:
    """Create or update the one schedule called ``name`` with the ``wanted`` fields; extra copies are
    removed. Returns it and whether it was created."""
    from django_q.models import Schedule

    existing = list(Schedule.objects.filter(name=name).order_by("id"))
    if not existing:
        return Schedule.objects.create(name=name, **wanted), True
    schedule, *extra = existing
    Schedule.objects.filter(pk__in=[s.pk for s in extra]).delete()
    changed = [field for field, value in wanted.items() if getattr(schedule, field) != value]
    for field in changed:
        setattr(schedule, field, wanted[field])
    if changed:
        schedule.save(update_fields=changed)
    return schedule, False
