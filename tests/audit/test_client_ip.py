"""The recorded address: REMOTE_ADDR, or X-Forwarded-For only as far as VCF_TRUSTED_PROXIES says."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from studies.roles import Role
from studies.services.audit import client_ip
from tests.audit.conftest import client_of, only_event


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings) -> None:
    settings.VCF_TRUSTED_PROXIES = 0
    assert client_ip(_request("10.0.0.5", "203.0.113.7")) == "10.0.0.5"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client forged the first entry
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "203.0.113.7"),  # a shorter chain: the furthest hop known
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "not-an-address", "10.0.0.5"),
        (1, "", "10.0.0.5"),
    ],
)
def test_trusted_proxies_name_the_client(settings, proxies: int, forwarded: str, expected: str) -> None:
    settings.VCF_TRUSTED_PROXIES = proxies
    assert client_ip(_request("10.0.0.5", forwarded)) == expected


def test_an_unparseable_remote_address_is_none(settings) -> None:
    settings.VCF_TRUSTED_PROXIES = 0
    assert client_ip(_request("unix-socket")) is None


@pytest.mark.django_db
def test_the_middleware_records_the_forwarded_client(settings, make_user, make_study) -> None:
    settings.VCF_TRUSTED_PROXIES = 1
    client = client_of(make_user(Role.RADIOLOGIST), HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.44")
    assert client.get(f"/studies/{make_study().study_instance_uid}/").status_code == 200
    assert only_event(route="study").ip_address == "203.0.113.44"
