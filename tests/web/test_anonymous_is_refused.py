from __future__ import annotations

import pytest
from django.test import Client

from tests.web.url_walk import all_routes

# The only views an anonymous visitor may reach.
PUBLIC = {"login", "admin:login"}


def _protected_routes():
    routes = all_routes()
    assert len(routes) > 20, "URL walk found too few routes; the walker is broken"
    return [route for route in routes if route.name not in PUBLIC]


def test_public_allow_list_names_real_routes() -> None:
    assert {route.name for route in all_routes()} >= PUBLIC


@pytest.mark.django_db
@pytest.mark.parametrize("route", _protected_routes(), ids=lambda route: route.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_url_refuses_anonymous_users(route, method: str) -> None:
    client = Client()
    response = getattr(client, method)(route.path)
    if route.path.startswith(("/api/", "/dicomweb/")):
        assert response.status_code in (401, 403), f"{route.path} answered {response.status_code}"
    else:
        assert response.status_code == 302, f"{route.path} answered {response.status_code}"
        assert response["Location"].startswith(("/accounts/login/", "/admin/login/")), response["Location"]


@pytest.mark.django_db
def test_api_answers_401_with_a_challenge() -> None:
    response = Client().get("/api/v1/studies/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


@pytest.mark.django_db
def test_login_page_is_public() -> None:
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="password"' in response.content
