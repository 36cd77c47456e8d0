"""Hostile and broken inputs, built at test time (nothing binary is committed).

Every builder returns bytes (or writes a file under a folder the test owns). ``ct_slice`` is the one
good instance everything else is cut from: a small, valid CT slice in Explicit VR Little Endian.
"""

from __future__ import annotations

import itertools
import struct
import zipfile
from io import BytesIO
from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.uid import (
    MPEG2MPML,
    CTImageStorage,
    DeflatedExplicitVRLittleEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    MRImageStorage,
)

ROOT = "1.2.826.0.1.3680043.10.4242"
_counter = itertools.count(1)
SR_STORAGE = "1.2.840.10008.5.1.4.1.1.88.11"
SIDE = 16


def new_uid() -> str:
    return f"{ROOT}.{next(_counter)}"


def ct_dataset(
    *,
    study: str | None = None,
    series: str | None = None,
    sop: str | None = None,
    patient_id: str = "HOSTILE-1",
    modality: str = "CT",
    sop_class: str = CTImageStorage,
    number: int = 1,
) -> Dataset:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = sop or new_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = study or new_uid()
    ds.SeriesInstanceUID = series or new_uid()
    ds.Modality = modality
    ds.PatientID = patient_id
    ds.PatientName = "HOSTILE^TEST"
    ds.PatientSex = "F"
    ds.StudyDate = "20240105"
    ds.StudyDescription = "CT SPINE"
    ds.SeriesDescription = "AXIAL 1.0"
    ds.InstanceNumber = number
    ds.SeriesNumber = 2
    ds.SliceThickness = "1.0"
    ds.ImagePositionPatient = [0, 0, float(number)]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.PixelSpacing = [0.7, 0.7]
    ds.Rows = ds.Columns = SIDE
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 1
    ds.RescaleIntercept, ds.RescaleSlope = "-1024", "1"
    ds.PixelData = np.full((SIDE, SIDE), 40 + number, dtype="<i2").tobytes()
    return ds


def encode(ds: Dataset) -> bytes:
    out = BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def ct_slice(**identity: object) -> bytes:
    return encode(ct_dataset(**identity))  # type: ignore[arg-type]


def unusual_but_valid() -> dict[str, bytes]:
    """Valid slices in the rarer syntaxes, which the checks for broken files must not refuse."""
    files = {}
    for name, syntax, implicit in (
        ("implicit.dcm", ImplicitVRLittleEndian, True),
        ("deflated.dcm", DeflatedExplicitVRLittleEndian, False),
    ):
        ds = ct_dataset(patient_id=f"HOSTILE-{name}")
        ds.SeriesDescription = "long text " * 600  # a value pydicom defers, after which offsets must hold
        ds.file_meta.TransferSyntaxUID = syntax
        out = BytesIO()
        ds.save_as(out, enforce_file_format=True, implicit_vr=implicit)
        files[name] = out.getvalue()
    return files


# --- broken files ---


def zero_bytes() -> bytes:
    return b""


def truncated_in_header() -> bytes:
    return ct_slice()[:200]  # inside the file meta group


def truncated_in_pixels() -> bytes:
    data = ct_slice()
    return data[: len(data) - SIDE * SIDE]  # the header is whole, half the pixel data is gone


def not_dicom() -> bytes:
    return b"GIF89a" + bytes(500)


def _with_syntax(syntax: bytes) -> bytes:
    """A slice whose file meta names ``syntax`` (19 characters, the length of the real one)."""
    data = bytearray(ct_slice())
    at = data.find(ExplicitVRLittleEndian.encode())
    assert len(syntax) == len(ExplicitVRLittleEndian)
    data[at : at + len(syntax)] = syntax
    return bytes(data)


def unknown_transfer_syntax() -> bytes:
    return _with_syntax(b"1.2.826.0.1.99999.7")  # a valid UID that is no transfer syntax


def video_transfer_syntax() -> bytes:
    """An MPEG-2 "video" CT slice: a transfer syntax no decoder here reads."""
    ds = ct_dataset()
    ds.file_meta.TransferSyntaxUID = MPEG2MPML
    ds.PixelData = encapsulate([bytes(ds.PixelData)])
    ds["PixelData"].VR = "OB"
    return encode(ds)


def big_endian_claimed_for_little_endian_data() -> bytes:
    """The file meta says Explicit VR Big Endian (retired), the data set is little endian."""
    return _with_syntax(b"1.2.840.10008.1.2.2")


def _element_at(data: bytes, group: int, element: int) -> int:
    at = data.find(struct.pack("<HH", group, element), 132)
    assert at > 0, f"({group:04X},{element:04X}) not in the file"
    return at


def giant_element_length() -> bytes:
    """A private OB element before the pixel data declaring 4 GB (0xFFFFFFF0 bytes)."""
    ds = ct_dataset()
    ds.add_new(0x00091010, "LO", "HOSTILE")  # private creator
    ds.add_new(0x00091011, "OB", b"\x00" * 8)
    data = bytearray(encode(ds))
    at = _element_at(bytes(data), 0x0009, 0x1011)
    struct.pack_into("<I", data, at + 8, 0xFFFFFFF0)
    return bytes(data)


def giant_pixel_length() -> bytes:
    """Pixel Data declaring 4 GB in a file of a few kilobytes."""
    data = bytearray(ct_slice())
    at = _element_at(bytes(data), 0x7FE0, 0x0010)
    struct.pack_into("<I", data, at + 8, 0xFFFFFFF0)
    return bytes(data)


def deep_sequences(depth: int = 3000) -> bytes:
    """Sequences of undefined length nested ``depth`` deep (a recursive reader runs out of stack)."""
    data = ct_slice()
    (meta_length,) = struct.unpack_from("<I", data, 132 + 8)
    start = 132 + 12 + meta_length
    opening = struct.pack("<HH2sHI", 0x0008, 0x1115, b"SQ", 0, 0xFFFFFFFF) + struct.pack(
        "<HHI", 0xFFFE, 0xE000, 0xFFFFFFFF
    )
    closing = struct.pack("<HHI", 0xFFFE, 0xE00D, 0) + struct.pack("<HHI", 0xFFFE, 0xE0DD, 0)
    return data[:start] + opening * depth + closing * depth + data[start:]


def huge_image() -> bytes:
    """Rows × Columns of 60000 × 60000 (7 GB of pixels) declared over a few bytes of pixel data."""
    ds = ct_dataset()
    ds.Rows = ds.Columns = 60000
    return encode(ds)


def mr_image() -> bytes:
    return ct_slice(modality="MR", sop_class=MRImageStorage)


def structured_report() -> bytes:
    ds = ct_dataset(modality="SR", sop_class=SR_STORAGE)
    for keyword in ("Rows", "Columns", "PixelData", "BitsAllocated", "BitsStored", "HighBit"):
        delattr(ds, keyword)
    return encode(ds)


def with_strings(**values: str) -> bytes:
    """A valid CT slice whose text attributes hold ``values`` as given (CRLF, markup, NUL, ...)."""
    ds = ct_dataset()
    for keyword, value in values.items():
        setattr(ds, keyword, value)
    return encode(ds)


def with_raw_uid(keyword: str, value: str) -> bytes:
    """A slice whose UID attribute holds ``value`` (e.g. "../../etc"), written as raw bytes."""
    ds = ct_dataset()
    placeholder = "9" * len(value)
    setattr(ds, keyword, placeholder)
    if keyword == "SOPInstanceUID":
        ds.file_meta.MediaStorageSOPInstanceUID = placeholder
    return encode(ds).replace(placeholder.encode(), value.encode("latin-1"))


HOSTILE_TEXT = {
    "PatientName": "EVIL\r\nSet-Cookie: x=1^<script>alert(1)</script>",
    "StudyDescription": '<img src=x onerror="alert(1)">../../etc/passwd',
    "SeriesDescription": "<script>alert('series')</script>\x00NUL",
    "InstitutionName": "../../../../etc/passwd\r\nX-Injected: 1",
    "AccessionNumber": "<b>ACC</b>",
}


def broken_files() -> dict[str, bytes]:
    """Files that must each be rejected on their own, by name."""
    return {
        "zero.dcm": zero_bytes(),
        "truncated-header.dcm": truncated_in_header(),
        "truncated-pixels.dcm": truncated_in_pixels(),
        "not-dicom.gif": not_dicom(),
        "unknown-syntax.dcm": unknown_transfer_syntax(),
        "video-syntax.dcm": video_transfer_syntax(),
        "big-endian-claimed.dcm": big_endian_claimed_for_little_endian_data(),
        "giant-element.dcm": giant_element_length(),
        "giant-pixels.dcm": giant_pixel_length(),
        "huge-image.dcm": huge_image(),
        "deep-sequences.dcm": deep_sequences(),
        "mr.dcm": mr_image(),
        "sr.dcm": structured_report(),
        "dotdot-uid.dcm": with_raw_uid("SeriesInstanceUID", "1.2.3/../../../etc"),
        "nul-uid.dcm": with_raw_uid("SOPInstanceUID", "1.2.3\x004.5"),
    }


# --- archives ---


def zip_bytes(
    members: list[tuple[str | zipfile.ZipInfo, bytes]], *, method: int = zipfile.ZIP_DEFLATED
) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", compression=method) as archive:
        for name, data in members:
            archive.writestr(name, data, compress_type=method)
    return out.getvalue()


def zip_slip(good: bytes) -> bytes:
    return zip_bytes(
        [
            ("../../etc/passwd", good),
            ("/etc/shadow", good),
            ("C:\\Windows\\evil.dcm", good),
            ("ok/../../../escape.dcm", good),
        ]
    )


def zip_bomb() -> bytes:
    """One member of 64 MiB of zeros (a ratio of about 1000:1)."""
    return zip_bytes([("bomb.dcm", bytes(64 * 1024**2))])


def zip_of_many(count: int) -> bytes:
    return zip_bytes([(f"f{n}.txt", b"x") for n in range(count)], method=zipfile.ZIP_STORED)


def write(folder: Path, files: dict[str, bytes]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths
