"""Running manage.py or loading the settings in a fresh interpreter with a chosen environment."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
_SETTINGS_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "VCF_DATA_DIR",
    "VCF_PSEUDONYM_KEY",
    "REDIS_URL",
    "STATIC_ROOT",
    "DJANGO_SETTINGS_MODULE",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    # Set by tests/e2e/conftest.py for Playwright in this process; a deployment never has it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def production_environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    """What a deployment sets: DEBUG off, a random key, its host name, its own database and data."""
    environ = {key: value for key, value in os.environ.items() if key not in _SETTINGS_VARIABLES}
    environ.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="vcf.hospital.example",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        VCF_DATA_DIR=str(tmp_path / "data"),
        STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_SETTINGS_MODULE="vcfweb.settings",
    )
    environ.update(variables)
    return environ


def run_python(environ: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=PROJECT_ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
