"""The header facts ingest needs from one DICOM file, checked before anything is stored."""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pydicom
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.errors import BytesLengthException, InvalidDicomError
from pydicom.pixels import get_decoder
from pydicom.tag import Tag
from pydicom.uid import UID, DeflatedExplicitVRLittleEndian

from inference.dicom import values

UID_PATTERN = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")
UID_MAX_LENGTH = 64
# CT slices are 512 or 1024 pixels a side; far larger is no image we can analyse, only a risk to decode.
MAX_IMAGE_SIDE = 4096
MAX_FRAMES = 4096
PIXEL_DATA = 0x7FE00010
UNDEFINED_LENGTH = 0xFFFFFFFF
# Values longer than this (pixel data) are not read, only their declared length checked against the file.
DEFER_BYTES = 4096
_DECODE_ERRORS = (
    EOFError,
    OSError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    OverflowError,
    RecursionError,
    NotImplementedError,
    struct.error,
    BytesLengthException,
)


class IngestError(Exception):
    """A file that cannot be stored; the message is one line a person can act on."""


@dataclass(frozen=True)
class InstanceHeader:
    sop_instance_uid: str
    sop_class_uid: str
    series_instance_uid: str
    study_instance_uid: str
    modality: str
    transfer_syntax_uid: str
    instance_number: int | None
    patient_id: str
    issuer_of_patient_id: str
    patient_sex: str
    patient_birth_date: date | None
    study_date: date | None
    accession_number: str
    study_description: str
    institution_name: str
    series_number: int | None
    series_description: str
    slice_thickness_mm: float | None
    convolution_kernel: str
    manufacturer: str
    manufacturer_model_name: str


def _uid(value: str | None, name: str) -> str:
    if not value:
        raise IngestError(f"{name} is missing")
    if len(value) > UID_MAX_LENGTH or not UID_PATTERN.match(value):
        raise IngestError(f"{name} {value[:80]!r} is not a valid DICOM UID")
    return value


def _positive(value: float | None) -> float | None:
    return value if value is not None and value > 0 else None


def _short(value: str | None, length: int) -> str:
    return (value or "").replace("\x00", "").strip()[:length]


def read_instance_header(path: Path) -> InstanceHeader:
    """Header of ``path`` (pixel data not read); ``IngestError`` when it is not a storable image."""
    try:
        return _read_header(path)
    except InvalidDicomError:
        raise IngestError("not a DICOM file (no 'DICM' marker after the 128-byte preamble)") from None
    except _DECODE_ERRORS as error:  # pydicom reads values lazily: damage shows on first access too
        detail = " ".join(str(error).split())[:120]
        raise IngestError(f"not a readable DICOM file ({type(error).__name__}: {detail})") from None


def _read_header(path: Path) -> InstanceHeader:
    size = path.stat().st_size
    if size == 0:
        raise IngestError("empty file (0 bytes)")
    ds = pydicom.dcmread(path, defer_size=DEFER_BYTES)
    meta = getattr(ds, "file_meta", None)
    transfer_syntax = str(getattr(meta, "TransferSyntaxUID", "") or "") if meta is not None else ""
    if transfer_syntax and not UID_PATTERN.match(transfer_syntax):
        raise IngestError(f"TransferSyntaxUID {transfer_syntax[:80]!r} is not a valid DICOM UID")
    if transfer_syntax and not UID(transfer_syntax).is_transfer_syntax:
        raise IngestError(
            f"transfer syntax {transfer_syntax} is not a DICOM transfer syntax this server reads"
        )
    if not any(tag.group != 2 for tag in list(ds.keys())):  # (iterating ds itself converts)
        raise IngestError("no data set after the file meta information: the file is cut short")
    if transfer_syntax != DeflatedExplicitVRLittleEndian:  # offsets are in the inflated stream
        _check_lengths(ds, size)
    sop_class = _uid(values.text(ds, "SOPClassUID"), "SOPClassUID")
    modality = _short(values.text(ds, "Modality"), 16).upper()
    _check_pixels(ds, transfer_syntax, modality)
    return InstanceHeader(
        sop_instance_uid=_uid(values.text(ds, "SOPInstanceUID"), "SOPInstanceUID"),
        sop_class_uid=sop_class,
        series_instance_uid=_uid(values.text(ds, "SeriesInstanceUID"), "SeriesInstanceUID"),
        study_instance_uid=_uid(values.text(ds, "StudyInstanceUID"), "StudyInstanceUID"),
        modality=modality,
        transfer_syntax_uid=transfer_syntax,
        instance_number=values.integer(ds, "InstanceNumber"),
        patient_id=_short(values.text(ds, "PatientID"), 64),
        issuer_of_patient_id=_short(values.text(ds, "IssuerOfPatientID"), 64),
        patient_sex=_short(values.text(ds, "PatientSex"), 1).upper(),
        patient_birth_date=values.date_attribute(ds, "PatientBirthDate"),
        study_date=values.date_attribute(ds, "StudyDate"),
        accession_number=_short(values.text(ds, "AccessionNumber"), 16),
        study_description=_short(values.text(ds, "StudyDescription"), 64),
        institution_name=_short(values.text(ds, "InstitutionName"), 64),
        series_number=values.integer(ds, "SeriesNumber"),
        series_description=_short(values.text(ds, "SeriesDescription"), 64),
        slice_thickness_mm=_positive(values.number(ds, "SliceThickness")),
        convolution_kernel=_short(values.text(ds, "ConvolutionKernel"), 64),
        manufacturer=_short(values.text(ds, "Manufacturer"), 64),
        manufacturer_model_name=_short(values.text(ds, "ManufacturerModelName"), 64),
    )


def _check_lengths(ds: Dataset, size: int) -> None:
    """pydicom reads a file that ends early without a word; an element running past the end says so."""
    for tag in list(ds.keys()):
        raw = ds.get_item(tag, keep_deferred=True)
        if not isinstance(raw, RawDataElement) or raw.length == UNDEFINED_LENGTH:
            continue
        if raw.value_tell + raw.length > size:
            follow = max(size - raw.value_tell, 0)
            raise IngestError(
                f"the file is cut short: element {Tag(tag)} declares {raw.length} bytes, only {follow} follow"
            )


def _check_pixels(ds: Dataset, transfer_syntax: str, modality: str) -> None:
    raw = ds.get_item(PIXEL_DATA, keep_deferred=True)
    if raw is None:
        if modality == "CT":
            raise IngestError("CT image without pixel data")
        return
    rows, columns = values.integer(ds, "Rows") or 0, values.integer(ds, "Columns") or 0
    frames = values.integer(ds, "NumberOfFrames") or 1
    if rows <= 0 or columns <= 0:
        raise IngestError("Rows or Columns is missing or zero: the pixel data cannot be read")
    if rows > MAX_IMAGE_SIDE or columns > MAX_IMAGE_SIDE or not 0 < frames <= MAX_FRAMES:
        raise IngestError(
            f"image of {rows}×{columns} pixels × {frames} frame(s) is larger than the "
            f"{MAX_IMAGE_SIDE}×{MAX_IMAGE_SIDE} × {MAX_FRAMES} accepted"
        )
    if transfer_syntax and not _decodable(transfer_syntax):
        name = UID(transfer_syntax).name
        raise IngestError(
            f"transfer syntax {name} ({transfer_syntax}): its pixel data cannot be decoded here"
        )
    length = raw.length if isinstance(raw, RawDataElement) else len(raw.value or b"")
    if length == UNDEFINED_LENGTH or (transfer_syntax and UID(transfer_syntax).is_encapsulated):
        return  # compressed: its size says nothing about the image's
    samples = values.integer(ds, "SamplesPerPixel") or 1
    bits = values.integer(ds, "BitsAllocated") or 0
    needed = rows * columns * frames * samples * bits // 8
    if length < needed:
        raise IngestError(
            f"pixel data holds {length} bytes where {rows}×{columns}×{frames} pixels "
            f"of {bits} bits need {needed}"
        )


@lru_cache(maxsize=64)
def _decodable(transfer_syntax: str) -> bool:
    try:
        return bool(get_decoder(UID(transfer_syntax)).is_available)
    except NotImplementedError:  # video, audio, JPIP: no decoder at all
        return False
