"""Fixtures of the fault tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

SMALL, LARGE = "1m", "16m"


def _mount(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False)


@pytest.fixture
def small_disk(tmp_path: Path, settings: object) -> Iterator[Path]:
    """A 1 MiB tmpfs as VCF_DATA_DIR."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs as the data folder needs root")
    if shutil.which("mount") is None:
        pytest.skip("no mount command on this machine")
    folder = tmp_path / "data"
    folder.mkdir()
    mounted = _mount(["-t", "tmpfs", "-o", f"size={SMALL},mode=0755", "tmpfs", str(folder)])
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    settings.VCF_DATA_DIR = folder  # type: ignore[attr-defined]
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=False)


def free_space(folder: Path) -> None:
    """Grow the ``small_disk`` tmpfs, as an operator freeing space would."""
    freed = _mount(["-o", f"remount,size={LARGE}", str(folder)])
    assert freed.returncode == 0, freed.stderr
