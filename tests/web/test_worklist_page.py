"""The worklist page: severity order, filters with their counts, pagination, constant queries, roles."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from studies.roles import Role
from studies.services.reviews import start_read

pytestmark = pytest.mark.django_db
URL = "/radiology/worklist/"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def row_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr data-review-id="(\d+)"', html)]


def option_text(html: str, select: str, value: str) -> str:
    found = re.search(rf'<select id="f-{select}" name="{select}">(.*?)</select>', html, re.S)
    assert found, f"no {select} select"
    option = re.search(rf'<option value="{value}"(?: selected)?>([^<]*)</option>', found.group(1))
    assert option, f"no option {value!r} in {select}"
    return option.group(1)


def test_most_severe_first_then_the_oldest_study(make_review, people) -> None:
    g1 = make_review(grade=1, study_date=date(2024, 1, 1))
    g3_recent = make_review(grade=3, study_date=date(2025, 3, 1))
    g3_old = make_review(grade=3, study_date=date(2024, 6, 1))
    g2 = make_review(grade=2, study_date=date(2023, 1, 1))
    audit = make_review(grade=0, study_date=date(2020, 1, 1))
    html = client_of(people["junior"]).get(URL).content.decode()
    assert row_ids(html) == [g3_old.pk, g3_recent.pk, g2.pk, g1.pk, audit.pk]


def test_a_row_shows_what_the_reader_needs(make_review, people) -> None:
    review = make_review(grade=3, study_date=date(2025, 1, 1), uncertain=True, new=True)
    start_read(review_id=review.pk, reader=people["junior"])
    html = client_of(people["senior"]).get(URL).content.decode()
    row = re.search(rf'<tr data-review-id="{review.pk}".*?</tr>', html, re.S).group(0)  # type: ignore[union-attr]
    patient = review.analysis.series.study.patient.pseudo_id
    assert '<span class="grade-badge grade-3">3</span>' in row
    assert "2025-01-01" in row and "days ago" in row and patient in row
    assert ">L1</span>" in row and "tag-uncertain" in row and "tag-new" in row and "tag-audit" not in row
    assert "Reading (junior)" in row and f'href="/reviews/{review.pk}/"' in row


def test_filters_narrow_the_list_and_each_option_shows_its_count(make_review, people) -> None:
    g3 = make_review(grade=3, study_date=date(2025, 1, 10), uncertain=True, new=True)
    g3b = make_review(grade=3, study_date=date(2024, 5, 1), known=True)
    g2 = make_review(grade=2, study_date=date(2025, 2, 1))
    audit = make_review(grade=0, study_date=date(2025, 2, 2))
    start_read(review_id=g3b.pk, reader=people["junior"])
    client = client_of(people["junior"])

    html = client.get(URL).content.decode()
    assert option_text(html, "grade", "3") == "Grade 3 (2)"
    assert option_text(html, "grade", "2") == "Grade 2 (1)"
    assert option_text(html, "grade", "") == "Any grade (4)"
    assert option_text(html, "state", "unread") == "Unread (3)"
    assert option_text(html, "state", "reading") == "Reading (1)"
    assert option_text(html, "uncertain", "yes") == "Uncertain (1)"
    assert option_text(html, "novelty", "new") == "New fracture (1)"
    assert option_text(html, "novelty", "known") == "Known fracture (1)"
    assert option_text(html, "kind", "audit") == "Audit of negatives (1)"
    assert option_text(html, "kind", "flagged") == "Flagged by the tool (3)"
    assert option_text(html, "reader", "me") == "Me (1)"

    def ids(**params: str) -> set[int]:
        return set(row_ids(client.get(URL, params).content.decode()))

    assert ids(grade="3") == {g3.pk, g3b.pk}
    assert ids(grade="0") == {audit.pk}
    assert ids(state="reading") == {g3b.pk}
    assert ids(state="unread") == {g3.pk, g2.pk, audit.pk}
    assert ids(reader="me") == {g3b.pk}
    assert ids(reader=str(people["senior"].pk)) == set()
    assert ids(date_from="2025-01-01", date_to="2025-02-01") == {g3.pk, g2.pk}
    assert ids(uncertain="yes") == {g3.pk}
    assert ids(uncertain="no") == {g3b.pk, g2.pk, audit.pk}
    assert ids(novelty="new") == {g3.pk}
    assert ids(novelty="known") == {g3b.pk}
    assert ids(kind="audit") == {audit.pk}
    assert ids(kind="flagged") == {g3.pk, g3b.pk, g2.pk}
    assert ids(grade="3", state="unread") == {g3.pk}

    # The counts follow the reader and kind filters: with "me" only my case counts.
    mine = client.get(URL, {"reader": "me"}).content.decode()
    assert option_text(mine, "grade", "3") == "Grade 3 (1)"
    assert 'value="me" selected' in mine


def test_bad_filter_values_are_ignored_with_a_message(make_review, people) -> None:
    review = make_review(grade=3)
    response = client_of(people["junior"]).get(
        URL, {"grade": "7", "state": "lost", "date_from": "yesterday", "reader": "99999", "kind": "audit"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("grade", "state", "from date", "reader"):
        assert f"Ignored the {name} filter" in html
    assert row_ids(html) == []  # the valid filter (audit) still applies
    html = client_of(people["junior"]).get(URL, {"date_from": "2025-03-01", "date_to": "2025-01-01"}).content
    assert b"Ignored the date range" in html and row_ids(html.decode()) == [review.pk]


def test_pages_of_25_keep_the_filters(make_review, people) -> None:
    for _ in range(27):
        make_review(grade=3)
    make_review(grade=2)
    client = client_of(people["junior"])
    first = client.get(URL, {"grade": "3"}).content.decode()
    assert len(row_ids(first)) == 25 and "27 cases" in first
    assert 'href="?grade=3&amp;page=2"' in first
    second = client.get(URL, {"grade": "3", "page": "2"}).content.decode()
    assert len(row_ids(second)) == 2 and 'href="?grade=3&amp;page=1"' in second
    assert len(row_ids(client.get(URL, {"grade": "3", "page": "nonsense"}).content.decode())) == 25


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_list(make_review, people) -> None:
    client = client_of(people["junior"])
    for grade in (3, 2, 1):
        review = make_review(grade=grade)
    start_read(review_id=review.pk, reader=people["junior"])
    few = _queries(client)
    for index in range(27):
        review = make_review(grade=(1, 2, 3)[index % 3], uncertain=index % 2 == 0)
        if index % 4 == 0:
            start_read(review_id=review.pk, reader=people["senior"])
    assert _queries(client) == few


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.RADIOLOGIST, 200),
        (Role.SENIOR_RADIOLOGIST, 200),
        (Role.DEPARTMENT_LEAD, 200),
        (Role.INTERVENTIONAL_RADIOLOGIST, 403),
        (Role.ADMIN, 403),
        (None, 403),
    ],
)
def test_who_may_open_the_worklist(client_for, make_review, role, status: int) -> None:
    make_review(grade=3)
    response = client_for(role).get(URL)
    assert response.status_code == status
    if role is Role.DEPARTMENT_LEAD:
        assert b"Read-only" in response.content


def test_anonymous_visitors_are_sent_to_log_in() -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_radiologists_reach_the_worklist_from_navigation_and_home(client_for) -> None:
    html = client_for(Role.RADIOLOGIST).get("/radiology/").content.decode()
    assert f'<a href="{URL}">Worklist</a>' in html and 'id="open-worklist"' in html
    worklist = client_for(Role.RADIOLOGIST).get(URL).content.decode()
    assert f'<a href="{URL}" aria-current="page">Worklist</a>' in worklist
    assert '<a href="/radiology/">Radiology</a>' in worklist  # only the closest link is current


def test_department_leads_find_the_worklist_on_their_home(client_for) -> None:
    html = client_for(Role.DEPARTMENT_LEAD).get("/department/").content.decode()
    assert f'id="open-worklist" href="{URL}"' in html
