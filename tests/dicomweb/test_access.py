"""Who may use DICOMweb: session or token, with studies.view_study; the status of every refusal."""

from __future__ import annotations

import pytest
from django.test import Client

from studies.roles import Role


@pytest.fixture
def series_url(make_study) -> str:
    study = make_study()
    series = study.series.first()
    return f"/dicomweb/studies/{study.study_instance_uid}/series/{series.series_instance_uid}/metadata"


URLS = [
    "/dicomweb/studies",
    "/dicomweb/series",
    "/dicomweb/instances",
    "/dicomweb/studies/1.2.3/metadata",
    "/dicomweb/studies/1.2.3/series/1.2.4/instances/1.2.5/frames/1",
    "/dicomweb/studies/1.2.3/series/1.2.4/instances/1.2.5/bulkdata/7FE00010",
    "/dicomweb/studies/1.2.3",
]


@pytest.mark.parametrize("url", URLS)
def test_anonymous_is_401_with_a_token_challenge(db, url) -> None:
    response = Client().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Token realm="dicomweb"'


def test_unknown_token_is_401(db) -> None:
    response = Client().get("/dicomweb/studies", HTTP_AUTHORIZATION="Token not-a-key")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Token realm="dicomweb"'


def test_inactive_user_token_is_401(token_for) -> None:
    from rest_framework.authtoken.models import Token

    key = token_for(Role.RADIOLOGIST)
    user = Token.objects.get(key=key).user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert Client().get("/dicomweb/studies", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


@pytest.mark.parametrize("role", [None])
def test_user_without_permission_is_403(client_for, token_for, role) -> None:
    assert client_for(role).get("/dicomweb/studies").status_code == 403
    assert Client().get("/dicomweb/studies", HTTP_AUTHORIZATION=f"Token {token_for(role)}").status_code == 403


@pytest.mark.parametrize("role", [Role.RADIOLOGIST, Role.DEPARTMENT_LEAD, Role.INTERVENTIONAL_RADIOLOGIST])
def test_roles_that_read_studies_get_in_by_session_and_by_token(client_for, token_for, role) -> None:
    assert client_for(role).get("/dicomweb/studies").status_code == 200
    assert Client().get("/dicomweb/studies", HTTP_AUTHORIZATION=f"Token {token_for(role)}").status_code == 200


def test_only_get_and_head(client_for, series_url) -> None:
    client = client_for(Role.RADIOLOGIST)
    for method in ("post", "put", "delete", "patch"):
        response = getattr(client, method)(series_url)
        assert response.status_code == 405, method
        assert response["Allow"] == "GET, HEAD"
    assert client.head("/dicomweb/studies").status_code == 200


def test_vary_and_cache_control(client_for) -> None:
    response = client_for(Role.RADIOLOGIST).get("/dicomweb/studies")
    vary = {v.strip() for v in response["Vary"].split(",")}
    assert {"Accept", "Accept-Encoding", "Authorization", "Cookie"} <= vary
    assert response["Cache-Control"].startswith("private")


@pytest.mark.parametrize(
    "url",
    [
        "/dicomweb/studies/1.2.3/metadata",
        "/dicomweb/studies/1.2.3/series/1.2.4/metadata",
        "/dicomweb/studies/1.2.3/series/1.2.4/instances/1.2.5/metadata",
        "/dicomweb/studies/1.2.3/series/1.2.4/instances/1.2.5/frames/1",
        "/dicomweb/studies/1.2.3",
    ],
)
def test_unknown_uids_are_404(client_for, url) -> None:
    response = client_for(Role.RADIOLOGIST).get(url)
    assert response.status_code == 404
    assert "1.2.3" in response.json()["detail"]


def test_unknown_series_of_a_stored_study_is_404(client_for, make_study) -> None:
    study = make_study()
    url = f"/dicomweb/studies/{study.study_instance_uid}/series/1.2.999/metadata"
    assert client_for(Role.RADIOLOGIST).get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/dicomweb/studies/1.2.abc/metadata",
        "/dicomweb/studies/1.2.3/series/01.2/metadata",
        "/dicomweb/studies/1.2.3/series/1.2.4/instances/1..5/frames/1",
        "/dicomweb/studies/1.2.3/series/1.2.4/instances/1.2.5/bulkdata/7FE0",
        f"/dicomweb/studies/1.{'2' * 70}",
    ],
)
def test_invalid_uids_are_400(client_for, url) -> None:
    assert client_for(Role.RADIOLOGIST).get(url).status_code == 400
