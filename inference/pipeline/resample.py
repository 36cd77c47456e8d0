"""Resampling a CT volume to the isotropic, LPS-aligned working grid the networks see.

The working array is indexed ``[z, y, x]`` with x, y, z increasing towards patient left, posterior
and superior, whatever the orientation, slice order or anisotropy of the input; its affine maps the
homogeneous index ``(x_index, y_index, z_index, 1)`` to LPS millimetres, so predictions on the grid
map back to patient coordinates exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

# Physical windows (HU) for the two input channels: a wide one for body/air/soft tissue context and a
# bone one. They are fixed CT physics, not tuned to any data set.
WIDE_WINDOW_HU = (-1000.0, 2000.0)
BONE_WINDOW_HU = (-200.0, 1200.0)
AIR_HU = -1000.0


@dataclass(frozen=True)
class WorkingGrid:
    """An isotropic axis-aligned grid: ``shape`` is (nz, ny, nx), ``origin_lps_mm`` the centre of
    voxel [0, 0, 0], ``spacing_mm`` the voxel edge."""

    origin_lps_mm: tuple[float, float, float]
    spacing_mm: float
    shape: tuple[int, int, int]

    @property
    def affine(self) -> np.ndarray:
        """4×4: homogeneous (x_index, y_index, z_index, 1) -> LPS mm."""
        affine = np.eye(4)
        affine[:3, :3] *= self.spacing_mm
        affine[:3, 3] = self.origin_lps_mm
        return affine

    def index_to_lps(self, zyx: np.ndarray) -> np.ndarray:
        """LPS mm of (fractional) working indices given as [..., (z, y, x)]."""
        zyx = np.asarray(zyx, dtype=np.float64)
        return np.asarray(self.origin_lps_mm) + zyx[..., ::-1] * self.spacing_mm

    def lps_to_index(self, lps: np.ndarray) -> np.ndarray:
        """Fractional working indices [..., (z, y, x)] of LPS points [..., (x, y, z)]."""
        lps = np.asarray(lps, dtype=np.float64)
        return ((lps - np.asarray(self.origin_lps_mm)) / self.spacing_mm)[..., ::-1]

    @classmethod
    def covering(cls, shape_kji: tuple[int, int, int], affine: np.ndarray, spacing_mm: float) -> WorkingGrid:
        """The smallest grid at ``spacing_mm`` that covers every voxel centre of a volume."""
        k, j, i = shape_kji
        corners = np.array([[a, b, c, 1.0] for a in (0, i - 1) for b in (0, j - 1) for c in (0, k - 1)])
        lps = (affine @ corners.T).T[:, :3]
        low, high = lps.min(axis=0), lps.max(axis=0)
        counts = np.floor((high - low) / spacing_mm + 1e-6).astype(int) + 1
        origin = tuple(float(v) for v in low)
        return cls(
            origin_lps_mm=(origin[0], origin[1], origin[2]),
            spacing_mm=float(spacing_mm),
            shape=(int(counts[2]), int(counts[1]), int(counts[0])),
        )


def resample_to_grid(
    hu: np.ndarray, affine: np.ndarray, grid: WorkingGrid, *, order: int = 1, fill: float = AIR_HU
) -> np.ndarray:
    """Sample ``hu[k, j, i]`` (with its index->LPS ``affine``) on ``grid``: float32 [z, y, x].

    ``order=1`` is trilinear after block-averaging by the integer factor the grid is coarser than the
    input (cheap anti-aliasing, so noise averages as on a thick reconstruction); ``order=0`` is
    nearest neighbour without averaging, for label maps.
    """
    source = np.asarray(hu)
    src_affine = np.asarray(affine, dtype=np.float64)
    if order > 0:
        source, src_affine = _block_average(
            source.astype(np.float32, copy=False), src_affine, grid.spacing_mm
        )
    # working index (x, y, z) -> LPS -> source index (i, j, k); map_coordinates wants array order (k, j, i)
    to_source = np.linalg.inv(src_affine) @ grid.affine
    nz, ny, nx = grid.shape
    z, y, x = np.meshgrid(np.arange(nz), np.arange(ny), np.arange(nx), indexing="ij")
    homog = np.stack([x.ravel(), y.ravel(), z.ravel(), np.ones(x.size)]).astype(np.float64)
    ijk = (to_source @ homog)[:3]
    coords = ijk[::-1]
    out = ndimage.map_coordinates(
        source, coords, order=order, mode="constant", cval=fill, prefilter=False, output=np.float32
    )
    return out.reshape(grid.shape)


def _block_average(volume: np.ndarray, affine: np.ndarray, target_mm: float) -> tuple[np.ndarray, np.ndarray]:
    norms = np.linalg.norm(affine[:3, :3], axis=0)  # spacing along i, j, k
    factors_ijk = np.maximum(1, np.floor(target_mm / norms + 1e-6).astype(int))
    fk, fj, fi = int(factors_ijk[2]), int(factors_ijk[1]), int(factors_ijk[0])
    k, j, i = (volume.shape[0] // fk) * fk, (volume.shape[1] // fj) * fj, (volume.shape[2] // fi) * fi
    if fk == fj == fi == 1 or min(k, j, i) == 0:
        return volume.astype(np.float32, copy=False), affine
    # one axis at a time, summing in a wide type: several times faster than a 6-d mean
    accumulator = np.int64 if np.issubdtype(volume.dtype, np.integer) else np.float64
    summed = volume[:k, :j, :i].reshape(k // fk, fk, j, i).sum(axis=1, dtype=accumulator)
    summed = summed.reshape(k // fk, j // fj, fj, i).sum(axis=2)
    summed = summed.reshape(k // fk, j // fj, i // fi, fi).sum(axis=3)
    pooled = (summed / (fk * fj * fi)).astype(np.float32)
    new_affine = affine.copy()
    new_affine[:3, :3] = affine[:3, :3] * np.array([fi, fj, fk], dtype=np.float64)
    # the centre of block 0 is the mean of its voxel centres
    new_affine[:3, 3] = affine[:3, 3] + affine[:3, :3] @ (0.5 * (np.array([fi, fj, fk]) - 1))
    return pooled, new_affine


def normalise_hu(hu: np.ndarray) -> np.ndarray:
    """Two network input channels [2, ...] in [-1, 1]: a wide window and a bone window."""
    channels = []
    for low, high in (WIDE_WINDOW_HU, BONE_WINDOW_HU):
        clipped = np.clip(hu, low, high)
        channels.append((2.0 * (clipped - low) / (high - low) - 1.0).astype(np.float32))
    return np.stack(channels)
