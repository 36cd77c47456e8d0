"""scripts/load_test.py end to end on a tiny site, so that the load script cannot rot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ENDPOINTS = (
    "worklist page",
    "worklist API",
    "viewer API",
    "viewer page",
    "WADO-RS series metadata",
    "statistics page",
    "statistics API",
)


@pytest.mark.slow
def test_the_load_script_serves_every_endpoint_without_errors_and_cleans_up(tmp_path: Path) -> None:
    environ = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environ["TMPDIR"] = str(tmp_path)  # the script's temporary folder must be gone afterwards
    command = [sys.executable, "scripts/load_test.py", "--studies", "50", "--readers", "4"]
    command += ["--duration", "4", "--alone", "3", "--live-series", "1"]
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=environ, capture_output=True, text=True, timeout=150)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert any(line.startswith("site: sqlite, 50 studies") for line in lines)
    assert any(line.startswith("worklist p95 alone: ") for line in lines)
    loaded = lines[next(i for i, line in enumerate(lines) if "concurrent readers" in line) :]
    for endpoint in ENDPOINTS:
        row = next((line for line in loaded if line.startswith(endpoint + " ")), None)
        assert row is not None, f"no figures for {endpoint}:\n{done.stdout}"
        requests, errors = int(row.removeprefix(endpoint).split()[0]), int(row.split()[-1])
        assert requests > 0 and errors == 0, f"{row}\n{done.stdout}"
    overall = next(line for line in loaded if line.startswith("overall "))
    assert float(overall.split()[2]) > 0  # requests per second
    assert lines[-1] == "errors: 0"
    assert list(tmp_path.iterdir()) == []
