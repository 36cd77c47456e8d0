"""The daily "referrals-overdue" schedule: referrals waiting too long are announced to IR once each."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_q.models import Schedule

OVERDUE_SCHEDULE_NAME = "referrals-overdue"
OVERDUE_SCHEDULE_TASK = "studies.tasks.notify_overdue_referrals"


def ensure_overdue_schedule() -> tuple[Schedule, bool]:
    """Create or update the one "referrals-overdue" schedule (daily). Returns it and whether it was
    created; extra copies are removed, so running this again changes nothing."""
    from django_q.models import Schedule

    wanted = {"func": OVERDUE_SCHEDULE_TASK, "schedule_type": Schedule.DAILY, "repeats": -1}
    existing = list(Schedule.objects.filter(name=OVERDUE_SCHEDULE_NAME).order_by("id"))
    if not existing:
        return Schedule.objects.create(name=OVERDUE_SCHEDULE_NAME, **wanted), True
    schedule, *extra = existing
    Schedule.objects.filter(pk__in=[s.pk for s in extra]).delete()
    changed = [name for name, value in wanted.items() if getattr(schedule, name) != value]
    for name in changed:
        setattr(schedule, name, wanted[name])
    if changed:
        schedule.save(update_fields=changed)
    return schedule, False
