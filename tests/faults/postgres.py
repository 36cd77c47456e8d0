"""A private PostgreSQL server for the fault tests, started with scripts/postgres.sh, that a test may
restart under running processes (``pg_ctl restart -m fast`` drops every connection)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = PROJECT_ROOT / "scripts" / "postgres.sh"


def postgres_reason() -> str | None:
    """None when the suite runs on PostgreSQL (the stage where these tests belong); else why not."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        return "needs PostgreSQL: runs in the PostgreSQL stage of scripts/test.sh (DATABASE_URL=postgres://…)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "runs PostgreSQL as the 'postgres' user (as root) and needs runuser"
    return None


def _pg_ctl() -> str:
    found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False)
    if found.returncode == 0 and Path(found.stdout.strip(), "pg_ctl").exists():
        return str(Path(found.stdout.strip(), "pg_ctl"))
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    if candidates:
        return str(candidates[0])
    which = shutil.which("pg_ctl")
    if which is None:
        raise RuntimeError("pg_ctl not found (scripts/postgres.sh installs PostgreSQL)")
    return which


class PostgresServer:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="vcf-fault-pg."))
        self.folder.chmod(0o755)  # the 'postgres' user must reach its data folder and socket
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.server = ""  # postgres://user@host:port, once started

    def start(self) -> None:
        started = subprocess.run(
            [str(SCRIPT), "start", str(self.folder), str(self.port)],
            capture_output=True,
            text=True,
            check=False,
        )
        if started.returncode != 0:
            raise RuntimeError(f"scripts/postgres.sh start failed: {started.stderr[-2000:]}")
        self.server = started.stdout.strip().rsplit("/", 1)[0]

    def create_database(self, name: str) -> str:
        """A new empty database; returns its DATABASE_URL."""
        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return f"{self.server}/{name}"

    def restart_command(self) -> list[str]:
        """A fast restart: open connections are cut, their transactions rolled back."""
        command = [_pg_ctl(), "-D", str(self.folder / "data"), "-l", str(self.folder / "server.log")]
        command += ["-m", "fast", "-w", "-t", "60", "restart"]
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def stop(self) -> None:
        subprocess.run([str(SCRIPT), "stop", str(self.folder)], check=False, capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)
