"""The voxel grid of a series and the slab of it that is being painted."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Vec3 = tuple[float, float, float]
Point = Sequence[float] | np.ndarray


@dataclass(frozen=True)
class Grid:
    """Axial grid: column i -> +x, row j -> +y, slice k -> +z (superior), origin = voxel (0, 0, 0)."""

    columns: int
    rows: int
    slices: int
    pixel_mm: float
    slice_mm: float
    origin: Vec3

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.slices, self.rows, self.columns)

    def affine(self) -> np.ndarray:
        affine = np.eye(4)
        affine[0, 0] = affine[1, 1] = self.pixel_mm
        affine[2, 2] = self.slice_mm
        affine[:3, 3] = self.origin
        return affine

    def xs(self) -> np.ndarray:
        return (self.origin[0] + self.pixel_mm * np.arange(self.columns)).astype(np.float32)

    def ys(self) -> np.ndarray:
        return (self.origin[1] + self.pixel_mm * np.arange(self.rows)).astype(np.float32)

    def zs(self) -> np.ndarray:
        return (self.origin[2] + self.slice_mm * np.arange(self.slices)).astype(np.float32)

    def contains(self, lo: Point, hi: Point) -> bool:
        """Whether a world box lies inside the imaged volume."""
        top = (
            self.origin[0] + self.pixel_mm * (self.columns - 1),
            self.origin[1] + self.pixel_mm * (self.rows - 1),
            self.origin[2] + self.slice_mm * (self.slices - 1),
        )
        return all(self.origin[a] <= lo[a] and hi[a] <= top[a] for a in range(3))


@dataclass(frozen=True)
class Box:
    """Index ranges inside a slab: slices k0:k1, rows j0:j1, columns i0:i1."""

    k0: int
    k1: int
    j0: int
    j1: int
    i0: int
    i1: int

    @property
    def index(self) -> tuple[slice, slice, slice]:
        return (slice(self.k0, self.k1), slice(self.j0, self.j1), slice(self.i0, self.i1))

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.k1 - self.k0, self.j1 - self.j0, self.i1 - self.i0)


@dataclass
class Canvas:
    """A slab of slices k0:k0+len(hu) being painted, in HU (float32) plus a body-label map."""

    grid: Grid
    k0: int
    hu: np.ndarray
    labels: np.ndarray

    @property
    def slices(self) -> int:
        return int(self.hu.shape[0])

    @property
    def z_range(self) -> tuple[float, float]:
        z0 = self.grid.origin[2] + self.grid.slice_mm * self.k0
        return (z0, z0 + self.grid.slice_mm * (self.slices - 1))

    def box(self, lo: Point, hi: Point) -> Box | None:
        """The voxels of this slab whose centres lie in the world box [lo, hi]; None when empty."""
        g = self.grid
        ranges = []
        for axis, (step, count, offset) in enumerate(
            ((g.pixel_mm, g.columns, 0), (g.pixel_mm, g.rows, 0), (g.slice_mm, self.slices, self.k0))
        ):
            first = math.ceil((lo[axis] - g.origin[axis]) / step - 1e-6) - offset
            last = math.floor((hi[axis] - g.origin[axis]) / step + 1e-6) - offset + 1
            first, last = max(first, 0), min(last, count)
            if first >= last:
                return None
            ranges.append((first, last))
        (i0, i1), (j0, j1), (k0, k1) = ranges
        return Box(k0, k1, j0, j1, i0, i1)

    def coords(self, box: Box) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """World x (1,1,I), y (1,J,1), z (K,1,1) of the box's voxel centres, float32."""
        g = self.grid
        x = g.origin[0] + g.pixel_mm * np.arange(box.i0, box.i1)
        y = g.origin[1] + g.pixel_mm * np.arange(box.j0, box.j1)
        z = g.origin[2] + g.slice_mm * np.arange(self.k0 + box.k0, self.k0 + box.k1)
        return (
            x.astype(np.float32)[None, None, :],
            y.astype(np.float32)[None, :, None],
            z.astype(np.float32)[:, None, None],
        )

    def composite(self, box: Box, occupancy: np.ndarray, value: np.ndarray | float) -> None:
        """Paint ``value`` over the slab where ``occupancy`` (0-1) says the object is."""
        region = self.hu[box.index]
        region += occupancy * (value - region)


def ramp(signed: np.ndarray, width: float) -> np.ndarray:
    """Partial-volume occupancy from a signed distance (positive inside) over a ramp ``width`` mm."""
    out = signed * np.float32(1.0 / width)
    out += np.float32(0.5)
    np.clip(out, 0.0, 1.0, out=out)
    return out


def local_coords(
    x: np.ndarray, y: np.ndarray, z: np.ndarray, centre: np.ndarray, frame: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """World coordinates -> a local frame whose columns are the unit axes (u, v, w)."""
    dx, dy, dz = x - np.float32(centre[0]), y - np.float32(centre[1]), z - np.float32(centre[2])
    out = []
    for axis in range(3):
        fx, fy, fz = (np.float32(frame[row, axis]) for row in range(3))
        out.append(dx * fx + dy * fy + dz * fz)
    return out[0], out[1], out[2]


def world_bounds(centre: np.ndarray, frame: np.ndarray, lo: Vec3, hi: Vec3) -> tuple[np.ndarray, np.ndarray]:
    """World axis-aligned bounds of the local box [lo, hi]."""
    corners = np.array([[a, b, c] for a in (lo[0], hi[0]) for b in (lo[1], hi[1]) for c in (lo[2], hi[2])])
    world = centre[None, :] + corners @ frame.T
    return world.min(axis=0), world.max(axis=0)


def ramp_width_along(frame_axis: np.ndarray, grid: Grid) -> float:
    """Partial-volume width of a surface whose normal is ``frame_axis`` (thick slices blur along z)."""
    cos_z = abs(float(frame_axis[2]))
    sin_z = math.sqrt(max(0.0, 1.0 - cos_z * cos_z))
    return math.hypot(grid.slice_mm * cos_z, grid.pixel_mm * sin_z)
