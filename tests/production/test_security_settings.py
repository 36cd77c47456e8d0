"""The HTTPS settings from the environment: production defaults, development defaults, bad values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.production.environment import production_environment, run_python

_PRINT = (
    "import json; from vcfweb import settings as s; print(json.dumps({name: getattr(s, name) for name in ("
    "'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', "
    "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', 'SECURE_PROXY_SSL_HEADER', "
    "'SILENCED_SYSTEM_CHECKS', 'X_FRAME_OPTIONS')}))"
)


def _load(tmp_path: Path, **variables: str) -> dict:
    result = run_python(production_environment(tmp_path, **variables), "-c", _PRINT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _refused(tmp_path: Path, **variables: str) -> str:
    result = run_python(production_environment(tmp_path, **variables), "-c", _PRINT)
    assert result.returncode != 0, f"settings accepted {variables}"
    assert "EnvError" in result.stderr
    return result.stderr


def test_production_defaults_are_https_only(tmp_path: Path) -> None:
    values = _load(tmp_path)
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is False and values["SILENCED_SYSTEM_CHECKS"] == ["security.W021"]
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["X_FRAME_OPTIONS"] == "DENY"


def test_development_over_plain_http_keeps_working(tmp_path: Path) -> None:
    """scripts/demo.sh runs with DEBUG=1 over http://127.0.0.1: no redirect, no Secure cookies, no HSTS."""
    values = _load(tmp_path, DEBUG="1")
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False and values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False


def test_each_choice_can_be_set(tmp_path: Path) -> None:
    values = _load(
        tmp_path,
        SECURE_SSL_REDIRECT="no",
        SECURE_COOKIES="off",
        SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
        SECURE_HSTS_PRELOAD="yes",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
    )
    assert values["SECURE_SSL_REDIRECT"] is False and values["SESSION_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 3600 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_HSTS_PRELOAD"] is True and values["SILENCED_SYSTEM_CHECKS"] == []
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SECURE_SSL_REDIRECT", "maybe", "SECURE_SSL_REDIRECT='maybe' is not a boolean"),
        ("SECURE_COOKIES", "sometimes", "SECURE_COOKIES='sometimes' is not a boolean"),
        ("SECURE_HSTS_SECONDS", "a year", "SECURE_HSTS_SECONDS='a year' is not an integer"),
        ("SECURE_HSTS_SECONDS", "-1", "SECURE_HSTS_SECONDS=-1 is below the minimum"),
        ("SECURE_HSTS_INCLUDE_SUBDOMAINS", "2", "SECURE_HSTS_INCLUDE_SUBDOMAINS='2' is not a boolean"),
        ("SECURE_HSTS_PRELOAD", "please", "SECURE_HSTS_PRELOAD='please' is not a boolean"),
        ("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https", "is not a header name"),
        ("SECURE_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO", "is not a header name"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    stderr = _refused(tmp_path, **{variable: value})
    assert message in stderr and variable in stderr
