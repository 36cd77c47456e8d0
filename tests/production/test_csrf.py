"""Every state-changing request from a browser session needs the CSRF token, pages and API alike."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.views import APIView

from studies.roles import Role
from tests.web.url_walk import all_routes


def _callbacks(patterns: list, prefix: str = "") -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            found += _callbacks(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            found.append((prefix + str(entry.pattern), entry.callback))
    return found


def _csrf_client(make_user, role: Role) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(role))
    return client


def test_the_only_csrf_exempt_views_are_api_views_that_check_sessions_themselves() -> None:
    exempt = [
        (route, view)
        for route, view in _callbacks(get_resolver().url_patterns)
        if getattr(view, "csrf_exempt", False)
    ]
    assert exempt, "DRF views are always exempt from the middleware"
    for route, view in exempt:
        cls = getattr(view, "cls", None)
        assert cls is not None and issubclass(cls, APIView), f"{route} is exempt from CSRF checks"
        for authentication in cls.authentication_classes:
            # SessionAuthentication enforces CSRF itself; a token travels in a header, not a cookie.
            assert authentication in (SessionAuthentication, TokenAuthentication), (route, authentication)


def _resolvable_routes() -> list[str]:
    paths = []
    for route in all_routes():
        try:
            resolve(route.path)
        except Resolver404:
            continue
        paths.append(route.path)
    return paths


@pytest.mark.django_db
def test_a_post_without_token_is_refused_on_every_url(make_user) -> None:
    client = _csrf_client(make_user, Role.ADMIN)
    paths = _resolvable_routes()
    assert len(paths) > 50
    accepted = []
    for path in paths:
        response = client.post(path, {"anything": "1"})
        if response.status_code != 403 or b"CSRF" not in response.content:
            accepted.append((path, response.status_code))
    assert accepted == []


@pytest.mark.django_db
def test_a_page_post_with_the_token_gets_through(make_user) -> None:
    client = _csrf_client(make_user, Role.RADIOLOGIST)
    assert client.post("/accounts/logout/").status_code == 403
    client.get("/upload/")
    token = client.cookies["csrftoken"].value
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_session_api_call_needs_the_token_header(make_user) -> None:
    client = _csrf_client(make_user, Role.RADIOLOGIST)
    refused = client.post("/api/v1/uploads/", {})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    client.get("/upload/")
    token = client.cookies["csrftoken"].value
    response = client.post("/api/v1/uploads/", {}, headers={"X-CSRFToken": token})
    assert response.status_code == 400  # past the CSRF check: no files given


@pytest.mark.django_db
def test_a_token_authenticated_api_call_needs_no_csrf(make_user) -> None:
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=make_user(Role.RADIOLOGIST))
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/uploads/", {}, headers={"Authorization": f"Token {token.key}"})
    assert response.status_code == 400
