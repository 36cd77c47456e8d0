from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from studies.services.pacs import ensure_pull_schedule
from studies.services.referral_schedule import ensure_overdue_schedule


class Command(BaseCommand):
    help = (
        'Create or update the task queue\'s schedules: "pacs-pull" runs every minute and pulls the '
        'PACS connections that are due; "referrals-overdue" runs daily and announces referrals '
        "waiting too long to interventional radiology. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        schedule, created = ensure_pull_schedule()
        verb = "created" if created else "up to date"
        self.stdout.write(
            f"Schedule {schedule.name!r} {verb}: {schedule.func} every {schedule.minutes} minute(s)"
        )
        overdue, created = ensure_overdue_schedule()
        verb = "created" if created else "up to date"
        self.stdout.write(f"Schedule {overdue.name!r} {verb}: {overdue.func} daily")
