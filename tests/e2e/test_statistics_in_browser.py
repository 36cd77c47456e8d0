"""The department lead's statistics dashboard in Chromium: the charts are drawn, not just placed."""

from __future__ import annotations

from pathlib import Path

import pytest

from studies.roles import Role
from tests.conftest import PASSWORD
from tests.statistics.cohort import build_cohort

# For each canvas: how many of its pixels are painted (alpha > 0); a blank canvas has none.
PAINTED_PIXELS = """
() => Array.from(document.querySelectorAll('figure.chart canvas')).map((canvas) => {
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
  return painted;
})
"""


@pytest.mark.django_db(transaction=True)
def test_lead_sees_the_dashboard_with_charts(live_server, page, make_user, screenshot_dir: Path) -> None:
    build_cohort()
    lead = make_user(Role.DEPARTMENT_LEAD)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/?next=/department/")
    page.fill("#id_username", lead.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/department/")
    page.click("#open-statistics")
    page.wait_for_url(f"{live_server.url}/department/statistics/")
    assert page.locator("h1").inner_text() == "Department statistics"

    page.wait_for_selector("figure[data-chart=flowchart] svg")
    page.wait_for_selector("figure[data-chart=fp-reasons] canvas")
    flow = page.locator("figure[data-chart=flowchart] svg")
    assert flow.locator("rect").count() >= 8
    assert "CT series collected: 11" in flow.inner_html()
    assert "True positive: 2" in flow.inner_html()
    box = flow.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 200

    painted = page.evaluate(PAINTED_PIXELS)
    assert len(painted) == 4  # PPV, non-reported rates, false-positive reasons, grades over time
    assert all(count > 500 for count in painted), painted
    # Every chart has a text alternative with the MedCalc text.
    label = page.locator("figure[data-chart=ppv] canvas").get_attribute("aria-label") or ""
    assert "Overall 66.7 % (95 % CI 9.4–99.2 %)" in label
    assert page.locator("#ppv-table").inner_text().count("66.7 % (95 % CI 9.4–99.2 %)") == 1
    assert errors == []
    page.screenshot(path=str(screenshot_dir / "statistics.png"), full_page=True)
