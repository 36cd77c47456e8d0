from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import PASSWORD


@pytest.mark.django_db
def test_login_with_the_form_then_logout(make_user) -> None:
    from studies.roles import Role

    user = make_user(Role.RADIOLOGIST)
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/?next=/radiology/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/accounts/login/",
        {
            "username": user.username,
            "password": PASSWORD,
            "next": "/radiology/",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/radiology/"
    assert client.get("/radiology/").status_code == 200

    token = client.cookies["csrftoken"].value
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.get("/radiology/").status_code == 302


@pytest.mark.django_db
def test_wrong_password_is_refused(make_user) -> None:
    user = make_user(None)
    response = Client().post("/accounts/login/", {"username": user.username, "password": "wrong"})
    assert response.status_code == 200
    assert b"didn't match" in response.content


@pytest.mark.django_db
def test_login_refuses_an_open_redirect(make_user) -> None:
    user = make_user(None)
    response = Client().post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
