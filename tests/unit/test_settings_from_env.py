"""Settings are loaded in a fresh interpreter per case, exactly as a deployment would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 20 + "-a-long-random-production-secret-key-0123456789"
_OUR_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "VCF_DATA_DIR",
    "REDIS_URL",
    "VCF_TASK_TIMEOUT_S",
    "VCF_TASK_RETRY_S",
    "VCF_QUEUE_WORKERS",
    "LOG_LEVEL",
    "DJANGO_SETTINGS_MODULE",
)
_PRINT_SETTINGS = (
    "import json; from vcfweb import settings as s; "
    "db = s.DATABASES['default']; "
    "print(json.dumps({'debug': s.DEBUG, 'engine': db['ENGINE'], 'name': str(db['NAME']), "
    "'q': s.Q_CLUSTER, 'data_dir': str(s.VCF_DATA_DIR), 'hosts': s.ALLOWED_HOSTS}))"
)


def load_settings(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if key not in _OUR_VARIABLES}
    environ.setdefault("VCF_DATA_DIR", str(tmp_path / "data"))
    environ["DATABASE_URL"] = f"sqlite:///{tmp_path}/db.sqlite3"
    environ.update(variables)
    return subprocess.run(
        [sys.executable, "-c", _PRINT_SETTINGS],
        cwd=PROJECT_ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def loaded(tmp_path: Path, **variables: str) -> dict:
    result = load_settings(tmp_path, **variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def refused(tmp_path: Path, **variables: str) -> str:
    result = load_settings(tmp_path, **variables)
    assert result.returncode != 0, f"settings accepted {variables}"
    assert "EnvError" in result.stderr
    return result.stderr


def test_production_needs_a_secret_key(tmp_path: Path) -> None:
    assert "SECRET_KEY must be set" in refused(tmp_path, DEBUG="0", ALLOWED_HOSTS="vcf.example")


def test_production_refuses_a_weak_secret_key(tmp_path: Path) -> None:
    assert "too weak" in refused(tmp_path, DEBUG="0", SECRET_KEY="short", ALLOWED_HOSTS="vcf.example")


def test_production_needs_allowed_hosts(tmp_path: Path) -> None:
    assert "ALLOWED_HOSTS" in refused(tmp_path, DEBUG="0", SECRET_KEY=STRONG_KEY)


def test_debug_must_be_a_boolean(tmp_path: Path) -> None:
    assert "DEBUG='maybe'" in refused(tmp_path, DEBUG="maybe")


def test_bad_database_url_is_refused(tmp_path: Path) -> None:
    assert "DATABASE_URL" in refused(tmp_path, DEBUG="1", DATABASE_URL="mysql://x@y/z")


def test_data_dir_must_be_absolute(tmp_path: Path) -> None:
    assert "VCF_DATA_DIR" in refused(tmp_path, DEBUG="1", VCF_DATA_DIR="relative/path")


def test_bad_redis_url_is_refused(tmp_path: Path) -> None:
    assert "REDIS_URL" in refused(tmp_path, DEBUG="1", REDIS_URL="http://127.0.0.1:6379")


def test_task_retry_must_exceed_timeout(tmp_path: Path) -> None:
    stderr = refused(tmp_path, DEBUG="1", VCF_TASK_TIMEOUT_S="600", VCF_TASK_RETRY_S="600")
    assert "must be larger than VCF_TASK_TIMEOUT_S" in stderr


def test_worker_count_must_be_a_positive_integer(tmp_path: Path) -> None:
    assert "VCF_QUEUE_WORKERS" in refused(tmp_path, DEBUG="1", VCF_QUEUE_WORKERS="0")


def test_development_defaults(tmp_path: Path) -> None:
    values = loaded(tmp_path, DEBUG="1")
    assert values["debug"] is True
    assert values["engine"] == "django.db.backends.sqlite3"
    assert "127.0.0.1" in values["hosts"]
    assert values["q"]["orm"] == "default"
    assert "redis" not in values["q"]
    assert values["q"]["retry"] > values["q"]["timeout"]


def test_production_settings_load(tmp_path: Path) -> None:
    values = loaded(
        tmp_path,
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="vcf.hospital.example",
        DATABASE_URL="postgres://vcf@db.hospital.example:5432/vcf",
        VCF_DATA_DIR="/srv/vcf/dicom",
    )
    assert values["debug"] is False
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["data_dir"] == "/srv/vcf/dicom"


def test_redis_url_switches_the_queue_broker(tmp_path: Path) -> None:
    values = loaded(tmp_path, DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/2")
    assert values["q"]["redis"] == "redis://127.0.0.1:6379/2"
    assert "orm" not in values["q"]


@pytest.mark.parametrize("timeout", ["60", "3600"])
def test_task_retry_defaults_above_timeout(tmp_path: Path, timeout: str) -> None:
    values = loaded(tmp_path, DEBUG="1", VCF_TASK_TIMEOUT_S=timeout)
    assert values["q"]["timeout"] == int(timeout)
    assert values["q"]["retry"] > int(timeout)
