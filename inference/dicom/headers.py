"""Reading one file's header, once, without loading its pixel values.

Pixel data (and any other element over ``DEFER_BYTES``) is *deferred*: pydicom records where the
value lies in the file and skips it. The loader later reads the pixel bytes of the chosen series
straight from that offset, so each file is read once, and the other series never cost a pixel.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pydicom
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError
from pydicom.uid import UID, DeflatedExplicitVRLittleEndian

from . import values
from .errors import MissingTagError

DEFER_BYTES = 1024
PIXEL_DATA_TAGS = (0x7FE00010, 0x7FE00008, 0x7FE00009)  # Pixel Data, Float and Double Float Pixel Data
UNDEFINED_LENGTH = 0xFFFFFFFF
MEDIA_STORAGE_DIRECTORY = "1.2.840.10008.1.3.10"  # DICOMDIR


@dataclass(frozen=True, slots=True)
class SliceGeometry:
    """Where one image lies: what the affine and the slice ordering are built from."""

    position: tuple[float, float, float]
    orientation: tuple[float, float, float, float, float, float]
    pixel_spacing: tuple[float, float]  # (row spacing, column spacing) as DICOM orders them
    rows: int
    columns: int


@dataclass(frozen=True, slots=True)
class SliceHeader:
    """One image file's header; ``geometry`` is None (with ``geometry_error``) when a tag is missing."""

    path: Path
    dataset: Dataset
    series_uid: str
    sop_instance_uid: str | None
    modality: str | None
    has_pixel_data: bool
    geometry: SliceGeometry | None
    geometry_error: MissingTagError | None

    def require_geometry(self) -> SliceGeometry:
        if self.geometry is None:
            raise self.geometry_error or MissingTagError("ImagePositionPatient", self.path)
        return self.geometry


@dataclass(frozen=True, slots=True)
class Skipped:
    """Not a DICOM image: not DICOM at all, a DICOMDIR, a report, a presentation state, …"""

    path: Path
    why: str


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Claims to be DICOM but its header cannot be parsed (usually truncated)."""

    path: Path
    reason: str


HeaderResult = SliceHeader | Skipped | Unreadable


def read_header(path: Path) -> HeaderResult:
    try:
        ds = pydicom.dcmread(path, defer_size=DEFER_BYTES)
    except InvalidDicomError:
        return Skipped(path, "not DICOM")
    except Exception as exc:  # pydicom raises many unrelated types on damaged files
        return Unreadable(path, f"cannot parse DICOM header ({type(exc).__name__}: {exc})")
    truncation = _truncation(path, ds)
    if truncation is not None:
        return Unreadable(path, truncation)
    return classify(path, ds)


def _truncation(path: Path, ds: Dataset) -> str | None:
    """pydicom stops quietly at end of file, so check the last element really fits in the file."""
    tags = ds.keys()
    if not tags or ds.file_meta.get("TransferSyntaxUID") == DeflatedExplicitVRLittleEndian:
        return None  # a deflated data set's offsets count inflated bytes, not the file's
    last = ds.get_item(max(tags), keep_deferred=True)
    if not isinstance(last, RawDataElement) or last.length == UNDEFINED_LENGTH:
        return None  # undefined lengths raise EOFError inside pydicom when cut short
    end = last.value_tell + last.length
    size = path.stat().st_size
    if end <= size:
        return None
    return f"file is truncated ({size} bytes; its last element, {last.tag}, needs {end})"


def classify(path: Path, ds: Dataset) -> HeaderResult:
    if not ds.keys():
        return Unreadable(path, "no data set after the file meta information (truncated or damaged)")
    sop_class = values.text(ds, "SOPClassUID") or _media_sop_class(ds)
    if sop_class == MEDIA_STORAGE_DIRECTORY:
        return Skipped(path, "DICOMDIR")
    has_pixels = any(tag in ds for tag in PIXEL_DATA_TAGS)
    if not has_pixels and not _is_image_sop_class(sop_class):
        return Skipped(path, "no pixel data (non-image object)")
    series_uid = values.text(ds, "SeriesInstanceUID")
    if series_uid is None:
        return Unreadable(path, "image without SeriesInstanceUID (truncated or damaged)")
    geometry, error = _geometry(ds, path)
    return SliceHeader(
        path=path,
        dataset=ds,
        series_uid=series_uid,
        sop_instance_uid=values.text(ds, "SOPInstanceUID"),
        modality=values.text(ds, "Modality"),
        has_pixel_data=has_pixels,
        geometry=geometry,
        geometry_error=error,
    )


def _media_sop_class(ds: Dataset) -> str | None:
    meta = getattr(ds, "file_meta", None)
    return values.text(meta, "MediaStorageSOPClassUID") if meta is not None else None


def _is_image_sop_class(sop_class: str | None) -> bool:
    return sop_class is not None and "Image Storage" in UID(sop_class).name


def _orthonormal(orientation: tuple[float, ...], tolerance: float = 0.01) -> bool:
    row, col = orientation[:3], orientation[3:]
    norm_row = sum(v * v for v in row) ** 0.5
    norm_col = sum(v * v for v in col) ** 0.5
    dot = sum(a * b for a, b in zip(row, col, strict=True))
    return abs(norm_row - 1) < tolerance and abs(norm_col - 1) < tolerance and abs(dot) < tolerance


def _geometry(ds: Dataset, path: Path) -> tuple[SliceGeometry | None, MissingTagError | None]:
    try:
        position = values.required_numbers(ds, "ImagePositionPatient", 3, path)
        orientation = values.required_numbers(ds, "ImageOrientationPatient", 6, path)
        spacing = values.required_numbers(ds, "PixelSpacing", 2, path)
        rows = values.required_integer(ds, "Rows", path)
        columns = values.required_integer(ds, "Columns", path)
        if not _orthonormal(orientation):
            raise MissingTagError("ImageOrientationPatient", path)
        if min(spacing) <= 0:
            raise MissingTagError("PixelSpacing", path)
        if rows <= 0 or columns <= 0:
            raise MissingTagError("Rows" if rows <= 0 else "Columns", path)
    except MissingTagError as exc:
        return None, exc
    geometry = SliceGeometry(
        position=(position[0], position[1], position[2]),
        orientation=(
            orientation[0],
            orientation[1],
            orientation[2],
            orientation[3],
            orientation[4],
            orientation[5],
        ),
        pixel_spacing=(spacing[0], spacing[1]),
        rows=rows,
        columns=columns,
    )
    return geometry, None
