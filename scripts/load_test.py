"""Load test: many concurrent readers on the worklist, the viewer's metadata and the statistics
dashboard at once, while the queue worker analyses real series (issue 10).

    .venv/bin/python scripts/load_test.py                                  # 10 000 studies, SQLite
    .venv/bin/python scripts/load_test.py --studies 10000 --readers 16 --duration 60
    .venv/bin/python scripts/load_test.py --database-url postgres://...   # an EMPTY PostgreSQL database

1. Builds a throwaway site: a temporary folder (data folder and, by default, the SQLite file) with
   ``--studies`` finished analyses (fourteen vertebrae and a ~12 kB result document each; a third
   flagged, each with a review, plus 5 % audited negatives), one user per role, and
   ``--live-series`` small phantom CT series stored on disk and queued for analysis.
2. Serves it on 127.0.0.1 (``manage.py runserver --noreload``, DEBUG off) with a ``qcluster``.
3. Times a single reader on the worklist alone (the worklist target: p95 <= 40 ms); then starts
   the worker, waits until it has taken an analysis, and runs ``--readers`` threads (three
   radiologists for each department lead), each logged in through the login form, until
   ``--duration`` seconds or ``--max-requests`` requests; meanwhile the live series are queued
   again whenever their analyses are done, so analyses run all along.
4. Prints requests/s and p50/p95/max latency per endpoint and overall, and the errors; exits 1 on
   any error (an HTTP status other than 200, a broken connection, a failed analysis).
5. Stops its two processes and removes the temporary folder. A PostgreSQL database is left filled.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from load_data import Site, build  # noqa: E402
from load_readers import (  # noqa: E402
    Budget,
    Figures,
    Session,
    lead_mix,
    percentile,
    radiologist_mix,
    run_reader,
    table,
)

WORKLIST_P95_TARGET_MS = 40.0


def site_environment(folder: Path, database_url: str) -> dict[str, str]:
    environ = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "DATABASE_URL"}}
    return environ | {
        "DJANGO_SETTINGS_MODULE": "vcfweb.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no redirect to HTTPS, cookies not marked Secure.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "DATABASE_URL": database_url,
        "VCF_DATA_DIR": str(folder / "data"),
        "VCF_ANALYSIS_DEVICE": "cpu",
        "VCF_QUEUE_WORKERS": "1",
        "LOG_LEVEL": "WARNING",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(command: list[str], environ: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process (qcluster stops its own workers), then its group is killed."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def wait_until_serving(port: int, server: subprocess.Popen[bytes], timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the web server stopped at start-up (see its log above)")
        try:
            status, _ = Session(port).request("GET", "/accounts/login/")
        except OSError:
            time.sleep(0.3)
            continue
        if status == 200:
            return
        raise SystemExit(f"the login page answered {status}")
    raise SystemExit(f"the web server did not answer on 127.0.0.1:{port}")


def keep_analysing(site: Site, stop_at: threading.Event, requeued: list[int]) -> None:
    """Queue the live series again whenever none of their analyses is queued or running."""
    from django.db import connection

    from studies.models import Analysis, AnalysisStatus
    from studies.runtime import current_model_version
    from studies.services.analyses import series_received

    busy = (AnalysisStatus.QUEUED, AnalysisStatus.RUNNING)
    try:
        while not stop_at.wait(1.0):
            if not Analysis.objects.filter(series_id__in=site.live_series_ids, status__in=busy).exists():
                series_received(series_ids=site.live_series_ids, model_version=current_model_version())
                requeued[0] += 1
    finally:
        connection.close()


def wait_for_worker(site: Site, timeout_s: float = 300) -> None:
    """Until the worker has taken a live series' analysis (it loads torch and the model first)."""
    from django.db import connection

    from studies.models import Analysis, AnalysisStatus

    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            taken = Analysis.objects.filter(series_id__in=site.live_series_ids).exclude(
                status=AnalysisStatus.QUEUED
            )
            if taken.exists():
                return
            time.sleep(0.5)
    finally:
        connection.close()
    raise SystemExit("the queue worker took no analysis in time")


def analysis_runs() -> tuple[int, int, list[str]]:
    """Finished and failed analysis tasks of the queue, with the failures' messages."""
    from django_q.models import Failure, Success

    from studies.models import Analysis, AnalysisStatus
    from studies.services.analyses import RUN_TASK

    failed = [f"task: {str(f.result)[:200]}" for f in Failure.objects.filter(func=RUN_TASK)[:5]]
    failed += [
        f"analysis {a.pk}: {a.error[:200]}" for a in Analysis.objects.filter(status=AnalysisStatus.FAILED)[:5]
    ]
    return (
        Success.objects.filter(func=RUN_TASK).count(),
        Failure.objects.filter(func=RUN_TASK).count(),
        failed,
    )


def login(port: int, username: str, password: str) -> Session:
    session = Session(port)
    session.login(username, password)
    return session


def worklist_alone(port: int, username: str, password: str, repeat: int) -> Figures:
    """One reader, nothing else running: the worklist page and API, ``repeat`` times each."""
    session = login(port, username, password)
    figures = Figures()
    began = time.perf_counter()
    for name, path, headers in (
        ("worklist page (alone)", "/radiology/worklist/", {}),
        ("worklist API (alone)", "/api/v1/reviews/", {"Accept": "application/json"}),
    ):
        session.request("GET", path, headers=headers)  # warm-up
        for _ in range(repeat):
            started = time.perf_counter()
            status, _ = session.request("GET", path, headers=headers)
            ms = (time.perf_counter() - started) * 1000
            figures.record(name, ms, None if status == 200 else f"HTTP {status}")
    figures.elapsed_s = time.perf_counter() - began
    return figures


def run_load(
    args: argparse.Namespace, port: int, site: Site, users: dict[str, str], password: str
) -> Figures:
    leads = max(1, args.readers // 4)
    sessions = []
    for number in range(args.readers):
        is_lead = number < leads
        role = "department_lead" if is_lead else ("radiologist", "senior_radiologist")[number % 2]
        mix = lead_mix() if is_lead else radiologist_mix(site.analysis_ids, site.live_series, site.reviews)
        sessions.append((login(port, users[role], password), mix))
    figures = Figures()
    stop_at = threading.Event()
    requeued = [0]
    feeder = threading.Thread(target=keep_analysing, args=(site, stop_at, requeued), daemon=True)
    feeder.start()
    budget = Budget(deadline=time.monotonic() + args.duration, max_requests=args.max_requests)
    threads = [
        threading.Thread(target=run_reader, args=(session, mix, budget, figures, number))
        for number, (session, mix) in enumerate(sessions)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    figures.elapsed_s = time.perf_counter() - began
    stop_at.set()
    feeder.join(timeout=60)
    print(f"live series re-queued {requeued[0]} time(s) during the load")
    return figures


def report(alone: Figures, loaded: Figures, args: argparse.Namespace) -> int:
    print()
    print(f"single reader, no load ({alone.elapsed_s:.1f} s):")
    print("\n".join(table(alone)))
    p95 = max(percentile(values, 0.95) for values in alone.latencies.values())
    verdict = "within" if p95 <= WORKLIST_P95_TARGET_MS else "OVER"
    print(f"worklist p95 alone: {p95:.1f} ms ({verdict} the {WORKLIST_P95_TARGET_MS:.0f} ms target)")
    print()
    print(f"{args.readers} concurrent readers, {loaded.elapsed_s:.1f} s, analyses running:")
    print("\n".join(table(loaded)))
    successes, failures, messages = analysis_runs()
    print(f"analyses finished by the worker: {successes}; failed: {failures}")
    errors = loaded.error_count + alone.error_count + failures
    for sample in alone.samples + loaded.samples + messages:
        print(f"  error: {sample}")
    print(f"errors: {errors}")
    return 1 if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--studies", type=int, default=10_000)
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (at most)")
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--live-series", type=int, default=4, help="real series analysed during the load")
    parser.add_argument("--alone", type=int, default=30, help="worklist requests of the single reader")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: throwaway SQLite)")
    args = parser.parse_args()
    if args.studies < 1 or args.readers < 1 or args.live_series < 1:
        parser.error("--studies, --readers and --live-series must be at least 1")

    folder = Path(tempfile.mkdtemp(prefix="load-test-"))
    processes: list[subprocess.Popen[bytes]] = []
    code = 1
    try:
        database_url = args.database_url or f"sqlite:///{folder / 'load.sqlite3'}"
        environ = site_environment(folder, database_url)
        os.environ.update(environ)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        password = secrets.token_urlsafe(16)
        began = time.perf_counter()
        site, users = build(studies=args.studies, live_series=args.live_series, password=password)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"site: {connection.vendor}, {args.studies} studies, {site.reviews} reviews, "
            f"{len(site.live_series)} live series (built in {time.perf_counter() - began:.1f} s); "
            f"{os.cpu_count()} CPU cores on this machine"
        )
        connection.close()

        port = free_port()
        processes.append(
            start(["runserver", "--noreload", f"127.0.0.1:{port}"], environ, folder / "server.log")
        )
        wait_until_serving(port, processes[0])
        alone = worklist_alone(port, users["radiologist"], password, args.alone)
        processes.append(start(["qcluster"], environ, folder / "qcluster.log"))
        wait_for_worker(site)
        loaded = run_load(args, port, site, users, password)
        code = report(alone, loaded, args)
        return code
    finally:
        for process in reversed(processes):
            stop(process)
        for log in ("server.log", "qcluster.log"):
            if (folder / log).is_file() and (code or os.environ.get("LOAD_TEST_SHOW_LOGS")):
                print(f"--- {log}\n{(folder / log).read_text(errors='replace')[-4000:]}")
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
