"""Per-vertebra sagittal patches that follow the local spine axis.

``local_frames`` gives every vertebra an orthonormal frame (LPS mm):

- ``superior``: the local spine tangent, central differences of the neighbouring centroids (one-sided
  at the ends of the column);
- ``anterior``: the vertebra's own anterior direction orthogonal to ``superior``. It starts from LPS
  anterior (−y) and is then refined from the image by mirror symmetry of the cross-section through the
  centroid (body, pedicles and posterior elements are symmetric about the mid-sagittal plane), so the
  axial rotation of scoliotic vertebrae is followed;
- ``lateral = superior × anterior``: a right-handed frame whose lateral axis points to the patient's
  left (+x) for an upright, forward-facing vertebra.

``SagittalSampler`` then samples the plane spanned by ``superior`` and ``anterior`` through the
centre by trilinear interpolation on the native voxel grid (any affine, anisotropic or oblique). Patch
rows run from superior to inferior, columns from posterior to anterior; the pixel size scales with the
local vertebral size (from the centroid spacing), so T1 and L5 fill a patch alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import ndimage

# Wide physical window used only to weight bone for the symmetry search (HU).
_BONE_WINDOW_HU = (100.0, 1500.0)
_DEFAULT_SPACING_MM = 25.0
# Correlation of a cross-section with its mirror image needed to trust it (middle, above/below): the
# sections off the centre are oblique while the axis is still off, so they are less symmetric.
_MIN_SYMMETRY, _MIN_LEVEL_SYMMETRY = 0.5, 0.25
_MAX_TILT_DEG = 15.0  # largest correction of the centroid-based spine axis


@dataclass(frozen=True)
class VertebraFrame:
    centre: np.ndarray  # (3,) LPS mm
    superior: np.ndarray  # (3,) unit
    anterior: np.ndarray  # (3,) unit, orthogonal to superior
    lateral: np.ndarray  # (3,) unit, superior × anterior
    spacing_mm: float  # local centroid spacing: vertebral height + disc, a size estimate

    @staticmethod
    def build(
        centre: np.ndarray, superior: np.ndarray, anterior: np.ndarray, spacing_mm: float
    ) -> VertebraFrame:
        """Orthonormalise (Gram-Schmidt, superior kept) and complete the frame."""
        s = _unit(np.asarray(superior, dtype=float))
        a = np.asarray(anterior, dtype=float)
        a = _unit(a - np.dot(a, s) * s)
        return VertebraFrame(np.asarray(centre, dtype=float), s, a, np.cross(s, a), float(spacing_mm))

    def rotated(self, about_lateral_rad: float = 0.0, about_superior_rad: float = 0.0) -> VertebraFrame:
        """The frame turned in-plane (about ``lateral``) and then out of plane (about ``superior``)."""
        c, s = np.cos(about_lateral_rad), np.sin(about_lateral_rad)
        sup, ant = c * self.superior + s * self.anterior, c * self.anterior - s * self.superior
        c, s = np.cos(about_superior_rad), np.sin(about_superior_rad)
        ant = c * ant + s * np.cross(sup, ant)
        return VertebraFrame.build(self.centre, sup, ant, self.spacing_mm)


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    if n < 1e-9:
        raise ValueError("cannot normalise a zero vector")
    return v / n


def _tangents(centres: np.ndarray) -> np.ndarray:
    """Unit tangents pointing superiorly; ``centres`` is ordered cranial to caudal. Each is the
    derivative of a quadratic least-squares fit to the centroids within two levels (arc-length
    parameter), which smooths detector jitter and extrapolates at the ends."""
    n = len(centres)
    if n == 1:
        return np.array([[0.0, 0.0, 1.0]])
    arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(centres, axis=0), axis=1))])
    tangents = np.empty_like(centres)
    for i in range(n):
        lo, hi = max(0, i - 2), min(n, i + 3)
        if hi - lo < 3:
            lo, hi = max(0, min(lo, n - 3)), min(n, max(hi, 3))
        t = arc[lo:hi] - arc[i]
        degree = min(2, hi - lo - 1)
        design = np.stack([t**p for p in range(degree + 1)], axis=1)
        coefficients, *_ = np.linalg.lstsq(design, centres[lo:hi], rcond=None)
        tangents[i] = coefficients[1]
    tangents /= np.linalg.norm(tangents, axis=1, keepdims=True)
    flip = tangents[:, 2] < 0  # cranial is superior in LPS
    tangents[flip] *= -1.0
    return tangents


def _spacings(centres: np.ndarray) -> np.ndarray:
    """Robust local size: median of the gaps to the neighbours within two levels."""
    if len(centres) < 2:
        return np.full(len(centres), _DEFAULT_SPACING_MM)
    gaps = np.linalg.norm(np.diff(centres, axis=0), axis=1)
    out = np.empty(len(centres))
    for i in range(len(centres)):
        out[i] = float(np.median(gaps[max(0, i - 2) : min(len(gaps), i + 2)]))
    return out


class VoxelSampler:
    """Trilinear sampling of a volume ``[k, j, i]`` at LPS points through its affine."""

    def __init__(self, volume: np.ndarray, affine: np.ndarray) -> None:
        self.volume = volume
        self.inverse = np.linalg.inv(np.asarray(affine, dtype=float))

    def __call__(self, points_lps: np.ndarray, fill: float = -1024.0) -> np.ndarray:
        pts = np.asarray(points_lps, dtype=float)
        flat = pts.reshape(-1, 3)
        ijk = flat @ self.inverse[:3, :3].T + self.inverse[:3, 3]
        values = ndimage.map_coordinates(
            self.volume, ijk[:, ::-1].T, order=1, mode="constant", cval=fill, output=np.float32
        )
        return values.reshape(pts.shape[:-1])


class _CrossSection:
    """The bone image in a plane orthogonal to ``superior`` at ``level_mm`` above the centre, and a
    search for its mirror-symmetry line (through (shift, 0) at angle θ from ``anterior``)."""

    def __init__(self, sampler: VoxelSampler, frame: VertebraFrame, level_mm: float, slab_mm: float) -> None:
        depth = 0.9 * frame.spacing_mm  # body depth is about one centroid spacing
        n = 40
        self.step = 2.4 * depth / n
        self.axis = (np.arange(n) - (n - 1) / 2.0) * self.step
        self.offset = -0.4 * depth  # centred behind the body to include the posterior elements
        self.lat, self.ant = np.meshgrid(self.axis, self.axis + self.offset, indexing="xy")
        slab = level_mm + np.linspace(-0.5, 0.5, 5) * slab_mm
        points = (
            frame.centre
            + self.lat[None, ..., None] * frame.lateral
            + self.ant[None, ..., None] * frame.anterior
            + slab[:, None, None, None] * frame.superior
        )
        image = np.clip(sampler(points).mean(axis=0), *_BONE_WINDOW_HU)  # rows: anterior, cols: lateral
        self.image = image - image.mean()
        self.mask = (self.lat**2 + (self.ant - self.offset) ** 2) < (1.2 * depth) ** 2

    @property
    def empty(self) -> bool:
        return float(np.abs(self.image).max()) < 1e-6

    def best(self, angles: np.ndarray, shifts: np.ndarray) -> tuple[float, float, float]:
        theta, shift = np.meshgrid(angles, shifts, indexing="ij")
        theta, shift = theta.ravel(), shift.ravel()
        dx, dy = np.sin(theta)[:, None], np.cos(theta)[:, None]
        px, py = self.lat[self.mask][None, :] - shift[:, None], self.ant[self.mask][None, :]
        dot = px * dx + py * dy
        rx, ry = 2 * dot * dx - px + shift[:, None], 2 * dot * dy - py
        cols = (rx - self.axis[0]) / self.step
        rows = (ry - self.axis[0] - self.offset) / self.step
        mirrored = ndimage.map_coordinates(self.image, [rows.ravel(), cols.ravel()], order=1, mode="nearest")
        mc = mirrored.reshape(rows.shape)
        mc = mc - mc.mean(axis=1, keepdims=True)
        oc = self.image[self.mask][None, :]
        oc = oc - oc.mean(axis=1, keepdims=True)
        ncc = (mc * oc).sum(axis=1) / np.sqrt((mc**2).sum(axis=1) * (oc**2).sum(axis=1) + 1e-9)
        k = int(np.argmax(ncc))
        return float(theta[k]), float(shift[k]), float(ncc[k])

    def search(
        self, theta: float, shift: float, stages: Sequence[tuple[float, float, int, int]]
    ) -> tuple[float, float, float]:
        """Successive grid searches: (half range in degrees, half range in mm, angles, shifts).
        Returns (θ, shift, normalised correlation of the image with its mirror image)."""
        score = -1.0
        for degrees, mm, angles, shifts in stages:
            half = np.radians(degrees)
            theta, shift, score = self.best(
                np.linspace(theta - half, theta + half, angles), np.linspace(shift - mm, shift + mm, shifts)
            )
        return theta, shift, score


def refine_frame(
    sampler: VoxelSampler, frame: VertebraFrame, *, max_angle_deg: float = 24.0, coarse: bool = True
) -> VertebraFrame:
    """Align the frame with the vertebra's mirror-symmetry plane: turn ``anterior`` about
    ``superior`` (axial rotation), shift the centre laterally, then tilt ``superior`` in the coronal
    direction from the symmetry lines found above and below the centre."""
    middle = _CrossSection(sampler, frame, 0.0, 0.4 * frame.spacing_mm)
    if middle.empty:
        return frame
    stages = ((max_angle_deg, 6.0, 17, 13), (2.0, 1.0, 7, 7)) if coarse else ((3.0, 1.5, 7, 7),)
    theta, shift, score = middle.search(0.0, 0.0, (*stages, (0.5, 0.25, 5, 5)))
    if score < _MIN_SYMMETRY:
        return frame
    anterior = np.cos(theta) * frame.anterior + np.sin(theta) * frame.lateral
    frame = VertebraFrame.build(
        frame.centre + shift * frame.lateral, frame.superior, anterior, frame.spacing_mm
    )
    level = 0.22 * frame.spacing_mm
    shifts = []
    for sign in (-1.0, 1.0):
        section = _CrossSection(sampler, frame, sign * level, 0.15 * frame.spacing_mm)
        _, offset, score = section.search(0.0, 0.0, ((0.0, 3.0, 1, 13), (0.0, 0.5, 1, 9)))
        if section.empty or score < _MIN_LEVEL_SYMMETRY:  # e.g. a cross-section outside the volume
            return frame
        shifts.append(offset)
    tilt = (shifts[1] - shifts[0]) / (2.0 * level)
    superior = frame.superior + np.clip(tilt, -0.3, 0.3) * frame.lateral
    centre = frame.centre + 0.5 * (shifts[0] + shifts[1]) * frame.lateral
    return VertebraFrame.build(centre, superior, frame.anterior, frame.spacing_mm)


def local_frames(
    centroids_lps: Sequence[np.ndarray],
    volume_hu: np.ndarray | None = None,
    affine: np.ndarray | None = None,
    *,
    refine: bool = True,
) -> list[VertebraFrame]:
    """One frame per centroid (ordered cranial to caudal); refined from the image when given."""
    if not centroids_lps:
        return []
    centres = np.asarray([np.asarray(c, dtype=float) for c in centroids_lps])
    tangents, spacings = _tangents(centres), _spacings(centres)
    frames = [
        VertebraFrame.build(c, t, np.array([0.0, -1.0, 0.0]), s)
        for c, t, s in zip(centres, tangents, spacings, strict=True)
    ]
    if refine and volume_hu is not None and affine is not None:
        sampler = VoxelSampler(volume_hu, affine)
        frames = [_refined(sampler, f) for f in frames]
    return frames


def _refined(sampler: VoxelSampler, frame: VertebraFrame) -> VertebraFrame:
    """Three rounds of ``refine_frame``; the centroid-based axis is kept if the image disagrees wildly."""
    refined = frame
    for round_ in range(3):
        refined = refine_frame(sampler, refined, coarse=round_ == 0)
    if float(np.dot(refined.superior, frame.superior)) < np.cos(np.radians(_MAX_TILT_DEG)):
        return refine_frame(sampler, frame)
    return refined


@dataclass(frozen=True)
class SagittalPatch:
    pixels: np.ndarray  # float32 (H, W) HU; rows superior → inferior, columns posterior → anterior
    frame: VertebraFrame
    pixel_mm: float

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.pixels.shape[0]), int(self.pixels.shape[1]))

    @property
    def _origin(self) -> np.ndarray:
        h, w = self.shape
        return np.array([(h - 1) / 2.0, (w - 1) / 2.0])

    def to_lps(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Patch coordinates (fractional pixels) -> (N, 3) LPS mm on the patch plane."""
        r = (np.atleast_1d(np.asarray(rows, dtype=float)) - self._origin[0]) * self.pixel_mm
        c = (np.atleast_1d(np.asarray(cols, dtype=float)) - self._origin[1]) * self.pixel_mm
        f = self.frame
        return f.centre + np.outer(-r, f.superior) + np.outer(c, f.anterior)

    def from_lps(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(N, 3) LPS mm -> (rows, cols), the in-plane projection; see ``out_of_plane_mm``."""
        d = np.atleast_2d(np.asarray(points, dtype=float)) - self.frame.centre
        rows = -(d @ self.frame.superior) / self.pixel_mm + self._origin[0]
        cols = (d @ self.frame.anterior) / self.pixel_mm + self._origin[1]
        return rows, cols

    def out_of_plane_mm(self, points: np.ndarray) -> np.ndarray:
        d = np.atleast_2d(np.asarray(points, dtype=float)) - self.frame.centre
        return d @ self.frame.lateral


@dataclass(frozen=True)
class SagittalSampler:
    """Samples ``size`` pixels covering ``extent`` centroid spacings in both directions."""

    size: tuple[int, int] = (64, 64)
    extent: tuple[float, float] = (1.8, 1.8)  # rows, cols in units of the local centroid spacing
    slab_mm: float = 2.0  # thickness averaged across the lateral axis
    slab_samples: int = 3
    pixel_range_mm: tuple[float, float] = (0.35, 1.6)

    def pixel_mm(self, frame: VertebraFrame) -> float:
        span = max(
            self.extent[0] * frame.spacing_mm / self.size[0], self.extent[1] * frame.spacing_mm / self.size[1]
        )
        return float(np.clip(span, *self.pixel_range_mm))

    def sample(
        self,
        volume_hu: np.ndarray | VoxelSampler,
        affine: np.ndarray | None,
        frame: VertebraFrame,
        *,
        pixel_mm: float | None = None,
    ) -> SagittalPatch:
        sampler = volume_hu if isinstance(volume_hu, VoxelSampler) else VoxelSampler(volume_hu, _need(affine))
        px = self.pixel_mm(frame) if pixel_mm is None else float(pixel_mm)
        patch = SagittalPatch(np.zeros(self.size, dtype=np.float32), frame, px)
        rows, cols = np.meshgrid(np.arange(self.size[0]), np.arange(self.size[1]), indexing="ij")
        plane = patch.to_lps(rows.ravel(), cols.ravel()).reshape(*self.size, 3)
        offsets = (
            np.linspace(-0.5, 0.5, self.slab_samples) * self.slab_mm if self.slab_samples > 1 else np.zeros(1)
        )
        points = plane[None] + offsets[:, None, None, None] * frame.lateral
        pixels = sampler(points).mean(axis=0).astype(np.float32)
        return replace(patch, pixels=pixels)


def _need(affine: np.ndarray | None) -> np.ndarray:
    if affine is None:
        raise ValueError("an affine is needed to sample a raw volume")
    return np.asarray(affine, dtype=float)
