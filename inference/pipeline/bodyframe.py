"""A vertebral body's local frame in LPS mm and trilinear sampling of the native CT grid.

The frame has its origin at the mid-height, mid-depth point of the body and three orthonormal axes:
``superior`` (local spine axis), ``anterior`` (towards the anterior margin) and ``lateral``
(``anterior × superior``). It comes from the six landmarks when they exist, else from the centroid,
the local spine axis and a size guess from the distance to the neighbouring centroids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from inference.geometry import LANDMARK_NAMES

Point = Sequence[float]
_ANTERIOR_LPS = np.array([0.0, -1.0, 0.0])  # +y is posterior in LPS
_SUPERIOR_LPS = np.array([0.0, 0.0, 1.0])


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    if norm < 1e-9:
        raise ValueError("degenerate direction")
    return vector / norm


@dataclass(frozen=True)
class BodyFrame:
    origin: np.ndarray  # LPS mm
    superior: np.ndarray
    anterior: np.ndarray
    lateral: np.ndarray
    depth_mm: float  # anterior-posterior extent between the margins
    height_mm: float  # smallest of the three heights (or a guess)

    @classmethod
    def from_landmarks(cls, landmarks: Mapping[str, Point]) -> BodyFrame:
        p = {name: np.asarray(landmarks[name], dtype=float) for name in LANDMARK_NAMES}
        superior = _unit(
            (p["anterior_superior"] - p["anterior_inferior"])
            + (p["middle_superior"] - p["middle_inferior"])
            + (p["posterior_superior"] - p["posterior_inferior"])
        )
        front = 0.5 * (p["anterior_superior"] + p["anterior_inferior"])
        back = 0.5 * (p["posterior_superior"] + p["posterior_inferior"])
        forward = front - back
        anterior = _unit(forward - superior * float(forward @ superior))
        heights = [
            float(np.linalg.norm(p[f"{side}_superior"] - p[f"{side}_inferior"]))
            for side in ("anterior", "middle", "posterior")
        ]
        origin = np.mean([p[name] for name in LANDMARK_NAMES], axis=0)
        return cls.build(origin, superior, anterior, float(forward @ anterior), min(heights))

    @classmethod
    def from_centroid(
        cls,
        centroid: Point | np.ndarray,
        axis: Point | np.ndarray | None = None,
        spacing_mm: float | None = None,
    ) -> BodyFrame:
        """Fallback without landmarks: ``spacing_mm`` is the distance between neighbouring centroids."""
        superior = _unit(np.asarray(axis, dtype=float)) if axis is not None else _SUPERIOR_LPS
        if float(superior @ _SUPERIOR_LPS) < 0:
            superior = -superior
        anterior = _unit(_ANTERIOR_LPS - superior * float(_ANTERIOR_LPS @ superior))
        pitch = spacing_mm if spacing_mm is not None and spacing_mm > 0 else 30.0
        return cls.build(np.asarray(centroid, dtype=float), superior, anterior, 1.0 * pitch, 0.7 * pitch)

    @classmethod
    def build(
        cls, origin: np.ndarray, superior: np.ndarray, anterior: np.ndarray, depth: float, height: float
    ) -> BodyFrame:
        lateral = _unit(np.cross(anterior, superior))
        return cls(origin, superior, anterior, lateral, max(depth, 1.0), max(height, 1.0))

    def to_lps(
        self, lateral: np.ndarray | float, anterior: np.ndarray | float, superior: np.ndarray | float
    ) -> np.ndarray:
        """Frame coordinates (mm, broadcastable arrays) → LPS points, shape (..., 3)."""
        lat, ant, sup = np.broadcast_arrays(
            np.asarray(lateral, float), np.asarray(anterior, float), np.asarray(superior, float)
        )
        return (
            self.origin
            + lat[..., None] * self.lateral
            + ant[..., None] * self.anterior
            + sup[..., None] * self.superior
        )


class VolumeSampler:
    """Trilinear samples of ``hu[k, j, i]`` at LPS points, and the voxels that carry their weight."""

    def __init__(self, hu: np.ndarray, affine: np.ndarray) -> None:
        self.hu = hu
        self.affine = np.asarray(affine, dtype=float)
        self.inverse = np.linalg.inv(self.affine)
        self.spacing_mm = np.linalg.norm(self.affine[:3, :3], axis=0)  # (i, j, k)

    def voxel_coords(self, points: np.ndarray) -> np.ndarray:
        """LPS points (..., 3) → continuous (k, j, i) indices (..., 3)."""
        ijk = points @ self.inverse[:3, :3].T + self.inverse[:3, 3]
        return ijk[..., ::-1]

    def sample(self, points: np.ndarray, outside: float = np.nan) -> np.ndarray:
        points = np.asarray(points, dtype=float)
        kji = self.voxel_coords(points.reshape(-1, 3))
        if kji.size == 0:
            return np.zeros(points.shape[:-1])
        low = np.maximum(np.floor(kji.min(axis=0)).astype(int) - 1, 0)
        high = np.minimum(np.ceil(kji.max(axis=0)).astype(int) + 2, self.hu.shape)
        if np.any(high <= low):
            return np.full(points.shape[:-1], outside)
        block = np.asarray(self.hu[low[0] : high[0], low[1] : high[1], low[2] : high[2]], dtype=np.float32)
        values = ndimage.map_coordinates(block, (kji - low).T, order=1, mode="nearest")
        inside = np.all((kji >= -0.5) & (kji <= np.asarray(self.hu.shape) - 0.5), axis=1)
        return np.where(inside, values, outside).reshape(points.shape[:-1])

    def voxel_weights(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Flat voxel indices and summed trilinear weights of the points (points outside are dropped)."""
        kji = self.voxel_coords(np.asarray(points, dtype=float).reshape(-1, 3))
        shape = np.asarray(self.hu.shape)
        kji = kji[np.all((kji >= 0) & (kji <= shape - 1), axis=1)]
        base = np.minimum(np.floor(kji).astype(int), shape - 2).clip(0)
        frac = kji - base
        indices, weights = [], []
        for corner in np.ndindex(2, 2, 2):
            offset = np.asarray(corner)
            w = np.prod(np.where(offset == 1, frac, 1.0 - frac), axis=1)
            idx = np.minimum(base + offset, shape - 1)
            indices.append(np.ravel_multi_index(idx.T, self.hu.shape))
            weights.append(w)
        flat, inverse = np.unique(np.concatenate(indices), return_inverse=True)
        summed = np.bincount(inverse, weights=np.concatenate(weights))
        keep = summed > 1e-9
        return flat[keep], summed[keep]


def sample_ellipsoid(
    sampler: VolumeSampler, frame: BodyFrame, semi_axes_mm: tuple[float, float, float], step_mm: float = 1.0
) -> np.ndarray:
    """HU on a regular grid (lateral, anterior, superior; ``step_mm``) over an ellipsoid in the frame.

    Points outside the ellipsoid or the volume are NaN, so connected components keep their shape.
    """
    a, b, c = (max(s, step_mm) for s in semi_axes_mm)
    u, v, w = (np.arange(-s, s + 0.5 * step_mm, step_mm) for s in (a, b, c))
    uu, vv, ww = np.meshgrid(u, v, w, indexing="ij")
    inside = (uu / a) ** 2 + (vv / b) ** 2 + (ww / c) ** 2 <= 1.0
    values = np.full(uu.shape, np.nan)
    values[inside] = sampler.sample(frame.to_lps(uu[inside], vv[inside], ww[inside]))
    return values
