"""A grade-3 referral in real Chromium: two IR doctors assess blind, decide, schedule and treat."""

from __future__ import annotations

from pathlib import Path

import pytest

from studies.models import Referral, ReferralEvent, ReferralStatus, ReviewStatus, User
from studies.roles import Role
from studies.services.reviews import DecisionInput, open_review
from tests.e2e.test_review_in_browser import log_in, log_out
from tests.review.cases import double_read

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
L1_GRADE_3 = [DecisionInput(level="L1", is_fracture=True, grade=3, reported=False)]


@pytest.fixture
def referral(make_column, make_user) -> Referral:
    column = make_column(l1_anterior=12.0)
    review = open_review(analysis_id=column.analysis.pk)
    assert review is not None
    double_read(
        review,
        (make_user(Role.RADIOLOGIST, username="reader"), L1_GRADE_3),
        (make_user(Role.SENIOR_RADIOLOGIST, username="senior-reader"), L1_GRADE_3),
    )
    assert review.status == ReviewStatus.CLOSED
    return Referral.objects.get(fractures__outcome__review=review)  # made automatically on close


def ir_doctor(make_user, username: str, years: int) -> User:
    user = make_user(Role.INTERVENTIONAL_RADIOLOGIST, username=username)
    User.objects.filter(pk=user.pk).update(ir_experience_years=years)
    return user


def test_two_ir_doctors_take_a_referral_to_treatment(
    page, live_server, referral, make_user, screenshot_dir: Path
) -> None:
    first, second = ir_doctor(make_user, "ir-anna", 14), ir_doctor(make_user, "ir-ben", 4)
    detail = f"/referrals/{referral.pk}/"

    log_in(page, live_server, first, "/ir/referrals/")
    assert page.locator(".mainnav .nav-badge").inner_text() == "1"
    row = page.locator(f"tr[data-referral-id='{referral.pk}']")
    assert row.locator("td").nth(2).inner_text() == "L1" and "0/2" in row.inner_text()
    assert row.locator("a.open-viewer").get_attribute("href").endswith("/viewer/")
    page.screenshot(path=str(screenshot_dir / "referral-queue.png"), full_page=True)
    row.locator("a.open-referral").click()
    page.wait_for_url(f"{live_server.url}{detail}")
    assert page.locator("#referral-status").inner_text() == "New"
    page.check("input[name=eligibility][value=yes]")
    page.fill("#a-reasons", "Fresh oedema, painful")
    page.screenshot(path=str(screenshot_dir / "referral-assess.png"), full_page=True)
    page.click("#submit-assessment")
    page.wait_for_selector("text=Your assessment is saved")
    assert page.locator("#referral-status").inner_text() == "In assessment"
    assert page.locator(".mainnav .nav-badge").count() == 0
    log_out(page, live_server)

    log_in(page, live_server, second, detail)
    assert page.locator("[data-assessor='ir-anna']").count() == 0  # blind
    page.check("input[name=eligibility][value=yes]")
    page.check("input[name=contraindications][value=other]")
    page.fill("#a-comment", "Check coagulation first")
    page.click("#submit-assessment")
    page.wait_for_selector("text=Your assessment is saved")
    assert page.locator("[data-assessor='ir-anna']").is_visible()
    assert "14 years of IR experience" in page.locator("#assessments").inner_text()
    assert "agree" in page.locator("#agreement").inner_text()
    page.screenshot(path=str(screenshot_dir / "referral-both-in.png"), full_page=True)
    page.check("#decide-form input[name=eligible][value=yes]")
    page.fill("#d-note", "Book for next week")
    page.click("#record-decision")
    page.wait_for_selector("text=Decision recorded: Eligible")
    page.click("button.step-button[data-to=scheduled]")
    page.wait_for_selector("text=Referral is now scheduled")
    page.click("button.step-button[data-to=treated]")
    page.wait_for_selector("text=Referral is now treated")
    assert page.locator("button.step-button").count() == 0
    page.screenshot(path=str(screenshot_dir / "referral-treated.png"), full_page=True)

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.TREATED and referral.decided_by == second
    trail = list(
        ReferralEvent.objects.filter(referral=referral).values_list("action", "actor__username", "to_status")
    )
    assert trail == [
        ("created", None, "new"),
        ("fracture_joined", None, ""),
        ("assessed", "ir-anna", ""),
        ("moved", "ir-anna", "in_assessment"),
        ("assessed", "ir-ben", ""),
        ("decided", "ir-ben", "eligible"),
        ("moved", "ir-ben", "scheduled"),
        ("moved", "ir-ben", "treated"),
    ]
    assert "Scheduled → Treated" in page.locator("#trail").inner_text()
