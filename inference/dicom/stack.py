"""Slice order, spacing checks and the voxel-to-LPS affine of a stack of 2-D images."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import DuplicateSliceError, InconsistentSeriesError, MissingSliceError, UnevenSpacingError
from .headers import SliceGeometry

AXIAL_TOLERANCE_DEG = 10.0
# A step this many times the median step means at least one slice is missing.
MISSING_SLICE_FACTOR = 1.5
# Steps may wander by rounding; uneven only when off the median by more than both of these.
UNEVEN_RELATIVE = 0.05
UNEVEN_ABSOLUTE_MM = 0.05
DUPLICATE_MM = 0.01
ORIENTATION_TOLERANCE = 1e-3
PIXEL_SPACING_TOLERANCE_MM = 1e-3
SHEAR_WARNING_DEG = 0.5
DEFAULT_SINGLE_SLICE_MM = 1.0


def row_direction(orientation: Sequence[float]) -> np.ndarray:
    """Direction in which the column index i increases (IOP[0:3])."""
    return np.asarray(orientation[:3], dtype=np.float64)


def column_direction(orientation: Sequence[float]) -> np.ndarray:
    """Direction in which the row index j increases (IOP[3:6])."""
    return np.asarray(orientation[3:6], dtype=np.float64)


def slice_normal(orientation: Sequence[float]) -> np.ndarray:
    normal = np.cross(row_direction(orientation), column_direction(orientation))
    length = float(np.linalg.norm(normal))
    if not length > 1e-6:
        raise ValueError(f"degenerate ImageOrientationPatient {list(orientation)}")
    return normal / length


def angle_to_z_deg(orientation: Sequence[float]) -> float:
    """Angle between the slice normal and the patient z axis, 0–90°."""
    cosine = min(1.0, abs(float(slice_normal(orientation)[2])))
    return math.degrees(math.acos(cosine))


def is_axial(orientation: Sequence[float], *, tolerance_deg: float = AXIAL_TOLERANCE_DEG) -> bool:
    return angle_to_z_deg(orientation) <= tolerance_deg


def check_same_grid(geometries: Sequence[SliceGeometry], paths: Sequence[Path], *, series_uid: str) -> None:
    """All images of one series must share rows, columns, pixel spacing and orientation."""
    first, first_path = geometries[0], paths[0]
    for geometry, path in zip(geometries[1:], paths[1:], strict=True):
        difference = _grid_difference(first, geometry)
        if difference:
            raise InconsistentSeriesError(
                f"series {series_uid} mixes images with different {difference[0]}: {first_path.name} has "
                f"{difference[1]}, {path.name} has {difference[2]} (two series under one SeriesInstanceUID?)"
            )


def _grid_difference(a: SliceGeometry, b: SliceGeometry) -> tuple[str, str, str] | None:
    if (a.rows, a.columns) != (b.rows, b.columns):
        return "matrix size", f"{a.rows}×{a.columns}", f"{b.rows}×{b.columns}"
    if not _close(a.pixel_spacing, b.pixel_spacing, PIXEL_SPACING_TOLERANCE_MM):
        return "PixelSpacing", _fmt(a.pixel_spacing), _fmt(b.pixel_spacing)
    if not _close(a.orientation, b.orientation, ORIENTATION_TOLERANCE):
        return "ImageOrientationPatient", _fmt(a.orientation), _fmt(b.orientation)
    return None


def _close(a: Sequence[float], b: Sequence[float], tolerance: float) -> bool:
    # Plain Python: this runs once per slice, where numpy's call overhead would dominate.
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def _fmt(numbers: Sequence[float]) -> str:
    return "[" + ", ".join(f"{v:g}" for v in numbers) + "]"


@dataclass(frozen=True)
class SliceOrder:
    """The slices sorted along the normal; ``indices`` point into the unsorted input."""

    indices: tuple[int, ...]
    positions_mm: tuple[float, ...]  # projections of ImagePositionPatient on the normal, ascending
    step: tuple[float, float, float]  # LPS vector from slice k to slice k + 1
    warnings: tuple[str, ...] = ()

    @property
    def spacing_mm(self) -> float:
        return float(np.linalg.norm(self.step))


def order_slices(
    geometries: Sequence[SliceGeometry],
    paths: Sequence[Path],
    *,
    single_slice_spacing_mm: float | None = None,
) -> SliceOrder:
    """Sort ascending along row_dir × col_dir and check the steps are whole and even.

    Raises DuplicateSliceError, MissingSliceError or UnevenSpacingError.
    """
    normal = slice_normal(geometries[0].orientation)
    positions = np.array([g.position for g in geometries], dtype=np.float64)
    projections = positions @ normal
    indices = np.argsort(projections, kind="stable")
    sorted_projections = projections[indices]
    sorted_paths = [paths[i] for i in indices]
    if len(geometries) == 1:
        return _single_slice_order(normal, float(sorted_projections[0]), single_slice_spacing_mm)
    steps = np.diff(sorted_projections)
    _check_steps(steps, sorted_projections, sorted_paths)
    step = (positions[indices[-1]] - positions[indices[0]]) / (len(geometries) - 1)
    return SliceOrder(
        indices=tuple(int(i) for i in indices),
        positions_mm=tuple(float(p) for p in sorted_projections),
        step=(float(step[0]), float(step[1]), float(step[2])),
        warnings=_shear_warnings(step, normal),
    )


def median_step_mm(geometries: Sequence[SliceGeometry]) -> float | None:
    """Median distance between neighbouring slices, without any checks (for ranking series)."""
    if len(geometries) < 2:
        return None
    normal = slice_normal(geometries[0].orientation)
    projections = np.sort(np.array([g.position for g in geometries], dtype=np.float64) @ normal)
    return float(np.median(np.diff(projections)))


def _single_slice_order(normal: np.ndarray, projection: float, spacing_mm: float | None) -> SliceOrder:
    spacing = spacing_mm if spacing_mm and spacing_mm > 0 else DEFAULT_SINGLE_SLICE_MM
    step = normal * spacing
    return SliceOrder(
        indices=(0,),
        positions_mm=(projection,),
        step=(float(step[0]), float(step[1]), float(step[2])),
        warnings=(f"single-slice series: slice spacing {spacing:g} mm taken from the header, not positions",),
    )


def _check_steps(steps: np.ndarray, projections: np.ndarray, paths: Sequence[Path]) -> None:
    duplicates = np.flatnonzero(steps < DUPLICATE_MM)
    if duplicates.size:
        k = int(duplicates[0])
        raise DuplicateSliceError(
            f"{duplicates.size} duplicate slice position(s): {paths[k].name} and {paths[k + 1].name} "
            f"both lie at {projections[k]:.2f} mm along the slice normal"
        )
    median = float(np.median(steps))
    gaps = np.flatnonzero(steps > MISSING_SLICE_FACTOR * median)
    if gaps.size:
        k = int(gaps[0])
        raise MissingSliceError(
            f"missing slice(s) between positions {projections[k]:.2f} mm and {projections[k + 1]:.2f} mm "
            f"along the slice normal ({paths[k].name} and {paths[k + 1].name}: gap {steps[k]:.2f} mm, "
            f"usual step {median:.2f} mm; {gaps.size} gap(s) in all)"
        )
    deviation = np.abs(steps - median)
    worst = int(np.argmax(deviation))
    if deviation[worst] > UNEVEN_RELATIVE * median and deviation[worst] > UNEVEN_ABSOLUTE_MM:
        raise UnevenSpacingError(
            f"uneven slice spacing: steps range {steps.min():.3f}–{steps.max():.3f} mm around a median of "
            f"{median:.3f} mm (worst between {projections[worst]:.2f} mm and {projections[worst + 1]:.2f} mm)"
        )


def _shear_warnings(step: np.ndarray, normal: np.ndarray) -> tuple[str, ...]:
    cosine = min(1.0, abs(float(step @ normal)) / float(np.linalg.norm(step)))
    angle = math.degrees(math.acos(cosine))
    if angle <= SHEAR_WARNING_DEG:
        return ()
    return (f"slices are sheared by {angle:.1f}° (gantry tilt?); the affine follows the slice positions",)


def build_affine(first: SliceGeometry, step: Sequence[float]) -> np.ndarray:
    """4×4 map from (i=column, j=row, k=slice, 1) to LPS millimetres; origin = IPP of slice k=0."""
    affine = np.eye(4, dtype=np.float64)
    affine[:3, 0] = row_direction(first.orientation) * first.pixel_spacing[1]
    affine[:3, 1] = column_direction(first.orientation) * first.pixel_spacing[0]
    affine[:3, 2] = np.asarray(step, dtype=np.float64)
    affine[:3, 3] = np.asarray(first.position, dtype=np.float64)
    return affine
