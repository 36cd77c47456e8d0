"""PostgreSQL restarts under a running web process and a running queue worker.

A private server (scripts/postgres.sh) is restarted with ``pg_ctl restart -m fast``, which cuts every
open connection. Afterwards the next request and the worker's next task succeed, with short-lived
connections and with persistent ones (``conn_max_age``, where CONN_HEALTH_CHECKS must notice the
dead connection), and an ingest whose transaction was cut by the restart left no row behind; sent
again, the instance is stored once.

Real processes: ``manage.py migrate`` and ``qcluster`` (ORM broker on the PostgreSQL database), and
a script that plays the web process with Django's test client (the request signals open and close
connections as in production). Runs only in the PostgreSQL stage of scripts/test.sh.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.cluster import start, stop
from tests.faults.postgres import PROJECT_ROOT, PostgresServer, postgres_reason
from tests.pacs.orthanc import free_port
from tests.services.conftest import dicom_files, write_series

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(postgres_reason() is not None, reason=str(postgres_reason())),
]

CLIENT = """
import json, subprocess, sys, time
from pathlib import Path
import django
django.setup()
import requests
from django.db import DatabaseError, close_old_connections
from django_q.tasks import async_task, fetch
from rest_framework.authtoken.models import Token
from studies.ingest.store import DicomStore
from studies.models import Instance, Patient, Series, Study, StudySource, User
from studies.roles import Role
from studies.services.ingest import ingest_file
from studies.services.roles import ensure_role_groups

restart_command, web, file = json.loads(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
out = {}

def restart():
    subprocess.run(restart_command, check=True, capture_output=True)

def get():
    answer = requests.get(f"{web}/api/v1/studies/", headers=headers, timeout=30)
    return answer.status_code

def run_task():
    task_id = async_task("studies.tasks.notify_overdue_referrals")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        close_old_connections()  # this process polls like a web process, one "request" per look
        task = fetch(task_id)
        if task is not None:
            return [task.success, str(task.result)]
        time.sleep(0.3)
    return "no result within 90 s"

def rows():
    return [m.objects.count() for m in (Patient, Study, Series, Instance)]

user = User.objects.create_user(username="reader", password="a-long-enough-password")
user.groups.add(ensure_role_groups()[Role.RADIOLOGIST])
headers = {"Authorization": f"Token {Token.objects.create(user=user).key}"}
out["before"] = [get(), run_task()]
restart()
close_old_connections()
out["after"] = [get(), run_task()]

real_place = DicomStore.place
def place_after_a_restart(self, staged, relative):
    restart()  # inside the ingest transaction: its rows are written, the commit is still to come
    return real_place(self, staged, relative)
DicomStore.place = place_after_a_restart
try:
    out["cut"] = str(ingest_file(path=file, source=StudySource.IMPORT).outcome)
except DatabaseError as error:
    out["cut"] = type(error).__name__
DicomStore.place = real_place
out["rows_after_cut"] = rows()
out["retry"] = str(ingest_file(path=file, source=StudySource.IMPORT).outcome)
out["rows_after_retry"] = rows()
out["instance_count"] = Series.objects.get().instance_count
out["last"] = [get(), run_task()]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


def _wait_until_listening(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()[-3000:]
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise AssertionError(f"the web server did not listen within 60 s: {log.read_text()[-3000:]}")


@pytest.mark.parametrize("conn_max_age", [0, 60], ids=["short-lived", "persistent"])
def test_web_and_worker_survive_a_database_restart(
    postgres: PostgresServer, tmp_path: Path, conn_max_age: int
) -> None:
    url = postgres.create_database(f"vcf_age_{conn_max_age}") + f"?conn_max_age={conn_max_age}"
    environ = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    environ |= {
        "DJANGO_SETTINGS_MODULE": "vcfweb.settings_test",
        "DATABASE_URL": url,
        "VCF_DATA_DIR": str(tmp_path / "data"),
        "VCF_QUEUE_WORKERS": "1",
    }
    manage = [sys.executable, "manage.py"]
    migrated = subprocess.run(
        [*manage, "migrate", "--noinput"], cwd=PROJECT_ROOT, env=environ, capture_output=True, text=True
    )
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    [file] = dicom_files(write_series(tmp_path / "series"))[:1]
    log = tmp_path / "servers.log"
    port = free_port()
    # One thread serves every request, so a persistent connection really is reused across the restart.
    web = start([*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"], environ, log)
    worker = start([*manage, "qcluster"], environ, log)
    try:
        _wait_until_listening(port, web, log)
        client = subprocess.run(
            [
                sys.executable,
                "-c",
                CLIENT,
                json.dumps(postgres.restart_command()),
                f"http://127.0.0.1:{port}",
                str(file),
            ],
            cwd=PROJECT_ROOT,
            env=environ,
            capture_output=True,
            text=True,
            timeout=400,
        )
    finally:
        stop(worker)
        stop(web)
    assert client.returncode == 0, client.stderr[-3000:] + log.read_text()[-3000:]
    out = json.loads(client.stdout.strip().splitlines()[-1])
    done = [True, "0 overdue referral(s) announced"]
    assert out["before"] == [200, done]
    assert out["after"] == [200, done], log.read_text()[-3000:]
    assert out["cut"] in {"OperationalError", "InterfaceError"}
    assert out["rows_after_cut"] == [0, 0, 0, 0]  # the cut transaction left nothing
    assert out["retry"] == "stored"
    assert out["rows_after_retry"] == [1, 1, 1, 1] and out["instance_count"] == 1
    assert out["last"] == [200, done]
