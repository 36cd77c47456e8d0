"""Uncompressed encodings the fast reader handles itself must match pydicom's pixel_array."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset
from pydicom.uid import DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian, ImplicitVRLittleEndian

from inference.dicom import load_series

from .factory import SeriesSpec, copy_series, write_series


def _as_unsigned(ds: Dataset) -> None:
    ds.PixelRepresentation = 0
    ds.BitsStored = 12
    ds.HighBit = 11


def _implicit_vr(ds: Dataset) -> None:
    ds.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian


def _big_endian(ds: Dataset) -> None:
    ds.file_meta.TransferSyntaxUID = ExplicitVRBigEndian
    pixels = np.frombuffer(ds.PixelData, dtype="<i2")
    ds.PixelData = pixels.astype(">i2").tobytes()


def _pydicom_hu(paths: tuple[Path, ...]) -> np.ndarray:
    slices = []
    for path in paths:
        ds = pydicom.dcmread(path)
        slices.append(ds.pixel_array * float(ds.RescaleSlope) + float(ds.RescaleIntercept))
    return np.stack(slices)


def test_unsigned_16_bit(tmp_path: Path) -> None:
    written = write_series(tmp_path, transform=_as_unsigned)
    volume = load_series(tmp_path)
    assert volume.hu.dtype == np.int16
    assert np.array_equal(volume.hu, written.expected_hu)


def test_unsigned_values_above_32767_are_not_wrapped(tmp_path: Path) -> None:
    def high_values(ds: Dataset) -> None:
        ds.PixelRepresentation = 0
        ds.PixelData = (np.frombuffer(ds.PixelData, dtype="<u2") + 40000).astype("<u2").tobytes()

    written = write_series(tmp_path, SeriesSpec(rescale=lambda k: (1.0, -32768.0)), transform=high_values)
    volume = load_series(tmp_path)
    assert np.array_equal(volume.hu, _pydicom_hu(written.paths))
    assert volume.hu.min() > 0


def test_implicit_vr_little_endian(tmp_path: Path) -> None:
    written = write_series(tmp_path, transform=_implicit_vr)
    volume = load_series(tmp_path)
    assert np.array_equal(volume.hu, written.expected_hu)
    np.testing.assert_allclose(volume.spacing_mm, (2.5, 0.8, 0.7))


def test_explicit_vr_big_endian(tmp_path: Path) -> None:
    written = write_series(tmp_path, transform=_big_endian)
    volume = load_series(tmp_path)
    assert np.array_equal(volume.hu, written.expected_hu)
    assert np.array_equal(volume.hu, _pydicom_hu(written.paths))
    assert volume.metadata.rows == 64 and volume.metadata.columns == 48


def test_deflated_explicit_vr_little_endian(tmp_path: Path) -> None:
    def deflate(ds: Dataset) -> None:
        ds.file_meta.TransferSyntaxUID = DeflatedExplicitVRLittleEndian

    written = write_series(tmp_path / "raw")
    copy_series(written, tmp_path / "deflated", deflate)
    volume = load_series(tmp_path / "deflated")
    assert np.array_equal(volume.hu, written.expected_hu)
