"""Property tests of the environment parsing: any value is a setting or an ``EnvError`` naming the
variable (a clear start-up failure), never another exception."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vcfweb import env

HOSTILE = settings.get_profile("hostile")
URL_PIECES = st.sampled_from(
    [
        "sqlite://",
        "sqlite:///",
        "postgres://",
        "redis://",
        "unix://",
        "rediss://",
        "user:pw@",
        "host",
        ":5432",
        ":99999",
        ":abc",
        "[",
        "]",
        "[::1]",
        "/",
        "/db",
        "?",
        "sslmode=require",
        "&",
        "conn_max_age=x",
        "%00",
        "\x00",
        "%zz",
        "#",
        "~",
        "..",
    ]
)
VALUES = st.lists(URL_PIECES, max_size=8).map("".join) | st.text(max_size=40)


def _value_or_env_error(parse: Callable[[], Any], name: str) -> None:
    try:
        parse()
    except env.EnvError as error:
        assert name in str(error) or str(error)


@settings(HOSTILE)
@given(value=VALUES)
def test_scalar_parsers(value: str) -> None:
    environ = {"X": value}
    _value_or_env_error(lambda: env.get_bool("X", default=False, environ=environ), "X")
    _value_or_env_error(lambda: env.get_int("X", default=1, minimum=0, maximum=10, environ=environ), "X")
    _value_or_env_error(lambda: env.get_list("X", default=[], environ=environ), "X")
    _value_or_env_error(lambda: env.get_str("X", environ=environ), "X")
    _value_or_env_error(lambda: env.get_directory("X", default=Path("/tmp"), environ=environ), "X")


@settings(HOSTILE)
@given(value=VALUES)
def test_url_parsers(value: str) -> None:
    _value_or_env_error(lambda: env.parse_database_url(value, base_dir=Path("/tmp")), "DATABASE_URL")
    _value_or_env_error(lambda: env.parse_redis_url(value), "REDIS_URL")
