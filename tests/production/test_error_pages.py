"""With DEBUG off the site answers errors with its own pages: no traceback, settings or details."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from studies.roles import Role
from tests.production.error_urls import FAILURE_DETAIL

pytestmark = pytest.mark.django_db

_DEBUG_MARKERS = ("Traceback", FAILURE_DETAIL, "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "Request information")


def _failing_client(make_user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(make_user(Role.RADIOLOGIST))
    return client


@pytest.mark.urls("tests.production.error_urls")
def test_a_server_error_shows_our_page_without_any_detail(make_user) -> None:
    assert settings.DEBUG is False
    response = _failing_client(make_user).get("/test-failure/")
    assert response.status_code == 500
    body = response.content.decode()
    assert 'data-error="500"' in body and "Something went wrong" in body
    assert [marker for marker in _DEBUG_MARKERS if marker in body] == []
    assert settings.SECRET_KEY not in body


@pytest.mark.urls("tests.production.error_urls")
def test_with_debug_on_the_same_failure_would_show_the_details(make_user, settings) -> None:
    """The markers above are what Django's debug page shows: the test above can fail."""
    settings.DEBUG = True
    body = _failing_client(make_user).get("/test-failure/").content.decode()
    assert "Traceback" in body and FAILURE_DETAIL in body


def test_a_missing_page_shows_our_404(client_for) -> None:
    response = client_for(Role.RADIOLOGIST).get("/no/such/page/")
    assert response.status_code == 404
    assert response.templates[0].name == "404.html"
    body = response.content.decode()
    assert 'data-error="404"' in body and "Page not found" in body
    assert "Using the URLconf" not in body  # Django's debug 404 lists the URL patterns


def test_a_missing_study_shows_our_404_without_the_reason(client_for) -> None:
    response = client_for(Role.RADIOLOGIST).get("/studies/1.2.3.999/")
    assert response.status_code == 404 and 'data-error="404"' in response.content.decode()
    assert "No study with this" not in response.content.decode()


def test_a_forbidden_page_shows_our_403(client_for) -> None:
    response = client_for(None).get("/studies/")
    assert response.status_code == 403
    assert 'data-error="403"' in response.content.decode()


def test_a_bad_host_shows_our_400(client_for) -> None:
    response = client_for(Role.RADIOLOGIST).get("/", headers={"host": "attacker.example"})
    assert response.status_code == 400
    assert 'data-error="400"' in response.content.decode()
