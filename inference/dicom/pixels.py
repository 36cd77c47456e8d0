"""Pixel values of sorted slices into one Hounsfield-unit array ``hu[k, j, i]``.

Uncompressed little/big-endian data is read straight from the file offset pydicom recorded for the
deferred Pixel Data element, into the output array itself when the item sizes match. Everything else
goes through ``pixel_array``, which picks the installed decoder plugins (pylibjpeg-libjpeg,
pylibjpeg-openjpeg, pylibjpeg-rle, pyjpegls).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pydicom
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.pixels import pixel_array
from pydicom.uid import (
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
)

from . import values
from .errors import MissingPixelDataError, UnreadableDicomError, UnsupportedDicomError
from .headers import SliceHeader

PIXEL_DATA = 0x7FE00010
NATIVE_SYNTAXES = {ImplicitVRLittleEndian, ExplicitVRLittleEndian, ExplicitVRBigEndian}
INT16_MIN, INT16_MAX = -32768, 32767


@dataclass(frozen=True, slots=True)
class Rescale:
    slope: float
    intercept: float

    @property
    def is_integral(self) -> bool:
        return self.slope == 1.0 and float(self.intercept).is_integer()


def rescale_of(ds: Dataset) -> Rescale | None:
    """RescaleSlope/Intercept, or None when absent (the caller then assumes 1/0 and warns)."""
    slope = values.number(ds, "RescaleSlope")
    intercept = values.number(ds, "RescaleIntercept")
    if slope is None and intercept is None:
        return None
    return Rescale(slope=1.0 if slope is None else slope, intercept=0.0 if intercept is None else intercept)


class RawSliceReader:
    """Stored pixel values of one slice as a (rows, columns) array; the result may be a reused buffer."""

    def __init__(self, rows: int, columns: int) -> None:
        self._rows = rows
        self._columns = columns
        self._buffer = bytearray()

    def read(self, header: SliceHeader, *, into: np.ndarray | None = None) -> np.ndarray:
        """Stored values; uncompressed data of ``into``'s item size is read straight into ``into``."""
        ds = header.dataset
        if not header.has_pixel_data or PIXEL_DATA not in ds:
            raise MissingPixelDataError(header.path)
        _check_single_frame_grey(header)
        native_dtype = _native_dtype(ds)
        if native_dtype is not None:
            return self._read_native(header, native_dtype, into)
        return self._decode(header)

    def _read_native(self, header: SliceHeader, dtype: np.dtype, into: np.ndarray | None) -> np.ndarray:
        count = self._rows * self._columns
        needed = count * dtype.itemsize
        element = header.dataset.get_item(PIXEL_DATA, keep_deferred=True)
        data: memoryview
        if isinstance(element, RawDataElement) and element.value is None:  # deferred: read it now
            if into is not None and dtype.isnative and into.dtype.itemsize == dtype.itemsize:
                got = self._read_at(header, element.value_tell, memoryview(into).cast("B"))
                _check_length(header, got, needed)
                return into.view(dtype)
            data = self._scratch(needed)
            data = data[: self._read_at(header, element.value_tell, data)]
        else:
            data = memoryview(element.value)
        _check_length(header, len(data), needed)
        array = np.frombuffer(data, dtype=dtype, count=count).reshape(self._rows, self._columns)
        return array if dtype.isnative else array.astype(dtype.newbyteorder("="))

    def _scratch(self, size: int) -> memoryview:
        if len(self._buffer) != size:
            self._buffer = bytearray(size)
        return memoryview(self._buffer)

    @staticmethod
    def _read_at(header: SliceHeader, offset: int, target: memoryview) -> int:
        try:
            with open(header.path, "rb") as stream:
                stream.seek(offset)
                return stream.readinto(target)
        except OSError as exc:
            raise UnreadableDicomError(header.path, f"cannot read pixel data ({exc})") from exc

    def _decode(self, header: SliceHeader) -> np.ndarray:
        syntax = header.dataset.file_meta.get("TransferSyntaxUID", "unknown transfer syntax")
        try:
            if syntax == DeflatedExplicitVRLittleEndian:
                # pixel_array(path) parses the raw file, which for deflate is still compressed.
                array = pydicom.dcmread(header.path).pixel_array
            else:
                # Decodes from the file rather than the dataset, so no decoded copy stays cached on it.
                array = pixel_array(header.path)
        except Exception as exc:  # decoder plugins raise anything from ValueError to RuntimeError
            name = getattr(syntax, "name", str(syntax))
            raise UnreadableDicomError(header.path, f"cannot decode pixel data ({name}): {exc}") from exc
        if array.shape != (self._rows, self._columns):
            raise UnreadableDicomError(header.path, f"decoded pixel array has shape {array.shape}")
        return array


def _check_length(header: SliceHeader, got: int, needed: int) -> None:
    if got < needed:
        raise UnreadableDicomError(header.path, f"truncated pixel data ({got} of {needed} bytes present)")


def _check_single_frame_grey(header: SliceHeader) -> None:
    ds = header.dataset
    frames = values.integer(ds, "NumberOfFrames") or 1
    samples = values.integer(ds, "SamplesPerPixel") or 1
    if frames != 1:
        raise UnsupportedDicomError(f"{header.path}: multi-frame images ({frames} frames) are not supported")
    if samples != 1:
        raise UnsupportedDicomError(
            f"{header.path}: colour images ({samples} samples/pixel) are not supported"
        )


def _native_dtype(ds: Dataset) -> np.dtype | None:
    """The numpy dtype of uncompressed pixel data, or None when pydicom must decode it."""
    syntax = ds.file_meta.get("TransferSyntaxUID") if hasattr(ds, "file_meta") else None
    if syntax not in NATIVE_SYNTAXES:
        return None
    bits = values.integer(ds, "BitsAllocated")
    signed = values.integer(ds, "PixelRepresentation")
    if bits not in (8, 16, 32) or signed not in (0, 1):
        return None
    order = ">" if syntax == ExplicitVRBigEndian else "<"
    if bits == 8 and syntax == ExplicitVRBigEndian:
        return None  # 8-bit data in OW big endian is byte-swapped in pairs; leave it to pydicom
    return np.dtype(f"{order}{'i' if signed else 'u'}{bits // 8}")


class HuVolumeBuilder:
    """Fills ``hu[k]`` slice by slice; int16 while every slice allows it, else float32."""

    def __init__(self, shape: tuple[int, int, int], *, integral: bool) -> None:
        self._hu = np.empty(shape, dtype=np.int16 if integral else np.float32)

    @property
    def hu(self) -> np.ndarray:
        return self._hu

    def slot(self, k: int) -> np.ndarray | None:
        """Where slice k's stored values may be read in place (int16 volumes only)."""
        return self._hu[k] if self._hu.dtype == np.int16 else None

    def put(self, k: int, raw: np.ndarray, rescale: Rescale) -> None:
        """``raw`` may be ``slot(k)`` itself; it is read before slice k is overwritten."""
        if self._hu.dtype == np.int16:
            if rescale.is_integral and self._put_int16(k, raw, int(rescale.intercept)):
                return
            self._hu = self._hu.astype(np.float32)
        target = self._hu[k]
        np.multiply(raw, np.float32(rescale.slope), out=target, casting="unsafe")
        target += np.float32(rescale.intercept)

    def _put_int16(self, k: int, raw: np.ndarray, intercept: int) -> bool:
        """Store ``raw + intercept`` as int16 if every value fits; False (nothing stored) otherwise."""
        if not INT16_MIN <= intercept <= INT16_MAX:
            return False
        if raw.dtype == np.uint16 and int(raw.max()) <= INT16_MAX:
            raw = raw.view(np.int16)  # same bits for values up to 32767
        if raw.dtype == np.int16:
            # int16 plus the intercept can only overflow at the end it pushes towards: one pass suffices.
            if intercept < 0 and int(raw.min()) + intercept < INT16_MIN:
                return False
            if intercept > 0 and int(raw.max()) + intercept > INT16_MAX:
                return False
            np.add(raw, np.int16(intercept), out=self._hu[k])
            return True
        if int(raw.min()) + intercept < INT16_MIN or int(raw.max()) + intercept > INT16_MAX:
            return False
        self._hu[k] = raw.astype(np.int64) + intercept
        return True


def assemble_hu(
    headers: Sequence[SliceHeader], rescales: Sequence[Rescale], *, rows: int, columns: int
) -> np.ndarray:
    """HU array for headers already in slice order."""
    integral = all(r.is_integral for r in rescales)
    builder = HuVolumeBuilder((len(headers), rows, columns), integral=integral)
    reader = RawSliceReader(rows, columns)
    for k, (header, rescale) in enumerate(zip(headers, rescales, strict=True)):
        builder.put(k, reader.read(header, into=builder.slot(k)), rescale)
    return builder.hu
