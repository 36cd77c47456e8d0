"""Demo reviews: part of the flagged cases read as the demo radiologists, deterministic, idempotent."""

from __future__ import annotations

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from studies.models import (
    Analysis,
    AnalysisStatus,
    CaseReview,
    Read,
    ReadKind,
    ReviewEvent,
    ReviewOutcome,
    ReviewStatus,
    Study,
    User,
)
from studies.roles import Role, roles_of
from studies.services.demo_reviews import Plan, review_demo_cases, wait_for_analyses
from studies.services.reviews import open_review
from studies.services.roles import create_demo_users

pytestmark = pytest.mark.django_db

ANTERIOR_FOR_GRADE = {1: 19.0, 2: 17.0, 3: 12.0}
# Eight flagged cases (grade, study day); the first one's report names its L1 fracture.
CASES = [(3, 1), (2, 2), (3, 3), (1, 4), (2, 5), (3, 6), (1, 7), (2, 8)]
REPORTED = "Bones: Moderate compression fracture of L1 with approximately 30 % loss of height."


@pytest.fixture
def cohort(make_column) -> list[CaseReview]:
    create_demo_users(password="demo-password-123")
    reviews = []
    for index, (grade, day) in enumerate(CASES):
        column = make_column(l1_anterior=ANTERIOR_FOR_GRADE[grade])
        Study.objects.filter(series__analyses=column.analysis).update(
            study_date=date(2023, 10, day), report_text=REPORTED if index == 0 else "Bones: unremarkable."
        )
        review = open_review(analysis_id=column.analysis.pk)
        assert review is not None
        reviews.append(review)
    return reviews


def snapshot() -> tuple[object, ...]:
    return (
        sorted(CaseReview.objects.values_list("pk", "status", "version", "decision", "reads_agreed")),
        sorted(Read.objects.values_list("pk", "reader__username", "kind", "version", "submitted_at")),
        ReviewEvent.objects.count(),
        ReviewOutcome.objects.count(),
        User.objects.count(),
    )


def test_a_mix_of_review_states_is_made(cohort) -> None:
    report = review_demo_cases()
    assert report.flagged == 8 and len(report.done) == 6 and not report.skipped  # a quarter stays unread
    made = Counter(plan for _, plan in report.done)
    assert made == {
        Plan.AGREED_TRUE: 2,
        Plan.AGREED_FALSE: 1,
        Plan.AWAITING_CONSENSUS: 1,
        Plan.RESOLVED: 1,
        Plan.FIRST_READ: 1,
    }
    reviews = {r.pk: r for r in CaseReview.objects.all()}
    by_plan = {plan: [reviews[pk] for pk, p in report.done if p == plan] for plan in Plan}

    for review in by_plan[Plan.AGREED_TRUE]:
        assert review.status == ReviewStatus.CLOSED and review.reads_agreed and review.decision == "tp"
        assert review.analysis.max_grade == 3  # the severest cases are the agreed fractures
    [false_flag] = by_plan[Plan.AGREED_FALSE]
    assert false_flag.decision == "fp" and false_flag.reads_agreed and false_flag.analysis.max_grade == 1
    [outcome] = ReviewOutcome.objects.filter(review=false_flag)
    assert not outcome.is_fracture and outcome.false_positive_reason == "degenerative"
    [waiting] = by_plan[Plan.AWAITING_CONSENSUS]
    assert waiting.status == ReviewStatus.CONSENSUS and waiting.reads_agreed is False
    assert not Read.objects.filter(review=waiting, kind=ReadKind.CONSENSUS).exists()
    [resolved] = by_plan[Plan.RESOLVED]
    assert resolved.status == ReviewStatus.CLOSED and resolved.reads_agreed is False
    assert Read.objects.get(review=resolved, kind=ReadKind.CONSENSUS).reader.username == "senior_radiologist"
    [half] = by_plan[Plan.FIRST_READ]
    assert half.status == ReviewStatus.OPEN and half.second_reader is None
    assert half.first_reader is not None and half.first_reader.username == "radiologist2"
    assert Read.objects.get(review=half).submitted

    unread = [r for r in reviews.values() if r.first_reader is None]
    assert len(unread) == 2 and all(r.status == ReviewStatus.OPEN for r in unread)
    usernames = set(Read.objects.values_list("reader__username", flat=True))
    assert usernames == {"radiologist", "radiologist2", "senior_radiologist"}
    assert Role.RADIOLOGIST in roles_of(User.objects.get(username="radiologist2"))
    assert not User.objects.get(username="radiologist2").has_usable_password()


def test_reported_follows_the_report_text(cohort) -> None:
    review_demo_cases()
    mentioned = cohort[0]  # grade 3, its report names the L1 fracture
    mentioned.refresh_from_db()
    assert mentioned.status == ReviewStatus.CLOSED and mentioned.fracture_reported is True
    others = CaseReview.objects.exclude(pk=mentioned.pk).filter(status=ReviewStatus.CLOSED, decision="tp")
    assert others and all(r.fracture_reported is False for r in others)


def test_running_twice_changes_nothing(cohort) -> None:
    review_demo_cases()
    before = snapshot()
    again = review_demo_cases()
    assert again.done == [] and sum(again.already.values()) == 6
    assert snapshot() == before


def test_it_is_deterministic(cohort) -> None:
    report = review_demo_cases()
    positions = {r.pk: i for i, r in enumerate(cohort)}
    # Severest first for agreed fractures; the mildest for false flags and disputes; by study date.
    assert [(positions[pk], plan) for pk, plan in report.done] == [
        (0, Plan.AGREED_TRUE),
        (3, Plan.AGREED_FALSE),
        (6, Plan.AWAITING_CONSENSUS),
        (1, Plan.RESOLVED),
        (2, Plan.FIRST_READ),
        (5, Plan.AGREED_TRUE),
    ]


def test_more_finished_cases_later_fill_the_remaining_quota(cohort, make_column) -> None:
    review_demo_cases()
    for day in (20, 21, 22, 23):
        column = make_column(l1_anterior=12.0)
        Study.objects.filter(series__analyses=column.analysis).update(study_date=date(2023, 11, day))
        open_review(analysis_id=column.analysis.pk)
    later = review_demo_cases()
    assert [plan for _, plan in later.done] == [Plan.FIRST_READ, Plan.AWAITING_CONSENSUS, Plan.AGREED_TRUE]
    assert CaseReview.objects.filter(first_reader__isnull=True).count() == 3  # 12 cases, a quarter unread


@override_settings(DEBUG=True)
def test_command_with_no_wait(cohort) -> None:
    out = StringIO()
    call_command("demo_reviews", "--wait", "0", stdout=out)
    assert "Demo reviews: 8 flagged cases, 6 reviewed now" in out.getvalue()
    before = snapshot()
    out = StringIO()
    call_command("demo_reviews", "--wait", "0", stdout=out)
    assert "0 reviewed now" in out.getvalue() and "6 already reviewed" in out.getvalue()
    assert snapshot() == before


@override_settings(DEBUG=True)
def test_command_reviews_the_finished_cases_when_the_wait_runs_out(cohort, make_column) -> None:
    pending = make_column(l1_anterior=12.0).analysis
    Analysis.objects.filter(pk=pending.pk).update(status=AnalysisStatus.QUEUED)
    out = StringIO()
    call_command("demo_reviews", "--wait", "0", stdout=out)
    assert "still pending" in out.getvalue() and "6 reviewed now" in out.getvalue()


def test_command_refuses_without_debug_or_demo_users(make_column) -> None:
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_reviews", "--wait", "0", stdout=StringIO())
    with pytest.raises(CommandError, match="setup_roles --demo"):
        call_command("demo_reviews", "--wait", "0", "--force", stdout=StringIO())


def test_waiting_polls_until_the_queue_is_empty(make_column) -> None:
    analysis = make_column(l1_anterior=12.0).analysis
    Analysis.objects.filter(pk=analysis.pk).update(status=AnalysisStatus.RUNNING)
    now = [0.0]
    seen: list[int] = []

    def sleep(seconds: float) -> None:
        now[0] += seconds
        if now[0] >= 15:  # the worker finishes during the third pause
            Analysis.objects.filter(pk=analysis.pk).update(status=AnalysisStatus.DONE)

    finished = wait_for_analyses(
        timeout_s=60, poll_s=5, progress=seen.append, sleep=sleep, clock=lambda: now[0]
    )
    assert finished and now[0] == 15 and seen == [1, 1, 1]
    Analysis.objects.filter(pk=analysis.pk).update(status=AnalysisStatus.QUEUED)
    now[0] = 100.0
    assert not wait_for_analyses(
        timeout_s=12, poll_s=5, sleep=lambda s: now.__setitem__(0, now[0] + s), clock=lambda: now[0]
    )
    assert now[0] == 112.0


def test_an_empty_site_is_not_finished() -> None:
    assert not wait_for_analyses(timeout_s=0)


def test_a_reported_fracture_is_never_the_false_flag(cohort) -> None:
    Study.objects.filter(series__analyses__review=cohort[3]).update(report_text=REPORTED)
    report = review_demo_cases()
    [false_flag] = [pk for pk, plan in report.done if plan == Plan.AGREED_FALSE]
    assert false_flag == cohort[6].pk  # the other grade-1 case, whose report is silent
