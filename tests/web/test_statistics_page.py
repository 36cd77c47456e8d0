"""The statistics dashboard and its API (issue 9): roles, filter handling, and that both agree."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.test import Client

from studies.models import User
from studies.roles import Role
from tests.statistics.cohort import build_cohort

pytestmark = pytest.mark.django_db
PAGE = "/department/statistics/"
API = "/api/v1/statistics/"


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def lead(make_user) -> User:
    return make_user(Role.DEPARTMENT_LEAD)


def embedded(page_html: str) -> dict:
    found = re.search(r'<script id="stats-data" type="application/json">(.*?)</script>', page_html, re.S)
    assert found, "the page embeds no stats-data"
    return json.loads(found.group(1))


def row_cells(page_html: str, table_id: str) -> dict[str, list[str]]:
    table = re.search(rf'<table class="table" id="{table_id}">(.*?)</table>', page_html, re.S)
    assert table, f"no table {table_id}"
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S):
        head = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        if head:
            cells = [
                html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            ]
            rows[html.unescape(head.group(1))] = cells
    return rows


# ------------------------------------------------------------------ roles


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.DEPARTMENT_LEAD, 200),
        (Role.RADIOLOGIST, 403),
        (Role.SENIOR_RADIOLOGIST, 403),
        (Role.INTERVENTIONAL_RADIOLOGIST, 403),
        (Role.ADMIN, 200),
        (None, 403),
    ],
)
def test_page_and_api_by_role(make_user, role: Role | None, expected: int) -> None:
    client = client_of(make_user(role))
    assert client.get(PAGE).status_code == expected
    assert client.get(API).status_code == expected


def test_superuser_sees_page_and_api() -> None:
    admin = User.objects.create_superuser(username="root", password="x-Secret-1234")
    client = client_of(admin)
    assert client.get(PAGE).status_code == 200
    assert client.get(API).status_code == 200


def test_anonymous_is_sent_to_login_and_refused_by_the_api() -> None:
    client = Client()
    page = client.get(PAGE)
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert client.get(API).status_code == 401


def test_lead_navigation_and_department_page_link_to_the_dashboard(lead) -> None:
    body = client_of(lead).get("/department/").content.decode()
    assert f'href="{PAGE}"' in body
    assert 'id="open-statistics"' in body
    nav = re.search(r'<nav class="mainnav".*?</nav>', body, re.S)
    assert nav and ">Statistics</a>" in nav.group(0)


# ------------------------------------------------------------------ page and API agree


def test_page_shows_the_api_figures(lead) -> None:
    build_cohort()
    client = client_of(lead)
    api = client.get(API).json()
    body = client.get(PAGE).content.decode()

    assert embedded(body) == api
    ppv = row_cells(body, "ppv-table")
    assert api["ppv_per_case"]["overall"]["text"] == "66.7 % (95 % CI 9.4–99.2 %)"
    for label, key in (("Overall", "overall"), ("Grade 1–2", "grade_1_2"), ("Grade 3", "grade_3")):
        case, vertebra = api["ppv_per_case"][key], api["ppv_per_vertebra"][key]
        assert ppv[label] == [
            f"{case['text']} ({case['k']}/{case['n']})",
            f"{vertebra['text']} ({vertebra['k']}/{vertebra['n']})",
        ]

    flow = row_cells(body, "flowchart-table")
    assert flow["CT series collected"] == ["11"]
    assert flow["Excluded by the protocol filter"] == ["2"]
    assert flow["Slices too thick"] == ["1"] and flow["Not CT"] == ["1"]
    assert flow["Reconstruction kernel not supported"] == ["1"]
    assert "Not axial" not in flow  # reasons nobody failed are left out
    assert flow["True positive"] == ["2"] and flow["False positive"] == ["1"]

    non_reported = row_cells(body, "non-reported-table")
    assert non_reported["Previously known"][1].startswith(
        api["non_reported_per_vertebra"]["previously_known"]["text"]
    )
    assert non_reported["No prior imaging"][0] == "–"

    cohort = row_cells(body, "cohort-table")
    assert cohort["Cases"] == ["4", "2", "1", "1"]
    assert cohort["L1 attenuation, HU, mean ± SD"] == [
        "133.3 ± 30.6 (3)",
        "120.0 ± 28.3 (2)",
        "140.0 ± – (1)",
        "100.0 ± – (1)",
    ]
    assert cohort["Women, %"] == ["66.7 % (3)", "50.0 % (2)", "0.0 % (1)", "100.0 % (1)"]
    assert cohort["Prior vertebroplasty, %"] == ["0.0 % (1)", "0.0 % (1)", "– (0)", "0.0 % (1)"]

    audit = row_cells(body, "audit-table")
    assert audit["Sensitivity"] == [api["audit"]["sensitivity"]["text"]]
    points = row_cells(body, "operating-points-table")
    assert points["≥ 25 %"] == ["2", "100.0 % (95 % CI 15.8–100.0 %)", "2", "100.0 % (95 % CI 15.8–100.0 %)"]
    assert 'data-chart="ppv"' in body and 'id="stats-data"' in body


def test_filters_apply_to_page_and_api_alike(lead) -> None:
    build_cohort()
    client = client_of(lead)
    query = {"date_from": "2025-02-01", "date_to": "2025-02-28", "scanner": "siemens", "cancer_site": "lung"}
    api = client.get(API, query).json()
    assert api["filter"] == query
    page = client.get(PAGE, query)
    assert page.status_code == 200
    assert embedded(page.content.decode()) == api
    # Only A3 (SIEMENS, lung, 2025-02-20, false positive) is left of the flagged cases.
    assert api["flowchart"]["reviewed"] == 1
    assert api["ppv_per_case"]["overall"]["text"] == "0.0 % (95 % CI 0.0–97.5 %)"
    assert '<option value="lung" selected>' in page.content.decode()


def test_empty_form_fields_mean_any(lead) -> None:
    build_cohort()
    client = client_of(lead)
    blank = {"date_from": "", "date_to": "", "scanner": "", "cancer_site": ""}
    assert client.get(API, blank).json() == client.get(API).json()
    assert client.get(PAGE, blank).status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date_from": "2025-13-01"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"date_from": "2025-03-01", "date_to": "2025-02-01"}, "date_to"),
        ({"cancer_site": "spleen"}, "cancer_site"),
        ({"scanner": "x" * 201}, "scanner"),
    ],
)
def test_invalid_filters_are_refused(lead, query: dict[str, str], field: str) -> None:
    client = client_of(lead)
    api = client.get(API, query)
    assert api.status_code == 400
    assert field in api.json()
    page = client.get(PAGE, query)
    assert page.status_code == 400
    body = page.content.decode()
    assert 'id="filter-errors"' in body and f"<li>{field}:" in body
    assert 'id="stats-data"' not in body


def test_the_dashboard_links_its_exports_with_the_same_filter(client_for) -> None:
    from studies.roles import Role

    client = client_for(Role.DEPARTMENT_LEAD)
    html = client.get("/department/statistics/?date_from=2020-01-01").content.decode()
    assert 'href="/department/statistics/export.xlsx?date_from=2020-01-01"' in html
    assert 'href="/department/statistics/export.csv?date_from=2020-01-01&amp;table=vertebrae"' in html
    response = client.get("/department/statistics/export.csv?date_from=2020-01-01&table=vertebrae")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert client.get("/department/statistics/export.xlsx").status_code == 200
    assert client_for(Role.RADIOLOGIST).get("/department/statistics/export.xlsx").status_code == 403
