"""Property tests of the archive member checks: whatever the member names, nothing is written outside
the private staging folder, names leading out of the archive are refused and the folder is gone after."""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studies.ingest.archives import _member_problem, extract_zip, is_junk

HOSTILE = settings.get_profile("hostile")
PARTS = st.sampled_from(
    ["..", ".", "", "a", "b.dcm", "C:", "c:x", "\\", "/", "__MACOSX", "._x", "DICOMDIR", "é"]
)
NAMES = (st.lists(PARTS, min_size=1, max_size=6).map("/".join) | st.text(min_size=1, max_size=40)).filter(
    bool
)


def _leads_out(name: str) -> bool:
    parts = re.split(r"[/\\]", name)
    return (
        name.startswith(("/", "\\")) or bool(re.match(r"^[A-Za-z]:", name)) or ".." in parts or "\x00" in name
    )


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="zip-props-") as folder:
        yield Path(folder)


@settings(HOSTILE)
@given(name=NAMES)
def test_names_leading_out_are_refused(name: str) -> None:
    info = zipfile.ZipInfo(name)
    problem = _member_problem(info)
    assert bool(problem) is _leads_out(info.filename), (name, problem)  # zipfile cuts a name at NUL
    is_junk(name)  # never raises


@settings(HOSTILE)
@given(names=st.lists(NAMES, min_size=1, max_size=8))
def test_extraction_stays_in_its_folder(workdir: Path, names: list[str]) -> None:
    archive = workdir / "a.zip"
    staging = workdir / "staging"
    staging.mkdir(exist_ok=True)
    with zipfile.ZipFile(archive, "w") as out:
        for number, name in enumerate(names):
            out.writestr(zipfile.ZipInfo(name), f"member {number}".encode())
    outside_before = sorted(p for p in workdir.rglob("*") if staging not in p.parents)
    for member in extract_zip(archive, label="a.zip", staging_dir=staging):
        if member.path is not None:
            assert member.path.parent.parent == staging and member.path.read_bytes().startswith(b"member ")
        else:
            assert member.error
    assert list(staging.iterdir()) == []
    assert sorted(p for p in workdir.rglob("*") if staging not in p.parents) == outside_before
