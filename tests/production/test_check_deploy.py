"""`manage.py check --deploy` finds nothing to warn about in a production configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.production.environment import production_environment, run_python


def check_deploy(environ: dict[str, str]) -> tuple[int, str]:
    result = run_python(environ, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize(
    "variables",
    [
        {},
        {
            "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
            "CSRF_TRUSTED_ORIGINS": "https://vcf.hospital.example",
        },
        {"SECURE_HSTS_PRELOAD": "1"},
        {"DATABASE_URL": "postgres://vcf:secret@db.hospital.example:5432/vcf?sslmode=require"},
    ],
    ids=["defaults", "behind-a-tls-proxy", "hsts-preload", "postgresql"],
)
def test_production_configuration_passes_the_deploy_check(tmp_path: Path, variables: dict[str, str]) -> None:
    code, output = check_deploy(production_environment(tmp_path, **variables))
    assert code == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output, output


def test_the_deploy_check_can_fail(tmp_path: Path) -> None:
    """The same check with the HTTPS settings switched off does warn: the test above can fail."""
    environ = production_environment(
        tmp_path, SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0", SECURE_HSTS_SECONDS="0"
    )
    code, output = check_deploy(environ)
    assert code != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in output
