"""Compressed copies decode through the installed pydicom plugins to the same HU."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image
from pydicom.dataset import Dataset
from pydicom.encaps import encapsulate
from pydicom.uid import (
    JPEG2000,
    JPEG2000Lossless,
    JPEGBaseline8Bit,
    JPEGLosslessSV1,
    JPEGLSLossless,
    JPEGLSNearLossless,
    RLELossless,
)

from inference.dicom import load_series

from .factory import WrittenSeries, compress_jpeg_lossless, compress_with, copy_series, write_series

LOSSLESS: dict[str, Callable[[Dataset], None]] = {
    "rle": compress_with(RLELossless),
    "jpeg-ls": compress_with(JPEGLSLossless),
    "jpeg2000": compress_with(JPEG2000Lossless),
    "jpeg-lossless-sv1": compress_jpeg_lossless,
}
SYNTAX = {
    "rle": RLELossless,
    "jpeg-ls": JPEGLSLossless,
    "jpeg2000": JPEG2000Lossless,
    "jpeg-lossless-sv1": JPEGLosslessSV1,
}


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> WrittenSeries:
    return write_series(tmp_path_factory.mktemp("original"))


@pytest.mark.parametrize("name", sorted(LOSSLESS))
def test_lossless_copy_loads_equal_to_uncompressed(
    name: str, original: WrittenSeries, tmp_path: Path
) -> None:
    paths = copy_series(original, tmp_path, LOSSLESS[name])
    assert pydicom.dcmread(paths[0]).file_meta.TransferSyntaxUID == SYNTAX[name]
    reference = load_series(original.paths[0].parent)
    volume = load_series(tmp_path)
    assert volume.hu.dtype == np.int16
    assert np.array_equal(volume.hu, reference.hu)
    np.testing.assert_array_equal(volume.affine, reference.affine)


def _pydicom_hu(paths: tuple[Path, ...]) -> np.ndarray:
    slices = []
    for path in paths:
        ds = pydicom.dcmread(path)
        slices.append(ds.pixel_array * float(ds.RescaleSlope) + float(ds.RescaleIntercept))
    return np.stack(slices)


@pytest.mark.parametrize(
    ("edit", "bound"),
    [
        (compress_with(JPEGLSNearLossless, jls_error=2), 2),
        (compress_with(JPEG2000, j2k_cr=[8]), 200),
    ],
    ids=["jpeg-ls-near-lossless", "jpeg2000-lossy"],
)
def test_lossy_copy_decodes_like_pydicom(edit, bound: int, original: WrittenSeries, tmp_path: Path) -> None:
    paths = copy_series(original, tmp_path, edit)
    volume = load_series(tmp_path)
    assert np.array_equal(volume.hu, _pydicom_hu(paths))
    assert np.abs(volume.hu.astype(int) - original.expected_hu).max() <= bound


def _jpeg_baseline(ds: Dataset) -> None:
    """8-bit copy through Pillow's JPEG encoder (the only 8-bit lossy codec installed)."""
    eight_bit = np.clip(ds.pixel_array // 8, 0, 255).astype(np.uint8)
    buffer = BytesIO()
    Image.fromarray(eight_bit).save(buffer, format="JPEG", quality=95)
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    ds.file_meta.TransferSyntaxUID = JPEGBaseline8Bit
    ds.PixelData = encapsulate([buffer.getvalue()])
    ds["PixelData"].VR = "OB"


def test_jpeg_baseline_decodes_like_pydicom(original: WrittenSeries, tmp_path: Path) -> None:
    paths = copy_series(original, tmp_path, _jpeg_baseline)
    volume = load_series(tmp_path)
    assert np.array_equal(volume.hu, _pydicom_hu(paths))
    approximate = np.clip(original.stored // 8, 0, 255) - 1024
    assert np.abs(volume.hu.astype(int) - approximate).max() <= 8
