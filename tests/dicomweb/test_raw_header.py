"""The fast header reader gives the same DICOM JSON as pydicom's reader, or steps aside."""

from __future__ import annotations

from pathlib import Path

import pydicom
import pytest
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian

from studies.dicomweb import rawheader
from studies.dicomweb.dicom_json import BULK_THRESHOLD, PIXEL_DATA, dataset_json
from tests.services.conftest import dicom_files


def _uri(tag: int) -> str:
    return f"bulk/{tag:08X}"


def _both(path: Path) -> tuple[dict, dict]:
    fast = rawheader.read_header(path, defer_over=BULK_THRESHOLD)
    assert fast is not None
    slow = pydicom.dcmread(path, defer_size=BULK_THRESHOLD)
    return dataset_json(fast, _uri), dataset_json(slow, _uri)


def _rich_copy(source: Path, target: Path, syntax: str) -> Path:
    """A slice with sequences (defined and undefined length, nested), private tags, a large private
    OB after a small one, text with a backslash list and a Latin-1 name, in ``syntax``."""
    ds = pydicom.dcmread(source)
    item = Dataset()
    item.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    item.ReferencedSOPInstanceUID = "1.2.3.4"
    inner = Dataset()
    inner.CodeValue, inner.CodingSchemeDesignator, inner.CodeMeaning = "T-D0050", "SRT", "Tissue"
    item.PurposeOfReferenceCodeSequence = Sequence([inner])
    ds.ReferencedImageSequence = Sequence([item, item])
    ds.PatientName = "Müller^Jürgen"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL", ""]
    block = ds.private_block(0x0029, "VCF TEST", create=True)
    block.add_new(0x01, "LO", "private text")
    block.add_new(0x10, "OB", bytes(8000))
    block.add_new(0x11, "OB", b"\x01\x02")
    ds.file_meta.TransferSyntaxUID = syntax
    ds.save_as(target, enforce_file_format=True, implicit_vr=syntax == ImplicitVRLittleEndian)
    return target


def test_native_phantom_slices(phantom_folder) -> None:
    for path in dicom_files(phantom_folder)[:3]:
        fast, slow = _both(path)
        assert fast == slow
        assert fast["7FE00010"]["BulkDataURI"] == f"bulk/{PIXEL_DATA:08X}"


def test_jpegls_slices(jpegls_folder) -> None:
    fast, slow = _both(dicom_files(jpegls_folder)[0])
    assert fast == slow
    assert fast["00020010"]["Value"] == ["1.2.840.10008.1.2.4.80"]


@pytest.mark.parametrize("syntax", [ExplicitVRLittleEndian, ImplicitVRLittleEndian])
def test_sequences_private_tags_and_bulk_values(phantom_folder, tmp_path, syntax) -> None:
    path = _rich_copy(dicom_files(phantom_folder)[0], tmp_path / "rich.dcm", syntax)
    fast, slow = _both(path)
    assert fast == slow
    assert fast["00081140"]["vr"] == "SQ" and len(fast["00081140"]["Value"]) == 2
    assert fast["00100010"]["Value"] == [{"Alphabetic": "Müller^Jürgen"}]
    assert "BulkDataURI" in fast["00291010"] and fast["00291011"]["InlineBinary"] == "AQI="


def test_undefined_length_sequences(phantom_folder, tmp_path) -> None:
    path = _rich_copy(dicom_files(phantom_folder)[1], tmp_path / "undefined.dcm", ExplicitVRLittleEndian)
    ds = pydicom.dcmread(path)
    ds["ReferencedImageSequence"].is_undefined_length = True
    for item in ds.ReferencedImageSequence:
        item.is_undefined_length_sequence_item = True
        item["PurposeOfReferenceCodeSequence"].is_undefined_length = True
    ds.save_as(path, enforce_file_format=True)
    assert b"\xfe\xff\xdd\xe0" in path.read_bytes()  # a sequence delimiter was written
    fast, slow = _both(path)
    assert fast == slow
    assert fast["00081140"]["Value"][1]["0040A170"]["Value"][0]["00080100"]["Value"] == ["T-D0050"]


def test_pixel_offset_is_where_the_value_is(phantom_folder) -> None:
    path = dicom_files(phantom_folder)[0]
    fast = rawheader.read_header(path, defer_over=BULK_THRESHOLD)
    element = fast.get_item(PIXEL_DATA, keep_deferred=True)
    pixels = pydicom.dcmread(path).PixelData
    assert path.read_bytes()[element.value_tell : element.value_tell + element.length] == pixels


def test_steps_aside_for_what_it_does_not_read(phantom_folder, tmp_path) -> None:
    data = dicom_files(phantom_folder)[0].read_bytes()
    big = tmp_path / "big.dcm"  # the meta says Explicit VR Big Endian (same length as ...2.1)
    big.write_bytes(
        data[:400].replace(b"1.2.840.10008.1.2.1\x00", b"1.2.840.10008.1.2.2\x00", 1) + data[400:]
    )
    assert big.read_bytes() != data
    assert rawheader.read_header(big, defer_over=BULK_THRESHOLD) is None
    raw = tmp_path / "no-preamble.dcm"
    raw.write_bytes(b"\x08\x00\x16\x00UI\x04\x001.2\x00")
    assert rawheader.read_header(raw, defer_over=BULK_THRESHOLD) is None
    cut = tmp_path / "cut.dcm"
    cut.write_bytes(dicom_files(phantom_folder)[0].read_bytes()[:200])
    assert rawheader.read_header(cut, defer_over=BULK_THRESHOLD) is None
