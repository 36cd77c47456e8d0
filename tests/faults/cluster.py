"""Helpers for the fault tests that run real ``manage.py`` processes on their own SQLite file: the
environment, a migrated database with an ingested and queued phantom series, and SQL peeks."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.services.conftest import write_series

PROJECT_ROOT = Path(__file__).resolve().parents[2]

INGEST = """
import json, sys
from pathlib import Path
import django
django.setup()
from studies.models import StudySource
from studies.runtime import current_model_version
from studies.services.analyses import series_received
from studies.services.ingest import ingest_files
files = sorted(Path(sys.argv[1]).glob("*.dcm"))
report = ingest_files(paths=[(p, p.name) for p in files], source=StudySource.IMPORT)
[analysis] = series_received(series_ids=report.touched_series_ids, model_version=current_model_version())
print(json.dumps({"analysis": analysis.pk, "status": analysis.status}))
"""

Row = dict[str, object]


def environment(tmp_path: Path, *, timeout_s: int, retry_s: int) -> dict[str, str]:
    drop = {"DATABASE_URL", "REDIS_URL"}
    return {key: value for key, value in os.environ.items() if key not in drop} | {
        "DJANGO_SETTINGS_MODULE": "vcfweb.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'vcf.sqlite3'}",
        "VCF_DATA_DIR": str(tmp_path / "data"),
        "VCF_QUEUE_WORKERS": "1",
        "VCF_ANALYSIS_DEVICE": "cpu",
        "VCF_TASK_TIMEOUT_S": str(timeout_s),
        "VCF_TASK_RETRY_S": str(retry_s),
    }


def queued_analysis(tmp_path: Path, environ: dict[str, str]) -> int:
    """Migrate, ingest a small phantom series, queue its analysis; returns the analysis id."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=PROJECT_ROOT,
        env=environ,
        check=True,
        capture_output=True,
    )
    series = write_series(tmp_path / "series")
    ingested = subprocess.run(
        [sys.executable, "-c", INGEST, str(series)],
        cwd=PROJECT_ROOT,
        env=environ,
        capture_output=True,
        text=True,
    )
    assert ingested.returncode == 0, ingested.stderr
    return int(json.loads(ingested.stdout.strip().splitlines()[-1])["analysis"])


def query(database: Path, sql: str, *args: object) -> list[Row]:
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(sql, args).fetchall()]


def state(database: Path, analysis_id: int) -> Row:
    sql = (
        "SELECT status, stage, attempts, error, body AS result FROM studies_analysis"
        " LEFT JOIN studies_analysisdocument ON analysis_id = id WHERE id = ?"
    )
    [row] = query(database, sql, analysis_id)
    [findings] = query(
        database, "SELECT COUNT(*) AS n FROM studies_vertebrafinding WHERE analysis_id = ?", analysis_id
    )
    return {**row, "findings": findings["n"]}


def wait_for(database: Path, analysis_id: int, done: Callable[[Row], bool], timeout_s: float) -> Row:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        row = state(database, analysis_id)
        if done(row):
            return row
        time.sleep(0.1)
    raise AssertionError(f"timed out; last state {state(database, analysis_id)}")


def wait_until_queue_empty(database: Path, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while query(database, "SELECT id FROM django_q_ormq") and time.monotonic() < deadline:
        time.sleep(0.2)


def start(command: list[str], environ: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=environ,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    # SIGTERM to the cluster's main process lets it stop its workers itself.
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
