"""The loaded CT volume."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .metadata import SeriesMetadata


@dataclass(frozen=True, eq=False)
class CtVolume:
    """Hounsfield units on a regular grid.

    ``hu[k, j, i]`` is slice k, row j, column i; ``hu`` is int16 when every slice's rescale is
    integral (slope 1, whole intercept) and the values fit, else float32. ``affine`` (4×4 float64)
    maps the homogeneous index ``(i, j, k, 1)`` to LPS millimetres.
    """

    hu: np.ndarray
    affine: np.ndarray
    metadata: SeriesMetadata
    warnings: tuple[str, ...] = ()

    @property
    def spacing_mm(self) -> tuple[float, float, float]:
        """Voxel size in the array's axis order: (slice, row, column)."""
        norms = np.linalg.norm(self.affine[:3, :3], axis=0)  # per column: i, j, k
        return (float(norms[2]), float(norms[1]), float(norms[0]))

    @property
    def shape(self) -> tuple[int, int, int]:
        k, j, i = self.hu.shape
        return (k, j, i)

    def index_to_lps(self, i: float, j: float, k: float) -> np.ndarray:
        """LPS millimetres of a (fractional) voxel index, (column, row, slice) as in the affine."""
        return (self.affine @ np.array([i, j, k, 1.0]))[:3]
