"""Vertebroplasty cement and other metal-dense material inside a vertebral body.

Cortical bone stays well below ``threshold_hu`` even in dense cortex, sclerotic metastases reach
about 1200 HU and iodinated contrast in the aorta a few hundred; PMMA cement with barium and metal
are far above. The test is physical (HU is a calibrated scale) and only inside the body's ellipsoid,
and it needs a connected dense volume so that a few noisy voxels cannot trigger it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from inference.pipeline.bodyframe import BodyFrame, VolumeSampler, sample_ellipsoid


@dataclass(frozen=True)
class CementConfig:
    threshold_hu: float = 1800.0
    min_volume_mm3: float = 40.0  # largest connected dense component must reach this
    step_mm: float = 1.0  # sampling grid inside the body
    body_scale: float = 1.0  # ellipsoid semi-axes = scale × (depth/2, 0.6 depth, height/2)


@dataclass(frozen=True)
class CementFinding:
    excluded: bool
    dense_volume_mm3: float  # largest connected component above the threshold
    max_hu: float


class CementDetector:
    def __init__(self, hu: np.ndarray, affine: np.ndarray, config: CementConfig | None = None) -> None:
        self.sampler = VolumeSampler(hu, affine)
        self.config = config or CementConfig()

    def body_semi_axes(self, frame: BodyFrame) -> tuple[float, float, float]:
        s = self.config.body_scale
        return (s * 0.6 * frame.depth_mm, s * 0.5 * frame.depth_mm, s * 0.5 * frame.height_mm)

    def detect(self, frame: BodyFrame) -> CementFinding:
        step = self.config.step_mm
        values = sample_ellipsoid(self.sampler, frame, self.body_semi_axes(frame), step)
        finite = np.isfinite(values)
        max_hu = float(values[finite].max()) if finite.any() else float("nan")
        dense = np.where(finite, values, -np.inf) >= self.config.threshold_hu
        largest = 0
        if dense.any():
            components, count = ndimage.label(dense, structure=np.ones((3, 3, 3), dtype=bool))
            largest = int(np.bincount(components.ravel())[1:].max()) if count else 0
        volume = largest * step**3
        return CementFinding(
            excluded=volume >= self.config.min_volume_mm3, dense_volume_mm3=volume, max_hu=max_hu
        )
