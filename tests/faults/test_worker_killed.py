"""The queue worker is SIGKILLed (its whole process group) in the middle of an analysis, and a new
cluster is started: the broker hands the task out again, the second attempt claims the analysis and
it ends done exactly once: one Analysis row, one result, one set of findings (one per vertebra, none
half-written), one successful task, nothing left in the queue, and the study's instances untouched.

Real processes: ``manage.py migrate`` and ``qcluster`` on their own SQLite file (ORM broker), the
shipped models on the CPU, a phantom series stored by the ingest service.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from pathlib import Path

import pytest

from studies.models import VertebraLevel
from tests.faults.cluster import (
    Row,
    environment,
    query,
    queued_analysis,
    start,
    state,
    stop,
    wait_for,
    wait_until_queue_empty,
)

pytestmark = pytest.mark.slow

TASK_TIMEOUT_S = 60
TASK_RETRY_S = 75  # the broker hands an unacknowledged task out again after this
QCLUSTER = [sys.executable, "manage.py", "qcluster"]


def _study(database: Path) -> list[Row]:
    return query(
        database,
        "SELECT i.sop_instance_uid, i.relative_path, i.file_size, s.instance_count FROM studies_instance i "
        "JOIN studies_series s ON s.id = i.series_id ORDER BY i.sop_instance_uid",
    )


def test_worker_killed_mid_analysis_ends_done_exactly_once(tmp_path: Path) -> None:
    environ = environment(tmp_path, timeout_s=TASK_TIMEOUT_S, retry_s=TASK_RETRY_S)
    analysis_id = queued_analysis(tmp_path, environ)
    database, data, log = tmp_path / "vcf.sqlite3", tmp_path / "data", tmp_path / "worker.log"
    study_before = _study(database)

    first = start(QCLUSTER, environ, log)
    try:
        mid_run = wait_for(
            database,
            analysis_id,
            lambda r: r["status"] == "running" and r["stage"] in {"locate", "landmarks"},
            180,
        )
        os.killpg(first.pid, signal.SIGKILL)  # the whole cluster: sentinel, pusher, worker, monitor
        first.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(first.pid, signal.SIGKILL)
    assert mid_run["attempts"] == 1
    after_kill = state(database, analysis_id)
    assert (after_kill["status"], after_kill["findings"], after_kill["result"]) == ("running", 0, None)
    assert len(query(database, "SELECT id FROM django_q_ormq")) == 1  # the task was not acknowledged

    second = start(QCLUSTER, environ, log)
    try:
        finished = wait_for(
            database, analysis_id, lambda r: r["status"] in {"done", "failed"}, TASK_RETRY_S + 240
        )
        wait_until_queue_empty(database)
    finally:
        stop(second)
    assert finished["status"] == "done", (finished["error"], log.read_text()[-3000:])
    assert finished["attempts"] == 2
    document = json.loads(str(finished["result"]))
    assert document["positive"] is True

    assert len(query(database, "SELECT id FROM studies_analysis")) == 1
    findings = query(database, "SELECT level FROM studies_vertebrafinding WHERE analysis_id = ?", analysis_id)
    levels = sorted(int(VertebraLevel[v["label"]]) for v in document["vertebrae"])
    assert sorted(int(str(f["level"])) for f in findings) == levels
    assert len(findings) == len({f["level"] for f in findings}) > 0
    assert query(database, "SELECT id FROM django_q_ormq") == []  # nothing left to hand out again
    tasks = query(database, "SELECT success FROM django_q_task WHERE name = ?", f"analysis-{analysis_id}")
    assert [t["success"] for t in tasks] == [1]

    assert _study(database) == study_before
    for instance in study_before:
        assert (data / str(instance["relative_path"])).stat().st_size == instance["file_size"]
