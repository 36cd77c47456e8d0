#!/usr/bin/env python
"""Time our DICOMweb (studies/dicomweb) against Orthanc's DICOMweb plugin on the same series.

Writes a phantom CT series (``--slices`` files of 512×512, Explicit VR Little Endian), loads it into
a throwaway Orthanc and into a throwaway Django data folder and SQLite database (migrations, the
ingest service), serves Django with ``manage.py runserver --noreload`` on 127.0.0.1, then times
over HTTP:

- series metadata (``/studies/{s}/series/{se}/metadata``): the first (cold) request on its own,
  then the median of ``--repeat`` warm requests; with and without gzip;
- every frame of the series (``/instances/{i}/frames/1``), ``--connections`` requests at a time
  (a viewer's 6), ``multipart/related; type=application/octet-stream; transfer-syntax=*``.

Orthanc listens on every interface, so run this through scripts/bench-dicomweb.sh (a loopback-only
network namespace). Timings are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FRAME_ACCEPT = "multipart/related; type=application/octet-stream; transfer-syntax=*"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--slices", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=9, help="warm metadata requests; the median counts")
    parser.add_argument("--frame-rounds", type=int, default=3, help="passes over all frames; median")
    parser.add_argument("--connections", type=int, default=6)
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one)")
    return parser.parse_args()


def write_series(folder: Path, slices: int) -> list[Path]:
    from inference.phantom import PhantomSpec, generate_phantom, write_phantom

    spec = PhantomSpec(seed=4242, levels=("T1", "L5"), slice_mm=0.8, pixel_mm=0.8, size=512)
    write_phantom(generate_phantom(spec), folder)
    files = sorted(folder.glob("*.dcm"))
    if len(files) < slices:
        raise SystemExit(f"the phantom has {len(files)} slices, fewer than --slices {slices}")
    for extra in files[slices:]:
        extra.unlink()
    return files[:slices]


def django_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="vcfweb.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
        VCF_DATA_DIR=str(work / "data"),
        LOG_LEVEL="WARNING",
    )
    return env


def load_django(files: list[Path]) -> tuple[str, str, str]:
    """Migrate, ingest, make a radiologist with a token; (study uid, series uid, token key)."""
    import django

    django.setup()
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from studies.models import Series, StudySource, User
    from studies.roles import Role
    from studies.services.ingest import ingest_files
    from studies.services.roles import ensure_role_groups

    call_command("migrate", verbosity=0)
    groups = ensure_role_groups()
    user = User.objects.create_user(username="bench", password=secrets.token_urlsafe(16))
    user.groups.add(groups[Role.RADIOLOGIST])
    report = ingest_files(paths=[(p, p.name) for p in files], source=StudySource.IMPORT)
    series = Series.objects.select_related("study").get(pk=report.touched_series_ids[0])
    assert series.instance_count == len(files), report.summary()
    return series.study.study_instance_uid, series.series_instance_uid, Token.objects.create(user=user).key


def start_django(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"runserver exited:\n{log.read_text()[-2000:]}")
        try:
            requests.get(f"http://127.0.0.1:{port}/dicomweb/studies", timeout=2)
            return process
        except requests.ConnectionError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("runserver did not answer within 60 s")


def timed_get(session: requests.Session, url: str, **headers: str) -> tuple[float, requests.Response]:
    start = time.perf_counter()
    response = session.get(url, headers=headers, timeout=300)
    elapsed = time.perf_counter() - start
    response.raise_for_status()
    return elapsed, response


def time_metadata(session: requests.Session, url: str, repeat: int) -> dict[str, float | int | str]:
    cold, first = timed_get(session, url)
    warm = [timed_get(session, url)[0] for _ in range(repeat)]
    identity = [timed_get(session, url, **{"Accept-Encoding": "identity"})[0] for _ in range(repeat)]
    _, plain = timed_get(session, url, **{"Accept-Encoding": "identity"})
    return {
        "cold": cold,
        "warm": statistics.median(warm),
        "warm_identity": statistics.median(identity),
        "instances": len(first.json()),
        "encoding": first.headers.get("Content-Encoding", "identity"),
        "bytes": len(plain.content),
    }


def time_frames(make_session, urls: list[str], connections: int, rounds: int) -> tuple[float, int]:
    def fetch(chunk: list[str]) -> int:
        total = 0
        with make_session() as session:
            for url in chunk:
                response = session.get(url, headers={"Accept": FRAME_ACCEPT}, timeout=60)
                response.raise_for_status()
                total += len(response.content)
        return total

    chunks = [urls[i::connections] for i in range(connections)]
    times, size = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        with ThreadPoolExecutor(connections) as pool:
            size = sum(pool.map(fetch, chunks))
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def main() -> None:
    args = parse_args()
    from tests.pacs.orthanc import PASSWORD, USER, OrthancServer, free_port, loopback_only_reason

    reason = loopback_only_reason()
    if reason is not None:
        raise SystemExit(f"Orthanc {reason}; run scripts/bench-dicomweb.sh")
    work = args.dir or Path(tempfile.mkdtemp(prefix="bench-dicomweb-"))
    work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    files = write_series(work / "series", args.slices)
    print(f"series: {len(files)} slices of 512x512 written in {time.perf_counter() - start:.1f} s")
    env = django_env(work)
    os.environ.update(env)
    study, series, token = load_django(files)
    orthanc = OrthancServer(work / "orthanc")
    orthanc.start()
    port = free_port()
    server = start_django(env, port, work / "runserver.log")
    try:
        orthanc.upload(files)
        print(f"loaded into Orthanc and Django ({time.perf_counter() - start:.1f} s since start)")
        ours_root, theirs_root = f"http://127.0.0.1:{port}/dicomweb", orthanc.dicomweb_url

        def ours_session() -> requests.Session:
            session = requests.Session()
            session.headers["Authorization"] = f"Token {token}"
            return session

        def theirs_session() -> requests.Session:
            session = requests.Session()
            session.auth = (USER, PASSWORD)
            return session

        path = f"/studies/{study}/series/{series}/metadata"
        with theirs_session() as session:
            theirs = time_metadata(session, theirs_root + path, args.repeat)
        with ours_session() as session:
            ours = time_metadata(session, ours_root + path, args.repeat)
            sops = [i["00080018"]["Value"][0] for i in session.get(ours_root + path, timeout=60).json()]
        report_metadata(ours, theirs)
        frame_paths = [f"/studies/{study}/series/{series}/instances/{sop}/frames/1" for sop in sops]
        check_same_frame(
            ours_session, theirs_session, ours_root + frame_paths[0], theirs_root + frame_paths[0]
        )
        theirs_s, theirs_bytes = time_frames(
            theirs_session, [theirs_root + p for p in frame_paths], args.connections, args.frame_rounds
        )
        ours_s, ours_bytes = time_frames(
            ours_session, [ours_root + p for p in frame_paths], args.connections, args.frame_rounds
        )
        n = len(frame_paths)
        print(f"\nall {n} frames, {args.connections} connections, median of {args.frame_rounds} passes")
        print(f"  Orthanc: {theirs_s:.2f} s ({n / theirs_s:.0f} frames/s, {theirs_bytes / 2**20:.0f} MiB)")
        print(f"  ours:    {ours_s:.2f} s ({n / ours_s:.0f} frames/s, {ours_bytes / 2**20:.0f} MiB)")
        print(f"  ratio Orthanc/ours: {theirs_s / ours_s:.2f}x")
    finally:
        server.terminate()
        server.wait(timeout=15)
        orthanc.stop()


def report_metadata(ours: dict[str, float | int | str], theirs: dict[str, float | int | str]) -> None:
    print(f"\nseries metadata ({ours['instances']} instances; Orthanc {theirs['instances']})")
    print(f"  {'':22}{'Orthanc':>12}{'ours':>12}{'Orthanc/ours':>14}")
    for key, label in (
        ("cold", "cold (first request)"),
        ("warm", "warm, median"),
        ("warm_identity", "warm, no gzip"),
    ):
        a, b = float(theirs[key]), float(ours[key])
        print(f"  {label:22}{a * 1000:>10.1f}ms{b * 1000:>10.1f}ms{a / b:>13.1f}x")
    print(f"  encoding: Orthanc {theirs['encoding']}, ours {ours['encoding']}")
    sizes = int(theirs["bytes"]) / 1024, int(ours["bytes"]) / 1024
    print(f"  JSON size: Orthanc {sizes[0]:.0f} KiB, ours {sizes[1]:.0f} KiB")


def check_same_frame(ours_session, theirs_session, ours_url: str, theirs_url: str) -> None:  # type: ignore[no-untyped-def]
    """Both servers must send the same pixel bytes, or the timing compares different work."""
    payloads = []
    for make, url in ((ours_session, ours_url), (theirs_session, theirs_url)):
        with make() as session:
            response = session.get(url, headers={"Accept": FRAME_ACCEPT}, timeout=60)
            response.raise_for_status()
            body = response.content
            start = body.index(b"\r\n\r\n") + 4
            end = body.rindex(b"\r\n--")
            payloads.append(body[start:end])
    if payloads[0] != payloads[1]:
        raise SystemExit("the two servers sent different frame bytes")
    print(f"first frame identical on both servers ({len(payloads[0])} bytes)")


if __name__ == "__main__":
    main()
