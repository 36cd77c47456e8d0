"""A real qcluster worker and a web process share one SQLite file through the ORM broker."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]

ENQUEUE_AND_WAIT = """
import time
import django
django.setup()
from django_q.tasks import async_task, result
ids = [async_task("math.factorial", n) for n in (5, 6, 7)]
deadline = time.monotonic() + 60
values = [None] * 3
while time.monotonic() < deadline and None in values:
    values = [result(task_id) for task_id in ids]
    time.sleep(0.3)
print(values)
"""


@pytest.mark.slow
def test_worker_runs_tasks_from_a_shared_sqlite_file(tmp_path: Path) -> None:
    environ = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}
    } | {
        "DJANGO_SETTINGS_MODULE": "vcfweb.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/queue.sqlite3",
        "VCF_DATA_DIR": str(tmp_path / "data"),
        "VCF_QUEUE_WORKERS": "2",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "migrate", "--noinput"], cwd=PROJECT_ROOT, env=environ, check=True, capture_output=True
    )
    worker = subprocess.Popen(
        [*manage, "qcluster"],
        cwd=PROJECT_ROOT,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", ENQUEUE_AND_WAIT],
            cwd=PROJECT_ROOT,
            env=environ,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "[120, 720, 5040]"
        mode = subprocess.run(
            ["sqlite3", str(tmp_path / "queue.sqlite3"), "PRAGMA journal_mode"],
            capture_output=True,
            text=True,
        )
        assert mode.returncode == 0, mode.stderr
        assert mode.stdout.strip() == "wal"
    finally:
        # SIGTERM to the cluster's main process lets it stop its workers itself; signalling
        # the whole group instead leaves the sentinel waiting for children that are gone.
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGKILL)
