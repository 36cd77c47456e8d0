"""The database connection is lost while a worker saves an analysis' results: the task fails after
the analysis was claimed, so nothing inside it can mark the analysis failed. The broker must hand
the task out again (analysis tasks' failures are not acknowledged) and the next attempt ends the
analysis done, once, instead of leaving it "running" for ever.

A real ``qcluster`` whose ``save_result`` raises Django's OperationalError the first time it is
called (patched in the cluster's main process before it forks its worker); everything else is real.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from tests.faults.cluster import (
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

TASK_TIMEOUT_S = 45
TASK_RETRY_S = 50
TASK_SQL = "SELECT success, attempt_count FROM django_q_task WHERE name = ?"

LOSE_FIRST_SAVE = """
import sys
import time
from pathlib import Path
import django
django.setup()
from django.core.management import call_command
from django.db import OperationalError
from studies.services import analyses

flag = Path(sys.argv[1])
real_save = analyses.save_result

def save_result(**kwargs):
    if not flag.exists():
        flag.write_text("lost")
        raise OperationalError("server closed the connection unexpectedly")
    return real_save(**kwargs)

analyses.save_result = save_result
call_command("qcluster")
"""


def test_failed_save_is_retried_until_the_analysis_is_done(tmp_path: Path) -> None:
    environ = environment(tmp_path, timeout_s=TASK_TIMEOUT_S, retry_s=TASK_RETRY_S)
    analysis_id = queued_analysis(tmp_path, environ)
    database, log, flag = tmp_path / "vcf.sqlite3", tmp_path / "worker.log", tmp_path / "save-lost"

    cluster = start([sys.executable, "-c", LOSE_FIRST_SAVE, str(flag)], environ, log)
    try:
        deadline = time.monotonic() + 180
        while (
            not (failed := query(database, TASK_SQL, f"analysis-{analysis_id}"))
            and time.monotonic() < deadline
        ):
            time.sleep(0.1)
        between = state(database, analysis_id)
        finished = wait_for(
            database, analysis_id, lambda r: r["status"] in {"done", "failed"}, TASK_RETRY_S + 240
        )
        wait_until_queue_empty(database)
    finally:
        stop(cluster)
    assert flag.exists(), "the first save was never reached"
    assert [(t["success"], t["attempt_count"]) for t in failed] == [(0, 1)]
    assert (between["status"], between["findings"], between["result"]) == ("running", 0, None)
    assert finished["status"] == "done", (finished["error"], log.read_text()[-3000:])
    assert finished["attempts"] == 2
    document = json.loads(str(finished["result"]))
    assert finished["findings"] == len(document["vertebrae"]) > 0
    assert len(query(database, "SELECT id FROM studies_analysis")) == 1
    assert query(database, "SELECT id FROM django_q_ormq") == []
    [task] = query(database, TASK_SQL, f"analysis-{analysis_id}")
    assert (task["success"], task["attempt_count"]) == (1, 2)  # failed once, then succeeded
