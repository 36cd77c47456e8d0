"""Double reading in real Chromium: a junior and a senior disagree on a real L1; the senior decides."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from inference.phantom import generate_phantom, write_phantom
from inference.pipeline.analyzer import Analyzer
from studies.models import (
    Analysis,
    CaseDecision,
    CaseReview,
    ReviewOutcome,
    ReviewStatus,
    Study,
    VertebraLevel,
)
from studies.roles import Role
from tests.conftest import PASSWORD
from tests.e2e.viewer_case import VIEWER_SPEC, ViewerCase, store_and_analyse, write_viewer_case

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
READY = "#vcf-viewer[data-state='ready']"
REPORT = (
    "CT chest, abdomen and pelvis for staging.\n"
    "Several hypodense liver lesions, the largest 23 mm in segment VII.\n"
    "Degenerative changes of the lumbar spine. No pleural effusion."
)


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> ViewerCase:
    return write_viewer_case(tmp_path_factory.mktemp("review-case"))


@pytest.fixture
def review(case: ViewerCase) -> CaseReview:
    analysis: Analysis = store_and_analyse(case, Analyzer(device="cpu"))
    Study.objects.filter(pk=analysis.series.study_id).update(report_text=REPORT)
    return CaseReview.objects.get(analysis=analysis)  # opened by run_analysis


def log_in(page, live_server, user, next_path: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}{next_path}")


def log_out(page, live_server) -> None:
    page.click("text=Log out")
    page.wait_for_url(f"{live_server.url}/accounts/login/")


def decide(page, label: str, *, fracture: bool, grade: int | None = None, reason: str = "") -> None:
    row = page.locator(f"fieldset.vertebra[data-label='{label}']")
    row.locator(f"input[name='v-{label}-fracture'][value='{'yes' if fracture else 'no'}']").check()
    if fracture:
        assert row.locator(".if-fracture").is_visible() and not row.locator(".if-not-fracture").is_visible()
        row.locator(f"select[name='v-{label}-grade']").select_option(str(grade))
    else:
        assert row.locator(".if-not-fracture").is_visible() and not row.locator(".if-fracture").is_visible()
        row.locator(f"select[name='v-{label}-reason']").select_option(reason)
    row.locator(f"input[name='v-{label}-reported'][value='no']").check()


def other_flagged(page) -> list[str]:
    labels = page.locator("fieldset.vertebra").evaluate_all("(rows) => rows.map((r) => r.dataset.label)")
    return [label for label in labels if label != "L1"]


def leave(page) -> None:
    """Stop the viewers' image requests before the test database goes away."""
    page.goto("about:blank")
    page.wait_for_timeout(200)


def submit(page) -> None:
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#submit-read")
    page.wait_for_selector(".messages li.success")


def test_junior_and_senior_disagree_and_the_senior_resolves(
    live_server, page, make_user, review: CaseReview, screenshot_dir: Path
) -> None:
    junior = make_user(Role.RADIOLOGIST, username="dr-junior")
    senior = make_user(Role.SENIOR_RADIOLOGIST, username="dr-senior")
    review_path = f"/reviews/{review.pk}/"

    # The junior finds the case on the worklist, most severe first.
    log_in(page, live_server, junior, "/radiology/worklist/")
    row = page.locator(f"#worklist tr[data-review-id='{review.pk}']")
    assert row.get_attribute("data-grade") == "3" and "Unread" in row.inner_text()
    assert "L1" in row.locator("td.levels").inner_text()
    page.screenshot(path=str(screenshot_dir / "review-worklist.png"), full_page=True)
    row.locator("a.open-review").click()
    page.wait_for_url(f"{live_server.url}{review_path}")
    page.wait_for_selector(READY, timeout=60_000)
    page.click("#start-read")
    page.wait_for_selector("#read-form[data-ready='true']")
    page.wait_for_selector(READY, timeout=60_000)
    assert "mark" in page.locator("#report .report-text").inner_html()  # spine sentence highlighted
    assert (
        page.locator("fieldset.vertebra[data-label='L1'] .hint").inner_text()
        == "suggested from the report text"
    )
    assert page.locator("input[name='v-L1-reported'][value='no']").is_checked()  # the report is silent
    assert page.locator("select[name='v-L1-grade']").input_value() == "3"  # the tool's grade
    others = other_flagged(page)
    decide(page, "L1", fracture=True, grade=3)
    for label in others:  # any other flag: both readers call it the same
        decide(page, label, fracture=False, reason="degenerative")
    page.click("#add-missed")
    assert page.locator("#missed-rows .missed-row").count() == 1
    page.locator("#missed-rows .remove-missed").click()
    assert page.locator("#missed-rows .missed-row").count() == 0
    page.screenshot(path=str(screenshot_dir / "review-junior-form.png"))
    submit(page)
    assert "Read submitted: True positive" in page.locator(".messages").inner_text()
    assert page.locator("#read-form").count() == 0
    log_out(page, live_server)

    # The senior reads blind: no trace of the junior's decision, then calls it a sclerotic metastasis.
    log_in(page, live_server, senior, review_path)
    page.click("#start-read")
    page.wait_for_selector("#read-form[data-ready='true']")
    assert page.locator("[data-reader='dr-junior']").count() == 0 and page.locator("#agreement").count() == 0
    decide(page, "L1", fracture=False, reason="sclerotic_metastasis")
    for label in others:
        decide(page, label, fracture=False, reason="degenerative")
    submit(page)
    assert page.locator("#review-state").inner_text() == "Awaiting consensus"
    assert page.locator("#agreement tr.disagree[data-level='L1']").count() == 1
    page.wait_for_selector(READY, timeout=60_000)
    page.screenshot(path=str(screenshot_dir / "review-awaiting-consensus.png"))

    # The senior resolves: a grade-3 fracture after all.
    page.click("#resolve-consensus")
    page.wait_for_selector("#read-form[data-ready='true']")
    assert page.locator("input[name='v-L1-fracture'][value='no']").is_checked()  # from the senior's read
    decide(page, "L1", fracture=True, grade=3)
    page.wait_for_selector(READY, timeout=60_000)
    page.screenshot(path=str(screenshot_dir / "review-consensus-form.png"))
    submit(page)
    assert page.locator("#review-state").inner_text() == "Closed: True positive"
    assert "Final outcome: True positive" in page.locator("#outcome h2").inner_text()
    page.screenshot(path=str(screenshot_dir / "review-closed.png"), full_page=True)
    leave(page)

    review.refresh_from_db()
    assert review.status == ReviewStatus.CLOSED and review.decision == CaseDecision.TRUE_POSITIVE
    assert review.reads_agreed is False and review.fracture_reported is False
    outcome = ReviewOutcome.objects.get(review=review, level=VertebraLevel.L1)
    assert outcome.is_fracture and outcome.grade == 3 and outcome.flagged and outcome.reported is False
    assert outcome.height_loss_pct is not None and outcome.height_loss_pct > 40


def test_an_earlier_study_opens_side_by_side(
    live_server, page, make_user, review: CaseReview, tmp_path: Path, screenshot_dir: Path
) -> None:
    """A second real phantom of the same patient, dated before, is listed and opens beside the current CT."""
    folder = tmp_path / "prior"
    write_phantom(generate_phantom(replace(VIEWER_SPEC, seed=12, fractures=())), folder)
    prior = store_and_analyse(ViewerCase(folder=folder, truth_vhl={}), Analyzer(device="cpu"))
    current_study = review.analysis.series.study
    Study.objects.filter(pk=prior.series.study_id).update(
        patient=current_study.patient, study_date=current_study.study_date - timedelta(days=200)
    )
    log_in(page, live_server, make_user(Role.RADIOLOGIST), f"/reviews/{review.pk}/")
    page.locator("#priors a.compare-prior").click()
    page.wait_for_url(f"{live_server.url}/reviews/{review.pk}/compare/{prior.pk}/")
    for frame in ("#current-viewer", "#prior-viewer"):
        page.frame_locator(frame).locator(READY).wait_for(timeout=60_000)
        assert page.frame_locator(frame).locator(".topbar").is_hidden()
    page.screenshot(path=str(screenshot_dir / "review-compare-prior.png"))
    leave(page)
