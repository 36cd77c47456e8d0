"""The Cornerstone3D viewer in real headless Chromium, on a phantom analysed by the real pipeline."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inference.pipeline.analyzer import Analyzer
from studies.models import Analysis, FindingCorrection, VertebraFinding, VertebraLevel
from studies.roles import Role
from tests.conftest import PASSWORD
from tests.e2e.viewer_case import ViewerCase, store_and_analyse, write_viewer_case

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
READY = "#vcf-viewer[data-state='ready']"


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> ViewerCase:
    return write_viewer_case(tmp_path_factory.mktemp("viewer-case"))


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(device="cpu")


@pytest.fixture
def analysis(case: ViewerCase, analyzer: Analyzer) -> Analysis:
    return store_and_analyse(case, analyzer)


def open_viewer(page, live_server, user, analysis: Analysis) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next=/analyses/{analysis.pk}/viewer/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(READY, timeout=60_000)


def image_statistics(png: bytes) -> tuple[float, int]:
    """Standard deviation and number of distinct grey levels of a screenshot."""
    grey = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)
    return float(grey.std()), len(np.unique(grey))


def settled_box(page, locator) -> dict:
    """The element's box once the views stopped moving (after a click re-centres them)."""
    previous = None
    for _ in range(50):
        box = locator.bounding_box()
        if box is not None and box == previous:
            return box
        previous = box
        page.wait_for_timeout(100)
    raise AssertionError(f"{locator} never settled (last box {previous})")


def camera(page, name: str) -> dict:
    return page.evaluate(f"window.vcfViewer.camera('{name}')")


def test_viewer_paints_the_images_and_the_measured_l1(
    live_server, page, make_user, analysis: Analysis, case: ViewerCase, screenshot_dir: Path
) -> None:
    open_viewer(page, live_server, make_user(Role.RADIOLOGIST), analysis)
    page.screenshot(path=str(screenshot_dir / "viewer-l1-grade3.png"))

    page.uncheck("#toggle-overlays")
    for name in ("sagittal", "axial"):
        std, levels = image_statistics(page.locator(f"#viewport-{name}").screenshot())
        assert std > 10 and levels > 30, f"{name} viewport looks blank (std {std:.1f}, {levels} levels)"
    page.check("#toggle-overlays")

    row = page.locator("#vertebra-panel tr[data-label='L1']")
    assert row.get_attribute("data-grade") == "3"
    shown_vhl = float(row.locator("td.vhl").inner_text().replace("%", "").strip())
    assert abs(shown_vhl - case.truth_vhl["L1"]) <= 4.0
    page.locator("#vertebra-panel tr[data-label='L1']").click()
    label = page.locator("#viewport-sagittal g.vertebra[data-label='L1'][data-grade='3'] text.vertebra-label")
    assert label.count() >= 1 and "L1" in (label.first.text_content() or "")
    assert page.locator("#viewport-sagittal circle.landmark[data-label='L1']").count() == 6
    page.screenshot(path=str(screenshot_dir / "viewer-l1-focused.png"))

    # L1 is fractured, so its density is not measured; L2's ellipse shows on the axial view.
    l2 = VertebraFinding.objects.get(analysis=analysis, level=VertebraLevel.L2)
    assert l2.mean_hu is not None and l2.hu_roi is not None
    page.locator("#vertebra-panel tr[data-label='L2']").click()
    page.wait_for_selector("#viewport-axial .hu-roi")
    assert f"{l2.mean_hu:.0f}" in (
        page.locator("#viewport-axial text.hu-roi-label").first.text_content() or ""
    )
    page.screenshot(path=str(screenshot_dir / "viewer-l2-hu-ellipse.png"))


def test_clicking_a_vertebra_centres_both_views_on_it(
    live_server, page, make_user, analysis: Analysis, screenshot_dir: Path
) -> None:
    open_viewer(page, live_server, make_user(Role.RADIOLOGIST), analysis)
    t10 = VertebraFinding.objects.get(analysis=analysis, level=VertebraLevel.T10)
    page.locator("#vertebra-panel tr[data-label='L3']").click()
    before = camera(page, "axial")["focalPoint"]
    page.locator("#vertebra-panel tr[data-label='T10']").click()
    page.wait_for_timeout(300)
    axial, sagittal = camera(page, "axial")["focalPoint"], camera(page, "sagittal")["focalPoint"]
    assert abs(axial[2] - before[2]) > 20
    assert axial[2] == pytest.approx(t10.centroid_z_mm, abs=2.0)
    assert sagittal[0] == pytest.approx(t10.centroid_x_mm, abs=2.0)
    assert sagittal[2] == pytest.approx(t10.centroid_z_mm, abs=2.0)
    page.screenshot(path=str(screenshot_dir / "viewer-t10-focused.png"))


def test_dragging_a_landmark_stores_a_correction_with_a_new_vhl(
    live_server, page, make_user, analysis: Analysis, screenshot_dir: Path
) -> None:
    reader = make_user(Role.RADIOLOGIST)
    open_viewer(page, live_server, reader, analysis)
    l1 = VertebraFinding.objects.get(analysis=analysis, level=VertebraLevel.L1)
    page.locator("#vertebra-panel tr[data-label='L1']").click()
    point = settled_box(
        page,
        page.locator("#viewport-sagittal circle.landmark[data-label='L1'][data-name='anterior_superior']"),
    )
    x, y = point["x"] + point["width"] / 2, point["y"] + point["height"] / 2
    with page.expect_response(lambda r: "/corrections/" in r.url and r.request.method == "POST") as answer:
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x, y - 12, steps=6)
        page.mouse.move(x, y - 25, steps=6)
        page.mouse.up()
    assert answer.value.status == 201, answer.value.text()

    correction = FindingCorrection.objects.get(finding=l1)
    assert correction.author == reader
    assert correction.height_loss_pct != pytest.approx(l1.height_loss_pct, abs=0.5)
    assert correction.height_anterior_mm > l1.height_anterior_mm  # the anterior edge was dragged up
    l1.refresh_from_db()
    assert l1.latest_correction_id == correction.pk and l1.height_loss_pct is not None
    row = page.locator("#vertebra-panel tr[data-label='L1']")
    page.wait_for_function(
        "(expected) => document.querySelector(\"#vertebra-panel tr[data-label='L1'] td.vhl\").innerText"
        ".startsWith(expected)",
        arg=f"{correction.height_loss_pct:.1f}",
    )
    assert row.get_attribute("data-grade") == str(correction.grade)
    page.screenshot(path=str(screenshot_dir / "viewer-l1-corrected.png"))


def test_leaving_the_viewer_releases_everything_it_held(
    live_server, page, make_user, analysis: Analysis
) -> None:
    open_viewer(page, live_server, make_user(Role.RADIOLOGIST), analysis)
    page.wait_for_selector("#vcf-viewer[data-volume-loaded-ms]", timeout=60_000)
    held = page.evaluate("window.vcfViewer.resources()")
    assert held["renderingEngines"] == 1 and held["volumes"] == 1 and held["cachedBytes"] > 0
    assert held["toolGroups"] >= 1 and held["canvases"] >= 1

    released = page.evaluate("() => { const api = window.vcfViewer; api.destroy(); return api.resources(); }")
    assert released == {"renderingEngines": 0, "toolGroups": 0, "volumes": 0, "cachedBytes": 0, "canvases": 0}
    assert page.evaluate("window.vcfViewer === undefined")
    assert page.locator("#vcf-viewer").get_attribute("data-state") is None
    # Leaving the page tears it down too (pagehide): a second analysis opens in a clean viewer.
    page.goto(f"{live_server.url}/analyses/{analysis.pk}/viewer/")
    page.wait_for_selector(READY, timeout=60_000)
    assert page.evaluate("window.vcfViewer.resources().renderingEngines") == 1
