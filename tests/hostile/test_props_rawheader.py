"""Property tests of the fast header reader: whatever the bytes, ``read_header`` returns a data set
or None (its documented "step aside"), never raises, never hangs; valid files read as pydicom reads them."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pydicom
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydicom.dataset import Dataset

from studies.dicomweb import rawheader
from studies.dicomweb.dicom_json import BULK_THRESHOLD, dataset_json
from tests.hostile import corpus
from tests.hostile.strategies import mutations

HOSTILE = settings.get_profile("hostile")
PREAMBLE = bytes(128) + b"DICM"
MAX_SECONDS = 2.0


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="rawheader-") as folder:
        yield Path(folder) / "file.dcm"


def _uri(tag: int) -> str:
    return f"bulk/{tag:08X}"


def _read(path: Path, data: bytes) -> Dataset | None:
    path.write_bytes(data)
    started = time.monotonic()
    result = rawheader.read_header(path, defer_over=BULK_THRESHOLD)
    assert time.monotonic() - started < MAX_SECONDS
    assert result is None or isinstance(result, Dataset)
    return result


@settings(HOSTILE)
@given(data=st.binary(max_size=2048))
def test_arbitrary_bytes(scratch: Path, data: bytes) -> None:
    _read(scratch, data)
    _read(scratch, PREAMBLE + data)


@settings(HOSTILE)
@given(data=mutations())
def test_mutated_valid_files(scratch: Path, data: bytes) -> None:
    ds = _read(scratch, data)
    if ds is not None:
        dataset_json(ds, _uri)  # what the metadata route makes of it: no exception either


TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126, exclude_characters="\\"), max_size=40)


@settings(HOSTILE)
@given(
    description=TEXT,
    name=TEXT,
    number=st.integers(-(2**31), 2**31 - 1),
    private=st.binary(max_size=3000),
    implicit=st.booleans(),
)
def test_valid_files_read_as_pydicom_reads_them(
    scratch: Path, description: str, name: str, number: int, private: bytes, implicit: bool
) -> None:
    ds = corpus.ct_dataset()
    ds.SeriesDescription, ds.PatientName, ds.InstanceNumber = description, name, number
    ds.private_block(0x0029, "HOSTILE", create=True).add_new(0x10, "OB", private)
    if implicit:
        ds.file_meta.TransferSyntaxUID = pydicom.uid.ImplicitVRLittleEndian
    ds.save_as(scratch, enforce_file_format=True, implicit_vr=implicit)
    fast = rawheader.read_header(scratch, defer_over=BULK_THRESHOLD)
    assert fast is not None
    assert dataset_json(fast, _uri) == dataset_json(pydicom.dcmread(scratch, defer_size=BULK_THRESHOLD), _uri)


def test_deeply_nested_sequences_step_aside(scratch: Path) -> None:
    """3000 nested undefined-length sequences ran the recursive walk out of stack (RecursionError)."""
    assert _read(scratch, corpus.deep_sequences()) is None
