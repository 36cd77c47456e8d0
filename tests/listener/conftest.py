"""A real ``manage.py dicom_listener`` process on a free 127.0.0.1 port, sharing a SQLite file with
the test, and dcmtk's storescu/echoscu as the senders.

Like tests/integration, these tests do not use pytest-django's database: the listener is another
process, so both sides open one migrated SQLite file (WAL mode) and the test reads it with sqlite3.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.services.conftest import write_series

PROJECT_ROOT = Path(__file__).resolve().parents[2]
READY_PATTERN = re.compile(r"Listening as \S+ on [\d.]+:(\d+)")
START_TIMEOUT_S = 60


def _environ(database: Path, data_dir: Path) -> dict[str, str]:
    inherited = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "VCF_DATA_DIR"}
    }
    return inherited | {
        "DJANGO_SETTINGS_MODULE": "vcfweb.settings_test",
        "DATABASE_URL": f"sqlite:///{database}",
        "VCF_DATA_DIR": str(data_dir),
    }


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty migrated database, copied for each test (one migrate run for the session)."""
    folder = tmp_path_factory.mktemp("listener-template")
    database = folder / "template.sqlite3"
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=PROJECT_ROOT,
        env=_environ(database, folder / "data"),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    with contextlib.closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return database


@pytest.fixture(scope="session")
def ct_series(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small CT phantom series (read-only: copy before changing)."""
    return write_series(tmp_path_factory.mktemp("listener-ct"), seed=601)


class ListenerSite:
    """One test's database and data folder, and the listener processes run against them."""

    def __init__(self, root: Path, template: Path) -> None:
        self.root = root
        self.database = root / "vcf.sqlite3"
        self.data_dir = root / "data"
        self.data_dir.mkdir()
        shutil.copyfile(template, self.database)
        self.environ = _environ(self.database, self.data_dir)
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self._runs = 0

    @property
    def log_path(self) -> Path:
        return self.root / f"listener-{self._runs}.log"

    def start(self, *args: str) -> int:
        assert self.process is None, "one listener at a time"
        self._runs += 1
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "dicom_listener", "--port", "0", *args],
                cwd=PROJECT_ROOT,
                env=self.environ,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            found = READY_PATTERN.search(self.log_path.read_text(errors="replace"))
            if found:
                self.port = int(found.group(1))
                return self.port
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"the listener did not start:\n{self.log_path.read_text(errors='replace')}")

    def stop(self) -> int:
        """SIGTERM, as a service manager would send it; returns the exit status."""
        process, self.process = self.process, None
        if process is None:
            return 0
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=60)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

    def log(self) -> str:
        return "\n".join(
            (self.root / f"listener-{n}.log").read_text(errors="replace") for n in range(1, self._runs + 1)
        )

    def dcmtk(self, tool: str, *args: str, calling: str = "SENDER", called: str = "VCF") -> Any:
        return subprocess.run(
            [tool, "-v", "-aet", calling, "-aec", called, "127.0.0.1", str(self.port), *args],
            capture_output=True,
            text=True,
            timeout=120,
        )

    def storescu(self, files: list[Path], *options: str, calling: str = "SENDER") -> Any:
        return self.dcmtk("storescu", *options, *(str(f) for f in files), calling=calling)

    def query(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        with contextlib.closing(sqlite3.connect(self.database, timeout=30)) as connection:
            return connection.execute(sql, params).fetchall()

    def count(self, table: str) -> int:
        return int(self.query(f"SELECT COUNT(*) FROM {table}")[0][0])

    def stored_files(self) -> list[Path]:
        return sorted((self.data_dir / "dicom").rglob("*.dcm"))

    def staging_files(self) -> list[Path]:
        staging = self.data_dir / "staging"
        return sorted(staging.iterdir()) if staging.is_dir() else []

    def wait_for(self, sql: str, expected: object, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.query(sql) == expected:
                return
            time.sleep(0.2)
        raise AssertionError(f"{sql!r}: {self.query(sql)} after {timeout_s}s, not {expected}\n{self.log()}")


@pytest.fixture
def site(tmp_path: Path, migrated_database: Path) -> Iterator[ListenerSite]:
    if shutil.which("storescu") is None or shutil.which("echoscu") is None:
        pytest.fail("dcmtk (storescu, echoscu) is missing: run scripts/system-packages.sh")
    listener_site = ListenerSite(tmp_path, migrated_database)
    try:
        yield listener_site
    finally:
        listener_site.stop()
