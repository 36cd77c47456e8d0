"""HU = stored × RescaleSlope + RescaleIntercept, per slice; int16 only when that is exact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset

from inference.dicom import load_series

from .factory import SeriesSpec, write_series


def test_integral_rescale_gives_int16(tmp_path: Path) -> None:
    written = write_series(tmp_path)
    volume = load_series(tmp_path)
    assert volume.hu.dtype == np.int16
    assert np.array_equal(volume.hu, written.expected_hu)


def test_intercepts_may_differ_between_slices(tmp_path: Path) -> None:
    spec = SeriesSpec(rescale=lambda k: (1.0, -1024.0 + 10 * k))
    written = write_series(tmp_path, spec)
    volume = load_series(tmp_path)
    assert volume.hu.dtype == np.int16
    assert np.array_equal(volume.hu, written.expected_hu)
    assert volume.hu[3, 0, 0] == written.stored[3, 0, 0] - 1024 + 30


def test_a_non_unit_slope_on_one_slice_gives_float32(tmp_path: Path) -> None:
    spec = SeriesSpec(rescale=lambda k: (0.5 if k == 7 else 1.0, -1000.0))
    written = write_series(tmp_path, spec)
    volume = load_series(tmp_path)
    assert volume.hu.dtype == np.float32
    np.testing.assert_allclose(volume.hu, written.expected_hu, atol=1e-3)
    assert volume.hu[7, 0, 0] == written.stored[7, 0, 0] * 0.5 - 1000


def test_a_fractional_intercept_gives_float32(tmp_path: Path) -> None:
    written = write_series(tmp_path, SeriesSpec(rescale=lambda k: (1.0, -1024.5)))
    volume = load_series(tmp_path)
    assert volume.hu.dtype == np.float32
    np.testing.assert_allclose(volume.hu, written.expected_hu, atol=1e-3)


def test_values_beyond_int16_after_rescale_give_float32(tmp_path: Path) -> None:
    # stored values reach ~1800; an intercept of 32 000 pushes them past 32 767 on later slices only
    written = write_series(tmp_path, SeriesSpec(rescale=lambda k: (1.0, 0.0 if k < 6 else 32000.0)))
    volume = load_series(tmp_path)
    assert volume.hu.dtype == np.float32
    assert np.array_equal(volume.hu, written.expected_hu.astype(np.float32))


def test_missing_rescale_uses_stored_values_and_warns(tmp_path: Path) -> None:
    def drop_rescale(ds: Dataset) -> None:
        del ds.RescaleSlope
        del ds.RescaleIntercept

    written = write_series(tmp_path, transform=drop_rescale)
    volume = load_series(tmp_path)
    assert np.array_equal(volume.hu, written.stored)
    assert any("RescaleSlope" in w for w in volume.warnings)
