"""Demo referrals: the grade-3 referrals taken through the IR stages by the demo IR doctors."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from studies.models import Referral, ReferralAssessment, ReferralEvent, ReferralStatus, Study, User
from studies.roles import Role, roles_of
from studies.services.demo_referrals import PLAN, DemoReferralError, advance_demo_referrals
from studies.services.reviews import open_review
from studies.services.roles import create_demo_users
from tests.review.cases import TRUE_L1, double_read

pytestmark = pytest.mark.django_db


@pytest.fixture
def referrals(make_column) -> list[Referral]:
    """Seven grade-3 fractures confirmed by the demo radiologists: seven automatic referrals."""
    create_demo_users(password="demo-password-123")
    junior, senior = User.objects.get(username="radiologist"), User.objects.get(username="senior_radiologist")
    made = []
    for day in range(1, 8):
        column = make_column(l1_anterior=12.0)
        Study.objects.filter(series__analyses=column.analysis).update(study_date=date(2023, 10, day))
        review = open_review(analysis_id=column.analysis.pk)
        assert review is not None
        double_read(review, (junior, TRUE_L1), (senior, TRUE_L1))
        referral = Referral.objects.get(fractures__outcome__review=review)
        # Creation order decides the plan; make it unambiguous.
        Referral.objects.filter(pk=referral.pk).update(created_at=timezone.now() - timedelta(days=30 - day))
        made.append(referral)
    return made


def snapshot() -> tuple[object, ...]:
    return (
        sorted(Referral.objects.values_list("pk", "status", "version", "final_eligibility")),
        sorted(ReferralAssessment.objects.values_list("pk", "referral_id", "assessor__username")),
        ReferralEvent.objects.count(),
        User.objects.count(),
    )


def test_the_referrals_end_up_in_every_stage(referrals) -> None:
    report = advance_demo_referrals()
    assert report.referrals == 7 and not report.skipped
    statuses = [Referral.objects.get(pk=r.pk).status for r in referrals]
    assert statuses == [*PLAN, ReferralStatus.NEW]
    assert set(statuses) == {"new", "in_assessment", "eligible", "scheduled", "treated", "not_eligible"}
    in_assessment = referrals[0]
    assert list(
        ReferralAssessment.objects.filter(referral=in_assessment).values_list("assessor__username")
    ) == [("interventional_radiologist",)]
    not_eligible = Referral.objects.get(pk=referrals[4].pk)
    assert not_eligible.final_eligibility == "no"
    assert ReferralAssessment.objects.get(referral=not_eligible, eligibility="no").contraindications == [
        "posterior_wall"
    ]
    years = dict(ReferralAssessment.objects.values_list("assessor__username", "assessor_experience_years"))
    assert years == {"interventional_radiologist": 12, "interventional_radiologist2": 4}
    colleague = User.objects.get(username="interventional_radiologist2")
    assert Role.INTERVENTIONAL_RADIOLOGIST in roles_of(colleague) and not colleague.has_usable_password()


def test_running_twice_changes_nothing(referrals) -> None:
    advance_demo_referrals()
    before = snapshot()
    again = advance_demo_referrals()
    assert again.steps == [] and not again.skipped
    assert snapshot() == before


def test_a_referral_a_visitor_moved_is_left_alone(referrals) -> None:
    from studies.services.referrals import assess

    visitor = User.objects.get(username="interventional_radiologist")
    assess(referral_id=referrals[2].pk, assessor=visitor, eligibility="no", reasons="healed")
    colleague_report = advance_demo_referrals()
    # The third referral already had the first IR doctor's (negative) assessment; the plan goes on.
    assert Referral.objects.get(pk=referrals[2].pk).status == ReferralStatus.SCHEDULED
    assert not colleague_report.skipped


def test_without_the_demo_ir_user_it_refuses(make_column) -> None:
    with pytest.raises(DemoReferralError, match="setup_roles --demo"):
        advance_demo_referrals()


@override_settings(DEBUG=True)
def test_the_demo_reviews_command_takes_the_referrals_on(referrals) -> None:
    out = StringIO()
    call_command("demo_reviews", "--wait", "0", stdout=out)
    assert "Demo referrals: 7 referrals" in out.getvalue()
    assert Referral.objects.get(pk=referrals[5].pk).status == ReferralStatus.TREATED
    out = StringIO()
    call_command("demo_reviews", "--wait", "0", stdout=out)
    assert "0 steps taken now" in out.getvalue()


def test_with_few_grade_3_cases_the_demo_senior_refers_other_fractures_by_hand(make_column) -> None:
    """Two grade-2 fractures (no automatic referral): referred by hand so the IR pages are not empty."""
    from studies.models import ReferralSource
    from studies.services.reviews import DecisionInput

    create_demo_users(password="demo-password-123")
    junior, senior = User.objects.get(username="radiologist"), User.objects.get(username="senior_radiologist")
    grade_2 = [DecisionInput(level="L1", is_fracture=True, grade=2, reported=False)]
    for _ in range(2):
        column = make_column(l1_anterior=17.0)
        review = open_review(analysis_id=column.analysis.pk)
        assert review is not None
        double_read(review, (junior, grade_2), (senior, grade_2))
    assert not Referral.objects.exists()

    report = advance_demo_referrals()
    referrals = list(Referral.objects.order_by("pk"))
    assert report.referrals == 2 and len(referrals) == 2
    assert {r.source for r in referrals} == {ReferralSource.RADIOLOGIST}
    assert {r.referred_by.username for r in referrals if r.referred_by} == {"senior_radiologist"}
    assert [r.status for r in referrals] == list(PLAN[:2])
    before = snapshot()
    advance_demo_referrals()
    assert snapshot() == before
