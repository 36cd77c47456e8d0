from __future__ import annotations

from pathlib import Path

import pytest

from vcfweb import env


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("TRUE", True), ("on", True), ("0", False), ("no", False)]
)
def test_bool_accepts_common_spellings(raw: str, expected: bool) -> None:
    assert env.get_bool("DEBUG", default=not expected, environ={"DEBUG": raw}) is expected


@pytest.mark.parametrize("raw", ["maybe", "2", "ja", "tru"])
def test_bool_rejects_anything_else(raw: str) -> None:
    with pytest.raises(env.EnvError, match="DEBUG"):
        env.get_bool("DEBUG", default=False, environ={"DEBUG": raw})


def test_bool_default_when_unset_or_empty() -> None:
    assert env.get_bool("DEBUG", default=True, environ={}) is True
    assert env.get_bool("DEBUG", default=False, environ={"DEBUG": ""}) is False


def test_int_bounds_and_garbage() -> None:
    assert env.get_int("N", default=3, minimum=1, environ={"N": " 7 "}) == 7
    with pytest.raises(env.EnvError, match="not an integer"):
        env.get_int("N", default=3, environ={"N": "seven"})
    with pytest.raises(env.EnvError, match="below the minimum"):
        env.get_int("N", default=3, minimum=1, environ={"N": "0"})
    with pytest.raises(env.EnvError, match="above the maximum"):
        env.get_int("N", default=3, maximum=5, environ={"N": "6"})


def test_list_rejects_empty_entries() -> None:
    assert env.get_list("H", default=[], environ={"H": "a.example, b.example"}) == ["a.example", "b.example"]
    with pytest.raises(env.EnvError, match="empty entry"):
        env.get_list("H", default=[], environ={"H": "a.example,,b.example"})


def test_directory_must_be_absolute_and_not_a_file(tmp_path: Path) -> None:
    assert env.get_directory("D", default=tmp_path, environ={}) == tmp_path
    with pytest.raises(env.EnvError, match="absolute"):
        env.get_directory("D", default=tmp_path, environ={"D": "relative/dir"})
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(env.EnvError, match="not a directory"):
        env.get_directory("D", default=tmp_path, environ={"D": str(a_file)})


def test_sqlite_url_relative_and_absolute(tmp_path: Path) -> None:
    (tmp_path / "var").mkdir()
    relative = env.parse_database_url("sqlite:///var/db.sqlite3", base_dir=tmp_path)
    assert relative["NAME"] == tmp_path / "var" / "db.sqlite3"
    assert "journal_mode=WAL" in relative["OPTIONS"]["init_command"]
    assert relative["OPTIONS"]["timeout"] >= 5
    assert relative["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    absolute = env.parse_database_url(f"sqlite:///{tmp_path}/x.sqlite3", base_dir=Path("/nowhere"))
    assert absolute["NAME"] == tmp_path / "x.sqlite3"


def test_sqlite_url_errors(tmp_path: Path) -> None:
    with pytest.raises(env.EnvError, match="no file path"):
        env.parse_database_url("sqlite://", base_dir=tmp_path)
    with pytest.raises(env.EnvError, match="does not exist"):
        env.parse_database_url("sqlite:///missing/db.sqlite3", base_dir=tmp_path)
    with pytest.raises(env.EnvError, match="directory"):
        env.parse_database_url(f"sqlite:///{tmp_path}", base_dir=tmp_path)


def test_postgres_url_full() -> None:
    db = env.parse_database_url(
        "postgres://vcf:p%40ss@db.example:6432/vcf_prod?sslmode=require&conn_max_age=60", base_dir=Path("/")
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "vcf_prod",
        "vcf",
        "p@ss",
        "db.example",
        "6432",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}
    assert db["CONN_MAX_AGE"] == 60
    assert db["CONN_HEALTH_CHECKS"] is True


def test_postgres_url_unix_socket() -> None:
    db = env.parse_database_url("postgresql:///vcf?host=/run/postgresql", base_dir=Path("/"))
    assert db["HOST"] == "/run/postgresql"
    assert db["PORT"] == ""


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/db", "unsupported scheme"),
        ("postgres://u@h:5432/", "no database name"),
        ("postgres://u@h:99999/db", "invalid port"),
        ("postgres://u@h/db?sslmod=require", "unknown option 'sslmod'"),
        ("postgres://u@h/db?conn_max_age=soon", "conn_max_age"),
        ("not a url", "unsupported scheme"),
    ],
)
def test_bad_database_urls_fail_loudly(url: str, message: str) -> None:
    with pytest.raises(env.EnvError, match=message):
        env.parse_database_url(url, base_dir=Path("/"))


@pytest.mark.parametrize(
    "url", ["redis://127.0.0.1:6379/0", "rediss://cache.example:6380", "unix:///run/redis.sock"]
)
def test_redis_urls_accepted(url: str) -> None:
    assert env.parse_redis_url(url) == url


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:6379", "redis://", "redis://host:notaport", "127.0.0.1:6379"]
)
def test_redis_urls_rejected(url: str) -> None:
    with pytest.raises(env.EnvError, match="REDIS_URL"):
        env.parse_redis_url(url)
