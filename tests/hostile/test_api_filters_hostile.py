"""/api/v1/ list and statistics filters with hostile values: 4xx with a message saying what is wrong
(DRF answers a page that does not exist with 404 "Invalid page."), never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from studies.roles import Role


@pytest.fixture
def client_as(make_user):  # type: ignore[no-untyped-def]
    def make(role: Role) -> Client:
        client = Client(raise_request_exception=False)
        client.force_login(make_user(role))
        return client

    return make


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        ("/api/v1/studies/?page=abc", 404, "detail"),
        ("/api/v1/studies/?page=-1", 404, "detail"),
        ("/api/v1/studies/?page=" + "9" * 5000, 404, "detail"),
        ("/api/v1/studies/?page=99999999999999999999", 404, "detail"),
        pytest.param("/api/v1/studies/%00/", 404, "detail"),
        ("/api/v1/studies/%3Cscript%3E/", 404, "detail"),
        ("/api/v1/reviews/?date_from=2025-13-45", 400, "date_from"),
        ("/api/v1/reviews/?date_to=99999-01-01", 400, "date_to"),
        ("/api/v1/reviews/?date_from=2025-02-01&date_to=2025-01-01", 400, "date_to"),
        ("/api/v1/reviews/?page=abc", 404, "detail"),
        ("/api/v1/reviews/?page=0", 404, "detail"),
    ],
)
def test_radiologist_lists(client_as, make_study, url, status, field) -> None:
    make_study()
    response = client_as(Role.RADIOLOGIST).get(url)
    assert response.status_code == status, (url[:60], response.status_code, response.content[:200])
    assert response.json()[field]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("date_from=2025-13-45", "date_from"),
        ("date_to=2025-02-30", "date_to"),
        ("date_from=%00", "date_from"),
        ("date_from=2025-02-01&date_to=2025-01-01", "date_to"),
        ("date_from=" + "1" * 5000, "date_from"),
    ],
)
def test_statistics_filters(client_as, query, field) -> None:
    response = client_as(Role.DEPARTMENT_LEAD).get(f"/api/v1/statistics/?{query}")
    assert response.status_code == 400, (query[:60], response.content[:200])
    assert response.json()[field]


def test_unknown_parameters_are_ignored_not_fatal(client_as, make_study) -> None:
    make_study()
    radiologist, lead = client_as(Role.RADIOLOGIST), client_as(Role.DEPARTMENT_LEAD)
    assert radiologist.get("/api/v1/studies/?%00=%00&<x>=1").status_code == 200
    assert radiologist.get("/api/v1/reviews/?nonsense=1").status_code == 200
    assert lead.get("/api/v1/statistics/?nonsense=1&scanner=%3Cscript%3E").status_code == 200
