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

    from studies.services.schedules import ensure_schedule

    wanted = {"func": OVERDUE_SCHEDULE_TASK, "schedule_type": Schedule.DAILY, "repeats": -1}
    return ensure_schedule(name=OVERDUE_SCHEDULE_NAME, wanted=wanted)
