"""A queue worker killed in the middle of an analysis: the task comes back, a second attempt claims
the analysis, and the study ends with exactly one set of findings.

Real processes throughout: ``manage.py qcluster`` on a shared SQLite file with the ORM broker, the
shipped models, a phantom series ingested by the ingest service.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inference.phantom import FractureSpec, PhantomSpec, generate_phantom, write_phantom

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TASK_TIMEOUT_S = 60
TASK_RETRY_S = 75  # the broker hands an unacknowledged task out again after this

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


def _row(database: Path, analysis_id: int) -> dict[str, object]:
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as connection:
        connection.row_factory = sqlite3.Row
        row = connection.execute(
            "SELECT status, stage, attempts, error, result FROM studies_analysis WHERE id = ?", (analysis_id,)
        ).fetchone()
        findings = connection.execute(
            "SELECT COUNT(*) FROM studies_vertebrafinding WHERE analysis_id = ?", (analysis_id,)
        ).fetchone()[0]
    return {**dict(row), "findings": findings}


def _wait_for(database: Path, analysis_id: int, done: object, timeout_s: float) -> dict[str, object]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        row = _row(database, analysis_id)
        if done(row):  # type: ignore[operator]
            return row
        time.sleep(0.1)
    raise AssertionError(f"timed out; last state {_row(database, analysis_id)}")


def _start_worker(manage: list[str], environ: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*manage, "qcluster"],
        cwd=PROJECT_ROOT,
        env=environ,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(worker: subprocess.Popen[bytes], *, kill: bool) -> None:
    if kill:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        return
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)


@pytest.mark.slow
def test_killed_worker_ends_with_exactly_one_set_of_findings(tmp_path: Path) -> None:
    series = tmp_path / "series"
    spec = PhantomSpec(
        seed=31337,
        levels=("T4", "L5"),
        size=256,
        pixel_mm=1.5,
        slice_mm=1.25,
        fractures=(FractureSpec("T12", "wedge", 45.0),),
    )
    write_phantom(generate_phantom(spec), series)
    database = tmp_path / "vcf.sqlite3"
    environ = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}
    } | {
        "DJANGO_SETTINGS_MODULE": "vcfweb.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{database}",
        "VCF_DATA_DIR": str(tmp_path / "data"),
        "VCF_QUEUE_WORKERS": "1",
        "VCF_ANALYSIS_DEVICE": "cpu",
        "VCF_TASK_TIMEOUT_S": str(TASK_TIMEOUT_S),
        "VCF_TASK_RETRY_S": str(TASK_RETRY_S),
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "migrate", "--noinput"], cwd=PROJECT_ROOT, env=environ, check=True, capture_output=True
    )
    ingested = subprocess.run(
        [sys.executable, "-c", INGEST, str(series)],
        cwd=PROJECT_ROOT,
        env=environ,
        capture_output=True,
        text=True,
    )
    assert ingested.returncode == 0, ingested.stderr
    analysis_id = int(json.loads(ingested.stdout.strip().splitlines()[-1])["analysis"])
    log = tmp_path / "worker.log"

    first = _start_worker(manage, environ, log)
    try:
        mid_run = _wait_for(
            database,
            analysis_id,
            lambda r: r["status"] == "running" and r["stage"] in {"locate", "landmarks"},
            180,
        )
    finally:
        _stop(first, kill=True)
    assert mid_run["attempts"] == 1
    after_kill = _row(database, analysis_id)
    assert after_kill["status"] == "running" and after_kill["findings"] == 0

    second = _start_worker(manage, environ, log)
    try:
        finished = _wait_for(
            database, analysis_id, lambda r: r["status"] in {"done", "failed"}, TASK_RETRY_S + 240
        )
    finally:
        _stop(second, kill=False)
    assert finished["status"] == "done", (finished["error"], log.read_text()[-3000:])
    assert finished["attempts"] == 2
    document = json.loads(str(finished["result"]))
    assert finished["findings"] == len(document["vertebrae"]) > 0
    assert document["positive"] is True
