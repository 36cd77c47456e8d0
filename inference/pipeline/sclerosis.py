"""Sclerotic (dense, e.g. osteoblastic) lesions in the trabecular compartment.

The patient's own trabecular level and spread come from all measured bodies (robust median of the
per-body medians and MADs), so the test follows the patient's bone density instead of a fixed HU.
A body is sclerotic when a connected volume inside its trabecular compartment lies far above that
baseline (and above its own layer's median, which partial volume with an endplate can raise) and
below the cement range. Such a body is skipped for density and its measurement is
marked uncertain rather than trusted: dense lesions can hide or fake endplate contours.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from inference.geometry import GRADABLE_LABELS
from inference.pipeline.bodyframe import BodyFrame, VolumeSampler, sample_ellipsoid
from inference.pipeline.cement import CementConfig


@dataclass(frozen=True)
class SclerosisConfig:
    clearance_mm: float = 2.5  # compartment stays this far inside the cortex (plus half a voxel)
    dense_spreads: float = 6.0  # dense = baseline + this × robust spread of the trabecular texture
    min_contrast_hu: float = 150.0  # …and never closer to the baseline than this (lesion, not grain)
    min_volume_mm3: float = 15.0  # largest connected dense component
    step_mm: float = 1.0
    cement_hu: float = CementConfig().threshold_hu  # above this it is the cement detector's business


@dataclass(frozen=True)
class CompartmentStats:
    median_hu: float
    spread_hu: float  # 1.4826 × MAD
    values: np.ndarray  # regular grid, NaN outside the compartment


@dataclass(frozen=True)
class SclerosisFinding:
    sclerotic: bool
    dense_volume_mm3: float
    threshold_hu: float
    baseline_hu: float


def refine_endplate_suspicion(grade: int | None, sclerotic: bool) -> bool:
    """Whether a measured body's result should be marked uncertain because of a sclerotic lesion.

    Dense lesions near an endplate can pull landmarks, so any grade on a sclerotic body (including a
    fracture call) is kept but flagged uncertain instead of being trusted or suppressed.
    """
    return sclerotic and grade is not None


class SclerosisDetector:
    def __init__(self, hu: np.ndarray, affine: np.ndarray, config: SclerosisConfig | None = None) -> None:
        self.sampler = VolumeSampler(hu, affine)
        self.config = config or SclerosisConfig()
        self.margin = self.config.clearance_mm + 0.5 * float(self.sampler.spacing_mm.max())

    def compartment(self, frame: BodyFrame) -> CompartmentStats | None:
        m = self.margin
        semi = (0.45 * frame.depth_mm - m, 0.5 * frame.depth_mm - m, 0.5 * frame.height_mm - m)
        if min(semi) < 2.0:
            return None
        values = sample_ellipsoid(self.sampler, frame, semi, self.config.step_mm)
        finite = values[np.isfinite(values)]
        if finite.size < 20:
            return None
        median = float(np.median(finite))
        spread = 1.4826 * float(np.median(np.abs(finite - median)))
        return CompartmentStats(median_hu=median, spread_hu=spread, values=values)

    def detect_column(
        self, frames: Sequence[BodyFrame | None], labels: Sequence[str] | None = None
    ) -> list[SclerosisFinding | None]:
        """One finding per body (None where no compartment could be sampled, or for C7/S1 when
        ``labels`` are given); pass None for cement-excluded bodies, so that the baseline comes from
        trabecular bone."""
        if labels is not None:
            frames = [
                f if label in GRADABLE_LABELS else None for f, label in zip(frames, labels, strict=True)
            ]
        stats = [None if frame is None else self.compartment(frame) for frame in frames]
        present = [s for s in stats if s is not None]
        if not present:
            return [None] * len(frames)
        baseline = float(np.median([s.median_hu for s in present]))
        spread = float(np.median([s.spread_hu for s in present]))
        threshold = baseline + max(self.config.dense_spreads * spread, self.config.min_contrast_hu)
        return [None if s is None else self._finding(s, threshold, baseline) for s in stats]

    def _central_component_volume(self, dense: np.ndarray) -> float:
        """Largest dense component reaching the central half of the height: endplate sclerosis and
        partial volume stay at the ends of the compartment, metastases sit in the body."""
        if not dense.any():
            return 0.0
        components, count = ndimage.label(dense, structure=np.ones((3, 3, 3), dtype=bool))
        if count == 0:
            return 0.0
        layers = dense.shape[2]
        central = components[:, :, layers // 4 : layers - layers // 4]
        reaching = np.unique(central[central > 0])
        if reaching.size == 0:
            return 0.0
        sizes = np.bincount(components.ravel(), minlength=count + 1)
        return float(sizes[reaching].max()) * self.config.step_mm**3

    def _finding(self, stats: CompartmentStats, threshold: float, baseline: float) -> SclerosisFinding:
        # Partial volume with a dense endplate raises whole layers near the ends of the compartment;
        # there each layer is judged against its own median when that is higher.
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            layer = np.nanmedian(stats.values, axis=(0, 1), keepdims=True)
        lift = np.maximum(np.nan_to_num(layer, nan=baseline) - baseline, 0.0)
        layers = lift.shape[2]
        lift[:, :, layers // 4 : layers - layers // 4] = 0.0  # a lesion may fill the central layers
        values = np.nan_to_num(stats.values, nan=-np.inf)
        dense = (values >= threshold + lift) & (values < self.config.cement_hu)
        volume = self._central_component_volume(dense)
        diffuse = stats.median_hu >= threshold  # the whole compartment is dense ("ivory" body)
        return SclerosisFinding(
            sclerotic=diffuse or volume >= self.config.min_volume_mm3,
            dense_volume_mm3=volume,
            threshold_hu=threshold,
            baseline_hu=baseline,
        )
