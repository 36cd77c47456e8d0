"""The affine maps (column, row, slice) indices to LPS millimetres exactly as the headers say."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from inference.dicom import load_series

from .factory import SAGITTAL, SeriesSpec, write_series


def _oblique_orientation() -> tuple[float, ...]:
    matrix = Rotation.from_euler("zyx", [25, 6, -4], degrees=True).as_matrix()
    return tuple(float(v) for v in (*matrix[:, 0], *matrix[:, 1]))


@pytest.fixture
def oblique(tmp_path: Path) -> tuple[SeriesSpec, object]:
    spec = SeriesSpec(
        orientation=_oblique_orientation(),
        origin=(-123.4, 56.7, 890.1),
        step_mm=1.25,
        pixel_spacing=(0.6, 0.9),
    )
    write_series(tmp_path, spec)
    return spec, load_series(tmp_path)


def test_each_slice_origin_is_its_image_position(oblique) -> None:
    spec, volume = oblique
    for k, position in enumerate(spec.slice_positions()):
        np.testing.assert_allclose(volume.affine @ [0, 0, k, 1], [*position, 1], atol=1e-3)


def test_column_index_moves_along_the_row_cosines_by_the_column_spacing(oblique) -> None:
    spec, volume = oblique
    row_cosines = np.array(spec.orientation[:3])
    origin = np.array(spec.slice_positions()[0])
    np.testing.assert_allclose(volume.index_to_lps(10, 0, 0), origin + 10 * 0.9 * row_cosines, atol=1e-4)


def test_row_index_moves_along_the_column_cosines_by_the_row_spacing(oblique) -> None:
    spec, volume = oblique
    column_cosines = np.array(spec.orientation[3:])
    origin = np.array(spec.slice_positions()[0])
    np.testing.assert_allclose(volume.index_to_lps(0, 7, 0), origin + 7 * 0.6 * column_cosines, atol=1e-4)


def test_a_voxel_maps_to_its_slice_position_plus_in_plane_offsets(oblique) -> None:
    spec, volume = oblique
    k, j, i = 5, 20, 30
    o = np.array(spec.orientation)
    expected = np.array(spec.slice_positions()[k]) + i * 0.9 * o[:3] + j * 0.6 * o[3:]
    np.testing.assert_allclose(volume.index_to_lps(i, j, k), expected, atol=1e-3)


def test_spacing_is_slice_row_column(oblique) -> None:
    _, volume = oblique
    np.testing.assert_allclose(volume.spacing_mm, (1.25, 0.6, 0.9), atol=1e-5)
    assert volume.hu.shape == (12, 64, 48)
    assert volume.affine.dtype == np.float64 and volume.affine.shape == (4, 4)


def test_array_axes_are_slice_row_column(tmp_path: Path) -> None:
    written = write_series(tmp_path)
    volume = load_series(tmp_path)
    # stored values rise by 3 per row and fall by 2 per column: a transposed array would not match
    k, j, i = 4, 10, 30
    assert volume.hu[k, j, i] == written.expected_hu[k, j, i]
    assert volume.hu.shape == written.expected_hu.shape


def test_sagittal_stack_affine(tmp_path: Path) -> None:
    spec = SeriesSpec(orientation=SAGITTAL, origin=(40.0, -100.0, 200.0), step_mm=3.0)
    write_series(tmp_path, spec)
    volume = load_series(tmp_path)
    # normal = row × col = (0,1,0) × (0,0,-1) = (-1,0,0): ascending along it means x decreasing
    np.testing.assert_allclose(volume.affine[:3, 2], [-3.0, 0.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(volume.affine[:3, 3], spec.slice_positions()[0], atol=1e-9)
    np.testing.assert_allclose(volume.affine[:3, 1], [0.0, 0.0, -0.8], atol=1e-9)
