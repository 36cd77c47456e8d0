"""The daily "referrals-overdue" schedule and its task."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from studies import tasks
from studies.models import Referral

pytestmark = pytest.mark.django_db


def test_setup_schedules_creates_one_daily_overdue_schedule_and_repairs_it() -> None:
    out = StringIO()
    call_command("setup_schedules", stdout=out)
    assert "'referrals-overdue' created: studies.tasks.notify_overdue_referrals daily" in out.getvalue()
    schedule = Schedule.objects.get(name="referrals-overdue")
    assert (schedule.func, schedule.schedule_type, schedule.repeats) == (
        "studies.tasks.notify_overdue_referrals",
        Schedule.DAILY,
        -1,
    )
    Schedule.objects.filter(pk=schedule.pk).update(schedule_type=Schedule.HOURLY, func="elsewhere.task")
    Schedule.objects.create(name="referrals-overdue", func="x.y", schedule_type=Schedule.DAILY)
    out = StringIO()
    call_command("setup_schedules", stdout=out)
    assert "'referrals-overdue' up to date" in out.getvalue()
    [again] = Schedule.objects.filter(name="referrals-overdue")
    assert again.pk == schedule.pk
    assert (again.func, again.schedule_type) == ("studies.tasks.notify_overdue_referrals", Schedule.DAILY)
    assert Schedule.objects.filter(name="pacs-pull").count() == 1


def test_the_task_announces_overdue_referrals(grade3_referral, ir_doctors, mailoutbox) -> None:
    referral = grade3_referral()
    Referral.objects.filter(pk=referral.pk).update(created_at=timezone.now() - timedelta(days=20))
    assert tasks.notify_overdue_referrals() == "1 overdue referral(s) announced"
    assert tasks.notify_overdue_referrals() == "0 overdue referral(s) announced"
    assert len(mailoutbox) == 1
