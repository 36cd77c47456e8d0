"""Soft-tissue building blocks: shapes described slice by slice, and tubes swept along a path."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from inference.phantom.canvas import Box, Canvas, ramp

# z (K,) -> centre x, centre y, semi-axis x, semi-axis y, each (K,); a semi-axis <= 0 means absent.
Profile = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]
# (x (1,1,I), y (1,J,1), z (K,1,1)) -> HU, broadcastable to (K,J,I)
ValueFn = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
# (x, y, z) -> factor 0..1 that limits where a shape may be painted (e.g. below the diaphragm)
ClipFn = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


class Layer(Protocol):
    @property
    def z_range(self) -> tuple[float, float]: ...

    def paint(self, canvas: Canvas) -> None: ...


@dataclass(frozen=True)
class Occupancy:
    box: Box
    value: np.ndarray
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray


@dataclass(frozen=True)
class SliceShape:
    """A superellipse in every axial slice, its centre and size varying with z."""

    z_range: tuple[float, float]
    profile: Profile
    exponent: float = 2.0

    def occupancy(self, canvas: Canvas, shrink: float = 0.0) -> Occupancy | None:
        z_lo, z_hi = canvas.z_range
        lo, hi = max(z_lo, self.z_range[0]), min(z_hi, self.z_range[1])
        if lo > hi:
            return None
        zs = canvas.grid.origin[2] + canvas.grid.slice_mm * (canvas.k0 + np.arange(canvas.slices))
        cx, cy, rx, ry = (np.asarray(a, dtype=np.float64) for a in self.profile(zs))
        rx, ry = rx - shrink, ry - shrink
        present = (rx > 0.05) & (ry > 0.05) & (zs >= self.z_range[0] - 1e-6) & (zs <= self.z_range[1] + 1e-6)
        if not present.any():
            return None
        ks = np.flatnonzero(present)
        x_lo, x_hi = float(np.min((cx - rx)[ks])), float(np.max((cx + rx)[ks]))
        y_lo, y_hi = float(np.min((cy - ry)[ks])), float(np.max((cy + ry)[ks]))
        box = canvas.box((x_lo - 2.0, y_lo - 2.0, zs[ks[0]]), (x_hi + 2.0, y_hi + 2.0, zs[ks[-1]]))
        if box is None:
            return None
        x, y, z = canvas.coords(box)
        sel = slice(box.k0, box.k1)
        rx_k = np.where(present[sel], rx[sel], 1e-3).astype(np.float32)[:, None, None]
        ry_k = np.where(present[sel], ry[sel], 1e-3).astype(np.float32)[:, None, None]
        tx = np.abs(x - cx[sel].astype(np.float32)[:, None, None]) / rx_k
        ty = np.abs(y - cy[sel].astype(np.float32)[:, None, None]) / ry_k
        if self.exponent == 2.0:
            tx, ty = tx * tx, ty * ty
        else:
            tx, ty = tx**self.exponent, ty**self.exponent
        inside = 1.0 - (tx + ty)
        inside *= np.minimum(rx_k, ry_k) * np.float32(1.0 / self.exponent)
        return Occupancy(box, ramp(inside, canvas.grid.pixel_mm), x, y, z)


def ellipsoid(centre: Sequence[float], semi: Sequence[float]) -> SliceShape:
    cx, cy, cz = (float(c) for c in centre)
    sx, sy, sz = (float(s) for s in semi)

    def profile(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        f = np.sqrt(np.clip(1.0 - ((z - cz) / sz) ** 2, 0.0, 1.0))
        return np.full_like(z, cx), np.full_like(z, cy), sx * f, sy * f

    return SliceShape((cz - sz, cz + sz), profile)


@dataclass(frozen=True)
class Fill:
    """Paint a SliceShape with a constant or position-dependent value, optionally clipped."""

    shape: SliceShape
    value: float | ValueFn
    clip: ClipFn | None = None
    opacity: float = 1.0

    @property
    def z_range(self) -> tuple[float, float]:
        return self.shape.z_range

    def paint(self, canvas: Canvas) -> None:
        occ = self.shape.occupancy(canvas)
        if occ is None:
            return
        weight = occ.value
        if self.clip is not None:
            weight = weight * self.clip(occ.x, occ.y, occ.z)
        if self.opacity != 1.0:
            weight = weight * np.float32(self.opacity)
        value = self.value(occ.x, occ.y, occ.z) if callable(self.value) else self.value
        canvas.composite(occ.box, weight, value)


@dataclass(frozen=True)
class Tube:
    """A tube swept along a polyline; bone tubes have a cortical shell around a marrow core."""

    points: np.ndarray  # (N, 3) world mm, about a millimetre apart
    radius: float
    value: float
    core_value: float | None = None
    cortex: float = 1.0
    z_range: tuple[float, float] = field(init=False)

    def __post_init__(self) -> None:
        zs = self.points[:, 2]
        object.__setattr__(self, "z_range", (float(zs.min()) - self.radius, float(zs.max()) + self.radius))

    def paint(self, canvas: Canvas) -> None:
        z_lo, z_hi = canvas.z_range
        reach = self.radius + 1.0
        near = self.points[(self.points[:, 2] > z_lo - reach) & (self.points[:, 2] < z_hi + reach)]
        if len(near) == 0:
            return
        box = canvas.box(near.min(axis=0) - reach, near.max(axis=0) + reach)
        if box is None:
            return
        distance = np.full(box.shape, np.float32(1e3))
        for point in near:
            sub = canvas.box(point - reach, point + reach)
            if sub is None:
                continue
            x, y, z = canvas.coords(sub)
            d = np.sqrt(
                (x - np.float32(point[0])) ** 2
                + (y - np.float32(point[1])) ** 2
                + (z - np.float32(point[2])) ** 2
            )
            rel = (
                slice(sub.k0 - box.k0, sub.k1 - box.k0),
                slice(sub.j0 - box.j0, sub.j1 - box.j0),
                slice(sub.i0 - box.i0, sub.i1 - box.i0),
            )
            np.minimum(distance[rel], d, out=distance[rel])
        px = canvas.grid.pixel_mm
        width = max(px, 0.5 * (px + canvas.grid.slice_mm))
        canvas.composite(box, ramp(self.radius - distance, width), self.value)
        if self.core_value is not None:
            canvas.composite(box, ramp(self.radius - self.cortex - distance, width), self.core_value)


def polyline(points: Sequence[Sequence[float]], step: float = 1.0) -> np.ndarray:
    """Resample a polyline at roughly ``step`` mm."""
    pts = np.asarray(points, dtype=float)
    seg = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    n = max(2, int(np.ceil(s[-1] / step)) + 1)
    t = np.linspace(0.0, s[-1], n)
    return np.stack([np.interp(t, s, pts[:, a]) for a in range(3)], axis=1)
