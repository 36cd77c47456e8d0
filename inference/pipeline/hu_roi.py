"""Trabecular bone density: SPEC's elliptical ROI at the body's mid-height and the density levels.

The ROI lies in the plane through the body's mid-height perpendicular to the local spine axis (the
axial plane for an upright vertebra). The cortex is found on rays from the body centre as the
half-way crossing between this body's own trabecular level and its cortical peak, so nothing depends
on a fixed HU. The ellipse sits in the anterior part of the body (the basivertebral vein runs in the
posterior-central body), keeps ``clearance_mm`` plus half a voxel from the cortex on every ray, and
its mean is the trilinear-weighted mean over an oversampled ellipse on the native grid, after
dropping outlier voxels (``trim_spreads``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from inference.pipeline.bodyframe import BodyFrame, VolumeSampler

LUMBAR_DENSITY_LEVELS: tuple[str, ...] = ("L1", "L2", "L3", "L4")
THORACIC_DENSITY_LEVELS: tuple[str, ...] = ("T8", "T9", "T10", "T11")


@dataclass(frozen=True)
class RoiConfig:
    clearance_mm: float = 2.0  # SPEC: ROI clear of the cortex by at least this
    anterior_fraction: float = 0.55  # ROI only in the anterior part of the depth (vein posteriorly)
    ray_count: int = 48
    ray_step_mm: float = 0.25
    max_radius_mm: float = 45.0  # beyond any vertebral body's half-width
    min_semi_axis_mm: float = 1.5  # smaller rooms are not measured
    max_aspect: float = 2.0  # lateral semi-axis at most this × the anterior-posterior one
    trim_spreads: float = 4.0  # ROI voxels beyond median ± this × 1.4826·MAD are not averaged
    min_cortex_contrast: float = 3.0  # cortical peak must exceed the trabecular level by this × its spread


@dataclass(frozen=True)
class TrabecularRoi:
    centre_lps_mm: tuple[float, float, float]
    semi_axes_mm: tuple[float, float]  # (lateral, anterior-posterior)
    lateral_axis: tuple[float, float, float]
    anterior_axis: tuple[float, float, float]
    mean_hu: float
    std_hu: float
    voxel_count: int  # native voxels carrying trilinear weight
    effective_n: float  # (Σw)² / Σw², for a standard error std / sqrt(n)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "centre_lps_mm": [round(v, 3) for v in self.centre_lps_mm],
            "semi_axes_mm": [round(v, 3) for v in self.semi_axes_mm],
            "lateral_axis": [round(v, 6) for v in self.lateral_axis],
            "anterior_axis": [round(v, 6) for v in self.anterior_axis],
            "mean_hu": round(self.mean_hu, 2),
            "std_hu": round(self.std_hu, 2),
            "voxel_count": self.voxel_count,
        }


def _triple(vector: np.ndarray) -> tuple[float, float, float]:
    return (float(vector[0]), float(vector[1]), float(vector[2]))


class TrabecularRoiMeasurer:
    """Places the ROI in one body and measures it; one instance per volume."""

    def __init__(self, hu: np.ndarray, affine: np.ndarray, config: RoiConfig | None = None) -> None:
        self.sampler = VolumeSampler(hu, affine)
        self.config = config or RoiConfig()
        self.angles = np.linspace(0.0, 2.0 * np.pi, self.config.ray_count, endpoint=False)
        self.radii = np.arange(0.0, self.config.max_radius_mm, self.config.ray_step_mm)
        self.margin = self.config.clearance_mm + 0.5 * float(self.sampler.spacing_mm.max())

    def _profiles(self, frame: BodyFrame, u0: float, v0: float) -> np.ndarray:
        """HU along rays from (u0, v0) in the mid-height plane, shape (rays, radii)."""
        u = u0 + np.cos(self.angles)[:, None] * self.radii[None, :]
        v = v0 + np.sin(self.angles)[:, None] * self.radii[None, :]
        return self.sampler.sample(frame.to_lps(u, v, 0.0))

    def _crossings(self, profiles: np.ndarray, threshold: float) -> np.ndarray:
        """Distance along each ray to the first sample at or above ``threshold`` (NaN: none)."""
        above = np.nan_to_num(profiles, nan=-np.inf) >= threshold
        first = np.argmax(above, axis=1)
        radii = np.full(len(profiles), np.nan)
        for ray, index in enumerate(first.tolist()):
            if not above[ray, index] or index == 0:
                continue
            lo, hi = profiles[ray, index - 1], profiles[ray, index]
            t = (threshold - lo) / (hi - lo) if hi > lo else 1.0
            radii[ray] = self.radii[index - 1] + t * self.config.ray_step_mm
        valid = np.isfinite(radii)
        if valid.sum() < 0.75 * len(radii):
            return np.full(len(radii), np.nan)
        # A ray without a cortex crossing takes the smaller of its nearest valid neighbours.
        for missing in np.flatnonzero(~valid).tolist():
            ahead = [radii[(missing + s) % len(radii)] for s in range(1, len(radii))]
            behind = [radii[(missing - s) % len(radii)] for s in range(1, len(radii))]
            first_ahead = next(r for r in ahead if np.isfinite(r))
            first_behind = next(r for r in behind if np.isfinite(r))
            radii[missing] = min(first_ahead, first_behind)
        return radii

    def cortex_threshold(self, frame: BodyFrame) -> float | None:
        profiles = self._profiles(frame, 0.0, 0.0)
        core = profiles[:, self.radii <= max(3.0, min(6.0, 0.2 * frame.depth_mm))]
        core = core[np.isfinite(core)]
        if core.size < 10:
            return None
        trabecular = float(np.median(core))
        spread = 1.4826 * float(np.median(np.abs(core - trabecular))) + 1.0
        reach = self.radii <= 0.9 * frame.depth_mm + 5.0
        peaks = np.nanmax(np.where(np.isfinite(profiles[:, reach]), profiles[:, reach], -np.inf), axis=1)
        cortex = float(np.median(peaks))
        if cortex - trabecular < self.config.min_cortex_contrast * spread:
            return None
        return trabecular + 0.5 * (cortex - trabecular)

    def _sector_radius(self, radii: np.ndarray, angle: float, half_width: float) -> float:
        """Median extent along ``angle`` of the rays within ``half_width`` of it."""
        offset = np.abs((self.angles - angle + np.pi) % (2 * np.pi) - np.pi)
        sector = offset <= half_width + 1e-9
        return float(np.median(radii[sector] * np.cos(offset[sector])))

    def place(self, frame: BodyFrame) -> tuple[float, float, float, float] | None:
        """(centre u, centre v, lateral semi-axis, anterior semi-axis) in frame mm, or None."""
        threshold = self.cortex_threshold(frame)
        if threshold is None:
            return None
        radii = self._crossings(self._profiles(frame, 0.0, 0.0), threshold)
        if not np.all(np.isfinite(radii)):
            return None
        front = self._sector_radius(radii, 0.5 * np.pi, np.radians(10.0))
        # The basivertebral foramen opens the posterior wall at the midline: a ray through it runs
        # on into the canal, so the posterior margin is the median over a wider sector, and never
        # further than the landmarks' depth allows.
        back = -min(self._sector_radius(radii, 1.5 * np.pi, np.radians(30.0)), 1.15 * frame.depth_mm - front)
        v_hi = front - self.margin
        v_lo = max(back + self.margin, back + (1.0 - self.config.anterior_fraction) * (front - back))
        b = 0.5 * (v_hi - v_lo)
        if b < self.config.min_semi_axis_mm:
            return None
        vc = 0.5 * (v_hi + v_lo)
        room = self._crossings(self._profiles(frame, 0.0, vc), threshold)
        if not np.all(np.isfinite(room)):
            return None
        room = room - self.margin
        a = min(float(room[0]), float(np.interp(np.pi, self.angles, room)), self.config.max_aspect * b)
        if a < self.config.min_semi_axis_mm:
            return None
        for _ in range(3):
            ellipse = 1.0 / np.sqrt((np.cos(self.angles) / a) ** 2 + (np.sin(self.angles) / b) ** 2)
            scale = float(np.min(room / ellipse))
            if scale >= 1.0:
                break
            a, b = a * scale * 0.999, b * scale * 0.999
        if min(a, b) < self.config.min_semi_axis_mm:
            return None
        return 0.0, vc, a, b

    def measure(self, frame: BodyFrame) -> TrabecularRoi | None:
        placed = self.place(frame)
        if placed is None:
            return None
        u0, v0, a, b = placed
        step = float(self.sampler.spacing_mm.min()) / 3.0
        uu, vv = np.meshgrid(np.arange(-a, a + step, step), np.arange(-b, b + step, step), indexing="ij")
        inside = (uu / a) ** 2 + (vv / b) ** 2 <= 1.0
        points = frame.to_lps(u0 + uu[inside], v0 + vv[inside], 0.0)
        flat, weights = self.sampler.voxel_weights(points)
        if flat.size == 0:
            return None
        values = np.take(self.sampler.hu, flat).astype(np.float64)
        # Voxels far outside the ROI's own distribution (a focal lytic or dense spot, a vein
        # branch) are dropped; with Gaussian noise the trim removes a negligible fraction.
        median = float(np.median(values))
        spread = 1.4826 * float(np.median(np.abs(values - median)))
        keep = np.abs(values - median) <= max(self.config.trim_spreads * spread, 1.0)
        flat, values, weights = flat[keep], values[keep], weights[keep]
        mean = float(np.sum(weights * values) / np.sum(weights))
        std = float(np.sqrt(np.sum(weights * (values - mean) ** 2) / np.sum(weights)))
        centre = frame.to_lps(np.asarray(u0), np.asarray(v0), np.asarray(0.0))
        return TrabecularRoi(
            centre_lps_mm=_triple(centre),
            semi_axes_mm=(float(a), float(b)),
            lateral_axis=_triple(frame.lateral),
            anterior_axis=_triple(frame.anterior),
            mean_hu=mean,
            std_hu=std,
            voxel_count=int(flat.size),
            effective_n=float(np.sum(weights) ** 2 / np.sum(weights**2)),
        )


@dataclass(frozen=True)
class DensityCandidate:
    label: str
    mean_hu: float | None
    grade: int | None = None
    excluded: bool = False
    sclerotic: bool = False

    @property
    def usable(self) -> bool:
        fractured = self.grade is not None and self.grade >= 1
        return self.mean_hu is not None and not (fractured or self.excluded or self.sclerotic)


@dataclass(frozen=True)
class BoneDensity:
    levels: tuple[str, ...]
    l1_hu: float | None
    mean_hu: float | None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "levels": list(self.levels),
            "l1_hu": None if self.l1_hu is None else round(self.l1_hu, 2),
            "mean_hu": None if self.mean_hu is None else round(self.mean_hu, 2),
        }


def density_level_set(labels_present: Sequence[str]) -> tuple[str, ...]:
    """L1–L4 when any of them is in view, else T8–T11 (as the phantom truth does)."""
    if any(label in LUMBAR_DENSITY_LEVELS for label in labels_present):
        return LUMBAR_DENSITY_LEVELS
    return THORACIC_DENSITY_LEVELS


def bone_density(candidates: Sequence[DensityCandidate]) -> BoneDensity:
    """SPEC bone density: skip fractured (grade ≥ 1), excluded and sclerotic vertebrae."""
    by_label = {c.label: c for c in candidates}
    levels = tuple(
        label for label in density_level_set(list(by_label)) if label in by_label and by_label[label].usable
    )
    values = [value for label in levels if (value := by_label[label].mean_hu) is not None]
    l1 = by_label["L1"].mean_hu if "L1" in levels else None
    return BoneDensity(levels=levels, l1_hu=l1, mean_hu=float(np.mean(values)) if values else None)
