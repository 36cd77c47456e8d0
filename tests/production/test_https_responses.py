"""What the HTTPS settings do to real responses (the test settings run with DEBUG off)."""

from __future__ import annotations

import pytest
from django.test import Client

from studies.roles import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_session_and_csrf_cookies_are_secure_and_http_only(make_user) -> None:
    user = make_user(Role.RADIOLOGIST)
    client = Client()
    login_page = client.get("/accounts/login/")
    assert login_page.cookies["csrftoken"]["secure"] is True
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] is True and session["httponly"] is True and session["samesite"] == "Lax"


def test_https_responses_carry_hsts(client_for) -> None:
    response = client_for(Role.RADIOLOGIST).get("/radiology/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"


def test_plain_http_is_redirected_when_the_redirect_is_on(client_for, settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    response = client_for(Role.RADIOLOGIST).get("/radiology/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/radiology/"


def test_behind_a_tls_proxy_its_header_counts_as_https(client_for, settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = client_for(Role.RADIOLOGIST)
    assert client.get("/radiology/", headers={"x-forwarded-proto": "https"}).status_code == 200
    assert client.get("/radiology/", headers={"x-forwarded-proto": "http"}).status_code == 301


def test_the_embedded_viewer_may_be_framed_by_this_site_only(client_for, make_column) -> None:
    column = make_column()
    client = client_for(Role.RADIOLOGIST)
    url = f"/analyses/{column.analysis.pk}/viewer/"
    assert client.get(url)["X-Frame-Options"] == "DENY"
    assert client.get(url + "?embed=1")["X-Frame-Options"] == "SAMEORIGIN"
