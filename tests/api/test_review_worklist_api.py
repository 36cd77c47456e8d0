"""GET /api/v1/reviews/: the worklist with its filters as query parameters, paginated, with counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.pagination import PageNumberPagination

from studies.models import Study
from studies.roles import Role
from studies.services.reviews import open_review, start_read
from tests.review.cases import FALSE_L1, TRUE_L1, double_read

pytestmark = pytest.mark.django_db

ANTERIOR_FOR_GRADE = {0: 25.0, 1: 19.0, 2: 17.0, 3: 12.0}


@pytest.fixture
def case(make_column):
    def make(grade: int = 3, day: date = date(2024, 1, 1)):
        column = make_column(l1_anterior=ANTERIOR_FOR_GRADE[grade])
        Study.objects.filter(series__analyses=column.analysis).update(study_date=day)
        review = open_review(analysis_id=column.analysis.pk)
        assert review is not None
        return review

    return make


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@override_settings(VCF_AUDIT_NEGATIVE_PERCENT=100)
def test_worklist_order_items_and_counts(case, readers) -> None:
    mild = case(1, date(2024, 1, 1))
    severe_new = case(3, date(2024, 3, 1))
    severe_old = case(3, date(2024, 2, 1))
    audit = case(0, date(2023, 1, 1))
    start_read(review_id=severe_old.pk, reader=readers["junior"])
    body = client_of(readers["senior"]).get("/api/v1/reviews/").json()
    assert body["count"] == 4 and body["next"] is None
    assert [item["id"] for item in body["results"]] == [severe_old.pk, severe_new.pk, mild.pk, audit.pk]
    first = body["results"][0]
    assert first["state"] == "reading" and first["status"] == "open" and first["max_grade"] == 3
    assert first["first_reader"]["username"] == "junior" and first["second_reader"] is None
    assert first["study_date"] == "2024-02-01" and first["reason"] == "flagged"
    assert first["uncertain"] is False and first["decision"] == "" and first["reads_agreed"] is None
    assert body["results"][3]["reason"] == "audit" and body["results"][3]["state"] == "unread"
    assert body["counts"]["all"] == 4 and body["counts"]["grade_3"] == 2 and body["counts"]["audit"] == 1
    assert body["counts"]["state_reading"] == 1 and body["counts"]["state_unread"] == 3


@override_settings(VCF_AUDIT_NEGATIVE_PERCENT=100)
def test_filters_as_query_parameters(case, readers) -> None:
    severe = case(3, date(2024, 1, 1))
    moderate = case(2, date(2024, 2, 1))
    consensus = case(3, date(2024, 3, 1))
    audit = case(0, date(2024, 4, 1))
    double_read(consensus, (readers["junior"], TRUE_L1), (readers["senior"], FALSE_L1))
    start_read(review_id=moderate.pk, reader=readers["senior"])
    junior = client_of(readers["junior"])

    def ids(query: str) -> list[int]:
        response = junior.get(f"/api/v1/reviews/?{query}")
        assert response.status_code == 200, response.json()
        return [item["id"] for item in response.json()["results"]]

    assert ids("grade=3") == [severe.pk, consensus.pk]
    assert ids("grade=0") == [audit.pk]
    assert ids("state=consensus") == [consensus.pk]
    assert ids("state=unread") == [severe.pk, audit.pk]
    assert ids("reader=me") == [consensus.pk]
    assert ids(f"reader={readers['senior'].pk}") == [consensus.pk, moderate.pk]
    assert ids("date_from=2024-02-01&date_to=2024-03-31") == [consensus.pk, moderate.pk]
    assert ids("audit=true") == [audit.pk]
    assert ids("audit=false") == [severe.pk, consensus.pk, moderate.pk]
    assert ids("uncertain=true") == []
    assert ids("uncertain=false&grade=2") == [moderate.pk]
    assert ids("novelty=new") == [] and ids("novelty=known") == []
    # Counts follow the reader and kind filters only.
    counts = junior.get("/api/v1/reviews/?reader=me&state=closed").json()["counts"]
    assert counts["all"] == 1 and counts["state_consensus"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("grade=4", "grade"),
        ("grade=three", "grade"),
        ("state=finished", "state"),
        ("reader=somebody", "reader"),
        ("date_from=yesterday", "date_from"),
        ("date_to=2024-13-01", "date_to"),
        ("date_from=2024-03-01&date_to=2024-02-01", "date_to"),
        ("uncertain=maybe", "uncertain"),
        ("novelty=old", "novelty"),
        ("audit=perhaps", "audit"),
    ],
)
def test_invalid_filters_are_400_by_field(case, client_for, query: str, field: str) -> None:
    case()
    response = client_for(Role.RADIOLOGIST).get(f"/api/v1/reviews/?{query}")
    assert response.status_code == 400 and field in response.json()


def test_department_lead_sees_the_worklist(case, client_for) -> None:
    review = case()
    body = client_for(Role.DEPARTMENT_LEAD).get("/api/v1/reviews/?reader=me").json()
    assert body["count"] == 0 and body["counts"]["all"] == 0
    assert client_for(Role.DEPARTMENT_LEAD).get("/api/v1/reviews/").json()["results"][0]["id"] == review.pk


def test_worklist_is_paginated(case, client_for, monkeypatch) -> None:
    made = [case(3, date(2024, 1, day)).pk for day in range(1, 4)]
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)
    client = client_for(Role.RADIOLOGIST)
    first = client.get("/api/v1/reviews/").json()
    assert set(first) == {"count", "next", "previous", "results", "counts"}
    assert first["count"] == 3 and [item["id"] for item in first["results"]] == made[:2]
    second = client.get(first["next"]).json()
    assert [item["id"] for item in second["results"]] == made[2:] and second["counts"]["all"] == 3
    assert client.get("/api/v1/reviews/?page=9").status_code == 404


def test_worklist_uses_a_constant_number_of_queries(case, readers) -> None:
    client = client_of(readers["junior"])

    def queries_for(total: int) -> int:
        while len(existing) < total:
            review = case(3 - len(existing) % 3, date(2024, 1, 1 + len(existing) % 28))
            if len(existing) % 2:
                start_read(review_id=review.pk, reader=readers["senior"])
            existing.append(review)
        with CaptureQueriesContext(connection) as context:
            response = client.get("/api/v1/reviews/?audit=false")
        assert response.status_code == 200 and response.json()["count"] == total
        return len(context.captured_queries)

    existing: list = []
    few = queries_for(3)
    many = queries_for(30)
    # session, user, 2 × permissions, count, page, counts; the audit trail's roles and INSERT
    assert few == many == 9
