"""Pixel data frames of a stored file: the exact stored bytes, or decoded to native little endian.

Native (uncompressed) little-endian pixel data is read straight from the file: the header is parsed
once with the pixel data left unread, which gives the value's offset, and each asked frame is one
seek and one read. Encapsulated (compressed) frames are cut out of the fragments as stored. Only
when a client cannot take the stored compression are frames decoded (pylibjpeg plugins).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.encaps import get_frame
from pydicom.pixels import pixel_array
from pydicom.uid import UID, ExplicitVRLittleEndian, ImplicitVRLittleEndian

from studies.dicomweb.dicom_json import PIXEL_DATA, UNDEFINED_LENGTH, read_header
from studies.dicomweb.errors import BadRequest, DicomWebError, NotFound

BINARY_VRS = frozenset({"OB", "OD", "OF", "OL", "OV", "OW", "UN"})
NATIVE_LITTLE_ENDIAN = frozenset({ExplicitVRLittleEndian, ImplicitVRLittleEndian})
MAX_REPEATED_FRAMES = 16


@dataclass(frozen=True)
class PixelLayout:
    transfer_syntax: UID
    frames: int
    offset: int  # of the pixel data value in the file (native), of its first item (encapsulated)
    length: int  # of the value; UNDEFINED_LENGTH when encapsulated
    frame_size: int  # bytes of one native frame (rows × columns × samples × bits / 8)

    @property
    def encapsulated(self) -> bool:
        return self.transfer_syntax.is_encapsulated

    @property
    def stored_native(self) -> bool:
        """Frames can be cut from the file as they are and sent as Explicit VR Little Endian."""
        return self.transfer_syntax in NATIVE_LITTLE_ENDIAN


def read_layout(path: Path) -> tuple[Dataset, PixelLayout]:
    try:
        ds = read_header(path)
    except OSError as error:
        raise DicomWebError(f"stored file cannot be read ({error})", status=500) from None
    raw = ds.get_item(PIXEL_DATA, keep_deferred=True)
    if raw is None:
        raise NotFound("this instance has no pixel data")
    syntax = UID(str(ds.file_meta.get("TransferSyntaxUID", ImplicitVRLittleEndian)))
    frames = int(ds.get("NumberOfFrames") or 1)
    rows, columns = int(ds.get("Rows") or 0), int(ds.get("Columns") or 0)
    samples, bits = int(ds.get("SamplesPerPixel") or 1), int(ds.get("BitsAllocated") or 8)
    frame_bits = rows * columns * samples * bits
    if isinstance(raw, RawDataElement):
        offset, length = raw.value_tell, raw.length
    else:  # already read (small value): position unknown, use the decoded route
        offset, length = -1, len(raw.value or b"")
    return ds, PixelLayout(syntax, frames, offset, length, frame_bits // 8 if frame_bits % 8 == 0 else -1)


def check_numbers(numbers: Sequence[int], layout: PixelLayout) -> None:
    # A list may repeat a frame, but a URL of thousands of "1,1,…" must not multiply the answer.
    if len(numbers) > max(layout.frames, MAX_REPEATED_FRAMES):
        raise BadRequest(f"{len(numbers)} frames asked of an instance that has {layout.frames}")
    for number in numbers:
        if number < 1 or number > layout.frames:
            raise NotFound(f"frame {number} does not exist (the instance has {layout.frames})")


def stored_frames(path: Path, layout: PixelLayout, numbers: Sequence[int]) -> list[bytes]:
    """The frames exactly as stored (native little endian or encapsulated)."""
    with path.open("rb") as fp:
        if layout.encapsulated:
            return [_encapsulated(fp, layout, n) for n in numbers]
        if layout.offset < 0 or layout.frame_size <= 0 or not layout.stored_native:
            raise BadRequest("pixel data of this instance cannot be cut into frames as stored")
        out = []
        for number in numbers:
            start = (number - 1) * layout.frame_size
            if start + layout.frame_size > layout.length:
                raise DicomWebError(
                    f"pixel data of frame {number} is cut short in the stored file", status=500
                )
            fp.seek(layout.offset + start)
            out.append(fp.read(layout.frame_size))
        return out


def _encapsulated(fp: BinaryIO, layout: PixelLayout, number: int) -> bytes:
    fp.seek(layout.offset)
    return get_frame(fp, number - 1, number_of_frames=layout.frames)


def decoded_frames(path: Path, ds: Dataset, numbers: Sequence[int]) -> list[bytes]:
    """The frames decoded to native little-endian bytes (as Explicit VR Little Endian would hold)."""
    out = []
    signed = int(ds.get("PixelRepresentation") or 0) == 1
    bits = int(ds.get("BitsAllocated") or 8)
    for number in numbers:
        try:
            array = pixel_array(str(path), index=number - 1, raw=True)
        except Exception as error:  # no decoder for this syntax, corrupt data
            raise DicomWebError(f"frame {number} cannot be decoded ({error})", status=500) from None
        dtype = np.dtype(f"<{'i' if signed else 'u'}{max(bits, 8) // 8}")
        out.append(np.ascontiguousarray(array, dtype=dtype).tobytes())
    return out


def element_bytes(path: Path, ds: Dataset, tag: int) -> bytes | None:
    """The stored value of a top-level binary element (read from the file when it was deferred);
    None when the element is missing or not binary."""
    element = ds.get_item(tag, keep_deferred=True)
    if element is None:
        return None
    if isinstance(element, RawDataElement):
        if element.VR not in BINARY_VRS and element.VR is not None:
            return None
        if element.value is not None:
            return bytes(element.value)
        if element.length == UNDEFINED_LENGTH:
            return None
        with path.open("rb") as fp:
            fp.seek(element.value_tell)
            return fp.read(element.length)
    value = element.value
    return bytes(value) if isinstance(value, bytes | bytearray) else None
