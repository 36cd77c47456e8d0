"""Vertebra localisation: detector heat-map peaks -> centroids in LPS mm with a confidence and a
consistent level label.

``VertebraLocator(weights, device)`` loads the detector once; ``locate(volume)`` resamples the CT to
the working grid, runs the net (whole volume, in overlapping z windows when tall), extracts heat-map
peaks with non-maximum suppression at a physical radius, refines each peak to sub-voxel precision
(heat-weighted mean of its neighbourhood), averages the level probabilities around it and decodes
consistent labels (``labelling.decode_labels``). Confidence is the heat-map peak value (0-1; the
training target is 1 at a centroid). Candidates below the SPEC threshold (0.5) are still returned
with their confidence — the Analyzer drops them; candidates the label decoder rejects as false
positives are not returned. Where the labels skip a level between two bodies and the heat map shows
body there, a candidate marked ``recovered`` is put in (``skipped_levels``); the Analyzer keeps it
only if its landmarks find a body between the two.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import torch
from scipy import ndimage

from inference.geometry import ALL_LABELS
from inference.nets.checkpoint import load_checkpoint
from inference.nets.detector import DetectorConfig, VertebraDetector, build_detector
from inference.nets.level_calibrator import LevelCalibrator, build_calibrator
from inference.pipeline.labelling import LabelDecoderSettings, class_log_probs, decode_labels
from inference.pipeline.resample import AIR_HU, WorkingGrid, normalise_hu, resample_to_grid
from inference.pipeline.rib_context import rib_profiles
from inference.pipeline.skipped_levels import SkippedLevelSettings, skipped_level_points


class HasHu(Protocol):
    @property
    def hu(self) -> np.ndarray: ...

    @property
    def affine(self) -> np.ndarray: ...


@dataclass(frozen=True)
class VertebraCandidate:
    label: str
    centroid_lps_mm: np.ndarray  # (3,) float64, LPS mm
    confidence: float  # 0-1
    recovered: bool = False  # put in for a level the peaks skipped (see skipped_levels); to be verified


@dataclass(frozen=True)
class DetectorMaps:
    grid: WorkingGrid
    heat: np.ndarray  # [z, y, x] in 0-1
    class_probs: np.ndarray  # [K, z, y, x], softmax over background + levels
    hu: np.ndarray | None = None  # [z, y, x], the CT on the working grid (for the rib profiles)


@dataclass(frozen=True)
class LocatorSettings:
    min_peak: float = 0.3  # weaker peaks are not candidates at all (nor neighbours for the calibrator)
    nms_radius_mm: float = 10.0  # vertebral bodies are never closer than ~14 mm centre to centre
    # A peak must be the maximum of its own 3x3x3 neighbourhood only: upper thoracic bodies sit ~3
    # working voxels apart and their heat blobs merge into a ridge, so a wider window hides every
    # second one. The distance rule above still keeps one peak per body.
    local_max_radius_vox: int = 1
    refine_radius_vox: int = 1
    class_radius_mm: float = 6.0  # level probabilities are averaged within this radius of a centroid
    max_window_z: int = 160  # working voxels per z window (memory bound for tall volumes)
    window_overlap_z: int = 32
    skipped: SkippedLevelSettings = field(default_factory=SkippedLevelSettings)


@dataclass(frozen=True)
class Peak:
    zyx: np.ndarray  # refined fractional working index
    value: float


def find_peaks(heat: np.ndarray, spacing_mm: float, settings: LocatorSettings) -> list[Peak]:
    """Local maxima of ``heat`` above ``min_peak``, strongest first, none within ``nms_radius_mm`` of
    a stronger one, each refined to the heat-weighted mean of its neighbourhood."""
    radius = max(1, settings.local_max_radius_vox)
    is_max = heat == ndimage.maximum_filter(heat, size=2 * radius + 1, mode="constant", cval=0.0)
    points = np.argwhere(is_max & (heat >= settings.min_peak))
    points = points[np.argsort(-heat[tuple(points.T)], kind="stable")]
    kept: list[Peak] = []
    r = settings.refine_radius_vox
    for point in points:
        refined = _refine(heat, point, r)
        if any(np.linalg.norm((refined - other.zyx) * spacing_mm) < settings.nms_radius_mm for other in kept):
            continue
        kept.append(Peak(refined, float(heat[tuple(point)])))
    return kept


def _refine(heat: np.ndarray, point: np.ndarray, radius: int) -> np.ndarray:
    low = np.maximum(point - radius, 0)
    high = np.minimum(point + radius + 1, heat.shape)
    block = heat[low[0] : high[0], low[1] : high[1], low[2] : high[2]]
    weights = np.clip(block - 0.5 * heat[tuple(point)], 0.0, None)
    if weights.sum() <= 0:
        return point.astype(np.float64)
    grids = np.meshgrid(*[np.arange(lo, hi) for lo, hi in zip(low, high, strict=True)], indexing="ij")
    return np.array([(g * weights).sum() / weights.sum() for g in grids], dtype=np.float64)


def mean_class_probs(class_probs: np.ndarray, zyx: np.ndarray, radius_vox: float) -> np.ndarray:
    """Class probabilities averaged over a ball around a fractional working index."""
    r = int(np.ceil(radius_vox))
    centre = np.round(zyx).astype(int)
    low = np.maximum(centre - r, 0)
    high = np.minimum(centre + r + 1, class_probs.shape[1:])
    block = class_probs[:, low[0] : high[0], low[1] : high[1], low[2] : high[2]]
    grids = np.meshgrid(*[np.arange(lo, hi) for lo, hi in zip(low, high, strict=True)], indexing="ij")
    inside = sum((g - c) ** 2 for g, c in zip(grids, zyx, strict=True)) <= radius_vox**2 + 1e-9
    if not np.any(inside):
        return np.asarray(class_probs[:, centre[0], centre[1], centre[2]], dtype=np.float64)
    return np.asarray(block[:, inside].mean(axis=1), dtype=np.float64)


class VertebraLocator:
    """Loads the detector once and locates the vertebrae of many volumes."""

    def __init__(
        self,
        weights_path: Path | str,
        device: torch.device | str = "cpu",
        *,
        settings: LocatorSettings | None = None,
        decoder: LabelDecoderSettings | None = None,
        calibrator_path: Path | str | None = None,
    ) -> None:
        self.device = torch.device(device)
        model, self.model_version = load_checkpoint(weights_path, build_detector, self.device)
        assert isinstance(model, VertebraDetector)
        self.model = model
        self.calibrator: LevelCalibrator | None = None
        if calibrator_path is not None:
            calibrator, calibrator_version = load_checkpoint(calibrator_path, build_calibrator, "cpu")
            assert isinstance(calibrator, LevelCalibrator)
            self.calibrator = calibrator
            self.model_version = f"{self.model_version}+{calibrator_version}"
        self.config: DetectorConfig = model.config
        self.settings = settings or LocatorSettings()
        self.decoder = decoder or LabelDecoderSettings()

    def locate(self, volume: HasHu) -> list[VertebraCandidate]:
        """Candidates ordered cranial to caudal (see the module docstring for what is returned)."""
        maps = self.predict_maps(volume)
        return candidates_from_maps(maps, self.settings, self.decoder, self.calibrator)

    def predict_maps(self, volume: HasHu) -> DetectorMaps:
        grid = WorkingGrid.covering(volume.hu.shape, volume.affine, self.config.spacing_mm)
        hu = resample_to_grid(volume.hu, volume.affine, grid)
        heat, probs = self._run(normalise_hu(hu))
        return DetectorMaps(grid, heat, probs, hu)

    @torch.inference_mode()
    def _run(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        multiple = self.config.size_multiple
        _, nz, ny, nx = image.shape
        pad = [(-size) % multiple for size in (nz, ny, nx)]
        air = normalise_hu(np.full((1, 1, 1), AIR_HU, dtype=np.float32))[:, 0, 0, 0]
        padded = np.stack(
            [np.pad(image[c], [(0, p) for p in pad], constant_values=air[c]) for c in range(image.shape[0])]
        )
        total_z = padded.shape[1]
        window = min(total_z, max(multiple, self.settings.max_window_z // multiple * multiple))
        heat = np.zeros(padded.shape[1:], dtype=np.float32)
        probs = np.zeros((self.config.n_classes, *padded.shape[1:]), dtype=np.float32)
        weight = np.zeros(total_z, dtype=np.float32)
        stride = max(multiple, window - self.settings.window_overlap_z)
        starts = list(range(0, max(total_z - window, 0) + 1, stride))
        if starts[-1] + window < total_z:
            starts.append(total_z - window)
        for start in starts:
            chunk = torch.from_numpy(np.ascontiguousarray(padded[None, :, start : start + window]))
            heat_logits, class_logits = self.model(chunk.to(self.device))
            heat[start : start + window] += torch.sigmoid(heat_logits[0, 0]).cpu().numpy()
            probs[:, start : start + window] += torch.softmax(class_logits[0], dim=0).cpu().numpy()
            weight[start : start + window] += 1.0
        heat /= weight[:, None, None]
        probs /= weight[None, :, None, None]
        return heat[:nz, :ny, :nx], probs[:, :nz, :ny, :nx]


@dataclass(frozen=True)
class CandidateEvidence:
    """What the labelling sees of each heat-map peak, ordered cranial to caudal. The level
    calibrator is fitted on exactly this (``inference.training.train_calibrator``)."""

    zyx: np.ndarray  # (n, 3) fractional working indices
    centroids_lps_mm: np.ndarray  # (n, 3)
    class_probs: np.ndarray  # (n, 1 + levels), averaged around each peak
    confidences: np.ndarray  # (n,) heat-map peak values in 0-1
    rib_profiles: np.ndarray | None  # (n, rings), when asked for


def candidate_evidence(
    maps: DetectorMaps, settings: LocatorSettings, *, with_rib_profiles: bool
) -> CandidateEvidence | None:
    """None when the heat map has no peak at all."""
    spacing = maps.grid.spacing_mm
    peaks = find_peaks(maps.heat, spacing, settings)
    if not peaks:
        return None
    centroids = np.array([maps.grid.index_to_lps(peak.zyx) for peak in peaks])
    order = np.argsort(-centroids[:, 2], kind="stable")  # +z is superior
    zyx = np.array([peaks[k].zyx for k in order])
    radius = settings.class_radius_mm / spacing
    probs = np.array([mean_class_probs(maps.class_probs, point, radius) for point in zyx])
    profiles = None
    if with_rib_profiles:
        if maps.hu is None:
            raise ValueError("rib profiles need the working-grid CT in DetectorMaps.hu")
        profiles = rib_profiles(maps.hu, spacing, zyx)
    return CandidateEvidence(
        zyx=zyx,
        centroids_lps_mm=centroids[order],
        class_probs=probs,
        confidences=np.array([min(1.0, max(0.0, peaks[k].value)) for k in order]),
        rib_profiles=profiles,
    )


def candidates_from_maps(
    maps: DetectorMaps,
    settings: LocatorSettings,
    decoder: LabelDecoderSettings,
    calibrator: LevelCalibrator | None = None,
) -> list[VertebraCandidate]:
    needs_ribs = calibrator is not None and calibrator.needs_rib_profiles
    evidence = candidate_evidence(maps, settings, with_rib_profiles=needs_ribs)
    if evidence is None:
        return []
    probs, confidences = evidence.class_probs, evidence.confidences
    if calibrator is None:
        log_probs = class_log_probs(probs)
    else:
        log_probs = calibrator.log_probs(probs, confidences, evidence.rib_profiles)
    centroids = evidence.centroids_lps_mm
    labels = decode_labels(log_probs, centroids, confidences, decoder, foreground=1.0 - probs[:, 0])
    kept = [
        VertebraCandidate(ALL_LABELS[label], centroids[k], float(confidences[k]))
        for k, label in enumerate(labels)
        if label is not None
    ]
    skipped = skipped_level_points(
        [c.label for c in kept],
        np.array([c.centroid_lps_mm for c in kept]),
        maps.heat,
        maps.grid,
        settings.skipped,
    )
    for level in reversed(skipped):  # back to front, so earlier insertion indices stay valid
        kept.insert(level.before, VertebraCandidate(level.label, level.centroid_lps_mm, level.heat, True))
    return kept
