"""Time to first image and to the full volume in the viewer, for a 500-slice series, in Chromium.

    .venv/bin/python scripts/bench_viewer.py --slices 500 --size 512 --repeat 3

Builds a throwaway site in ``--dir`` (SQLite, its own data folder): writes a C7–S1 phantom trimmed
to ``--slices`` slices, imports it, analyses it with the real pipeline, serves it with
``manage.py runserver`` on 127.0.0.1 and opens the analysis in Debian's headless Chromium
(Playwright, never a downloaded browser) ``--repeat`` times, each in a fresh browser context (cold
HTTP cache). The viewer records ``data-first-image-ms`` and ``data-volume-loaded-ms`` (ms since
navigation start) on #vcf-viewer; the script prints them with medians. Target (issue 6): first
image <= 1 s locally. Needs the viewer built (scripts/frontend.sh).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

PASSWORD = "bench-viewer-password-1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def site_environment(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "1",
        "VCF_DATA_DIR": str(folder / "data"),
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "vcfweb.settings",
    }


def prepare_site(folder: Path, *, size: int, slices: int) -> int:
    """Import and analyse the series in this process; returns the analysis id."""
    from bench_analysis import write_series

    series = folder / "series"
    write_series(series, size=size, slices=slices)
    os.environ.update(site_environment(folder))
    import django

    django.setup()
    from django.core.management import call_command

    from inference.pipeline.analyzer import Analyzer
    from studies.models import StudySource, User
    from studies.roles import Role
    from studies.runtime import current_model_version
    from studies.services.analyses import run_analysis, series_received
    from studies.services.ingest import ingest_files
    from studies.services.roles import ensure_role_groups

    call_command("migrate", verbosity=0)
    groups = ensure_role_groups()
    reader = User.objects.create_user(username="bench", password=PASSWORD)
    reader.groups.add(groups[Role.RADIOLOGIST])
    files = sorted(series.glob("*.dcm"))
    report = ingest_files(paths=[(p, p.name) for p in files], source=StudySource.IMPORT)
    [queued] = series_received(series_ids=report.touched_series_ids, model_version=current_model_version())
    done = run_analysis(analysis_id=queued.pk, analyzer=Analyzer(device="cpu"))
    if done is None or done.status != "done":
        raise SystemExit(f"the analysis did not finish: {done and done.error}")
    return done.pk


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def measure(base: str, analysis_id: int, repeat: int, screenshot: Path) -> list[tuple[float, float]]:
    from playwright.sync_api import sync_playwright

    runs = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        for run in range(repeat):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", "bench")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            page.goto(f"{base}/analyses/{analysis_id}/viewer/")
            page.wait_for_selector("#vcf-viewer[data-volume-loaded-ms]", timeout=180_000)
            viewer = page.locator("#vcf-viewer")
            first = float(viewer.get_attribute("data-first-image-ms") or "nan")
            full = float(viewer.get_attribute("data-volume-loaded-ms") or "nan")
            runs.append((first, full))
            marks = page.evaluate(
                "performance.getEntriesByType('mark').filter(m => m.name.startsWith('vcf:'))"
                ".map(m => m.name.slice(4) + ' ' + Math.round(m.startTime))"
            )
            print("  stages (ms since navigation): " + ", ".join(marks), flush=True)
            print(
                f"run {run + 1}: first image {first / 1000:.2f} s, full volume {full / 1000:.2f} s",
                flush=True,
            )
            if run == 0:
                page.screenshot(path=str(screenshot))
            context.close()
        browser.close()
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--slices", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "bench" / "viewer")
    args = parser.parse_args()
    if not (ROOT / "frontend" / "static" / "viewer" / "viewer.js").exists():
        raise SystemExit("the viewer is not built: run scripts/frontend.sh first")
    args.dir = args.dir.resolve()
    shutil.rmtree(args.dir, ignore_errors=True)
    args.dir.mkdir(parents=True)
    started = time.perf_counter()
    analysis_id = prepare_site(args.dir, size=args.size, slices=args.slices)
    print(f"site prepared in {time.perf_counter() - started:.0f} s ({args.slices} slices, {args.size}²)")

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=site_environment(args.dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/accounts/login/")
        runs = measure(base, analysis_id, args.repeat, args.dir / "viewer.png")
    finally:
        server.terminate()
        server.wait(timeout=30)
    firsts, fulls = [r[0] for r in runs], [r[1] for r in runs]
    print(
        f"median over {len(runs)} cold loads: first image {statistics.median(firsts) / 1000:.2f} s "
        f"(target <= 1 s), full volume {statistics.median(fulls) / 1000:.2f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
