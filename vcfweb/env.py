"""Typed reading of environment variables that fails loudly on bad values.

Every reader raises :class:`EnvError` naming the variable and what was wrong, so a
misconfigured deployment stops at start-up instead of misbehaving later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class EnvError(ImproperlyConfigured):
    """An environment variable holds a value the application cannot use."""


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    value = (os.environ if environ is None else environ).get(name)
    if value is None:
        return None
    return value.strip()


def get_bool(name: str, *, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise EnvError(f"{name}={value!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off.")


def get_str(name: str, *, default: str | None = None, environ: Mapping[str, str] | None = None) -> str | None:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    return value


def get_int(
    name: str,
    *,
    default: int,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise EnvError(f"{name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise EnvError(f"{name}={number} is below the minimum of {minimum}.")
    if maximum is not None and number > maximum:
        raise EnvError(f"{name}={number} is above the maximum of {maximum}.")
    return number


def get_list(name: str, *, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    value = _raw(name, environ)
    if value is None or value == "":
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(item == "" for item in items):
        raise EnvError(f"{name}={value!r} has an empty entry; separate values with single commas.")
    return items


def get_directory(name: str, *, default: Path, environ: Mapping[str, str] | None = None) -> Path:
    """A directory path; it may not exist yet, but must not be a file."""
    value = _raw(name, environ)
    path = default if value is None or value == "" else Path(value).expanduser()
    if not path.is_absolute():
        raise EnvError(f"{name}={str(path)!r} must be an absolute path.")
    if path.exists() and not path.is_dir():
        raise EnvError(f"{name}={str(path)!r} exists and is not a directory.")
    return path


_POSTGRES_SCHEMES = frozenset({"postgres", "postgresql", "pgsql"})
_POSTGRES_OPTIONS = frozenset(
    {"sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "application_name", "options"}
)


def _split_url(url: str, name: str) -> SplitResult:
    try:
        return urlsplit(url)
    except ValueError as error:  # e.g. an unclosed "[" of an IPv6 host
        raise EnvError(f"{name} is not a valid URL ({error}).") from None


def parse_database_url(url: str, *, base_dir: Path, name: str = "DATABASE_URL") -> dict[str, Any]:
    """Turn ``sqlite:///relative/or//absolute/path`` or ``postgres://…`` into a DATABASES entry.

    SQLite runs in WAL mode with a busy timeout and IMMEDIATE transactions so that the web
    server and several queue workers can write to one file without "database is locked".
    """
    parts = _split_url(url, name)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        return _sqlite_database(parts.path, base_dir=base_dir, name=name, url=url)
    if scheme in _POSTGRES_SCHEMES:
        return _postgres_database(parts, name=name, url=url)
    raise EnvError(f"{name} has unsupported scheme {parts.scheme!r}; use sqlite:/// or postgres://.")


def _sqlite_database(path_text: str, *, base_dir: Path, name: str, url: str) -> dict[str, Any]:
    # sqlite:///var/db.sqlite3 -> relative to the project; sqlite:////abs/db.sqlite3 -> absolute.
    if not path_text.startswith("/") or path_text == "/":
        raise EnvError(f"{name}={url!r} has no file path; write sqlite:///var/vcf.sqlite3.")
    relative = path_text[1:]
    db_path = Path(relative) if relative.startswith("/") else base_dir / relative
    if db_path.exists() and db_path.is_dir():
        raise EnvError(f"{name} points at directory {db_path}, not a database file.")
    if not db_path.parent.is_dir():
        raise EnvError(f"{name}: folder {db_path.parent} does not exist; create it first.")
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": db_path,
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def _postgres_database(parts: Any, *, name: str, url: str) -> dict[str, Any]:
    database = unquote(parts.path.lstrip("/"))
    if not database:
        raise EnvError(f"{name} has no database name after the host (postgres://user@host:5432/NAME).")
    try:
        port = parts.port
    except ValueError:
        raise EnvError(f"{name} has an invalid port.") from None
    options: dict[str, Any] = {}
    conn_max_age = 0
    host = unquote(parts.hostname or "")
    for key, value in parse_qsl(parts.query, keep_blank_values=True, strict_parsing=False):
        if key == "conn_max_age":
            try:
                conn_max_age = int(value)
            except ValueError:
                raise EnvError(f"{name}: conn_max_age={value!r} is not an integer.") from None
        elif key == "host":
            host = value  # a unix socket directory
        elif key in _POSTGRES_OPTIONS:
            options[key] = value
        else:
            allowed = ", ".join(sorted(_POSTGRES_OPTIONS | {"conn_max_age", "host"}))
            raise EnvError(f"{name} has unknown option {key!r}; allowed: {allowed}.")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": database,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(port) if port else "",
        "CONN_MAX_AGE": conn_max_age,
        "CONN_HEALTH_CHECKS": conn_max_age > 0,
        "OPTIONS": options,
    }


_REDIS_SCHEMES = frozenset({"redis", "rediss", "unix"})


def parse_redis_url(url: str, *, name: str = "REDIS_URL") -> str:
    parts = _split_url(url, name)
    if parts.scheme not in _REDIS_SCHEMES:
        raise EnvError(f"{name}={url!r} must start with redis://, rediss:// or unix://.")
    if parts.scheme != "unix" and not parts.hostname:
        raise EnvError(f"{name}={url!r} has no host.")
    try:
        parts.port  # noqa: B018 - evaluating the property validates the port
    except ValueError:
        raise EnvError(f"{name}={url!r} has an invalid port.") from None
    return url
