"""Property test of the ingest header check: a damaged file is an ``IngestError`` with a one-line
message, never another exception (which would be a 500 on upload or a retry status on push)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studies.ingest.headers import IngestError, InstanceHeader, read_instance_header
from tests.hostile.strategies import mutations

HOSTILE = settings.get_profile("hostile")


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="headers-") as folder:
        yield Path(folder) / "file.dcm"


def _check(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        header = read_instance_header(path)
    except IngestError as error:
        message = str(error)
        assert message and "\n" not in message and len(message) < 400
    else:
        assert isinstance(header, InstanceHeader)


@settings(HOSTILE)
@given(data=mutations())
def test_damaged_files_are_ingest_errors(scratch: Path, data: bytes) -> None:
    _check(scratch, data)


@settings(HOSTILE)
@given(data=st.binary(max_size=1024))
def test_arbitrary_bytes_are_ingest_errors(scratch: Path, data: bytes) -> None:
    _check(scratch, data)
    _check(scratch, bytes(128) + b"DICM" + data)
