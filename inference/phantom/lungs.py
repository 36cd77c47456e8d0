"""Diaphragm and lungs: air-filled cage above two domes, around the mediastinum and the spine."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from inference.phantom.body import BodyModel
from inference.phantom.canvas import Canvas, ramp
from inference.phantom.primitives import SliceShape
from inference.phantom.textures import Textures

LUNG_HU = -860.0
_DOME_CURVATURE = 0.0055  # mm of drop per mm^2 away from a dome's apex


@dataclass(frozen=True)
class Diaphragm:
    right_apex: tuple[float, float, float]
    left_apex: tuple[float, float, float]

    @classmethod
    def for_body(cls, body: BodyModel, offset_mm: float) -> Diaphragm:
        z10 = np.array([body.spine.level_z["T10"]])
        _, cy, rx, _ = body.cage(z10)
        top = body.spine.level_z["T9"] + 5.0 + offset_mm
        return cls(
            right_apex=(-0.42 * float(rx[0]), float(cy[0]), top),
            left_apex=(0.42 * float(rx[0]), float(cy[0]), top - 15.0),
        )

    def height(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """z of the diaphragm's upper surface under (x, y)."""
        heights = []
        for ax, ay, az in (self.right_apex, self.left_apex):
            dx, dy = x - np.float32(ax), y - np.float32(ay)
            heights.append(
                np.float32(az) - np.float32(_DOME_CURVATURE) * (dx * dx + np.float32(0.7) * dy * dy)
            )
        return np.maximum(heights[0], heights[1])

    @property
    def lowest(self) -> float:
        return min(self.right_apex[2], self.left_apex[2]) - 110.0

    def below(self, lift: float = 3.0) -> ClipBelow:
        return ClipBelow(self, lift)


@dataclass(frozen=True)
class ClipBelow:
    """Keeps an abdominal organ under the diaphragm."""

    diaphragm: Diaphragm
    lift: float

    def __call__(self, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        return ramp(self.diaphragm.height(x, y) + np.float32(self.lift) - z, 2.0)


@dataclass(frozen=True)
class Lungs:
    body: BodyModel
    diaphragm: Diaphragm
    textures: Textures
    z_range: tuple[float, float]

    @classmethod
    def build(cls, body: BodyModel, diaphragm: Diaphragm, textures: Textures) -> Lungs:
        apex = body.spine.level_z["T1"] + 28.0
        return cls(body, diaphragm, textures, (diaphragm.lowest, apex))

    def _lung(self, z: np.ndarray, side: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        cx, cy, rx, ry = self.body.lung(z, side)
        # Apices: each lung narrows to a dome above the first rib.
        taper = np.sqrt(np.clip((self.z_range[1] - z) / 45.0, 0.0, 1.0))
        return cx, cy, rx * taper, ry * (0.4 + 0.6 * taper)

    def paint(self, canvas: Canvas) -> None:
        for side in (-1.0, 1.0):
            self._paint_lung(canvas, side)

    def _paint_lung(self, canvas: Canvas, side: float) -> None:
        occ = SliceShape(self.z_range, partial(self._lung, side=side)).occupancy(canvas)
        if occ is None:
            return
        x, y, z = occ.x, occ.y, occ.z
        px = canvas.grid.pixel_mm
        zk = z[:, 0, 0].astype(float)
        sx, sy, half_width, half_depth = self.body.spine.at(zk)
        t1 = self.body.spine.level_z["T1"]
        t4 = self.body.spine.level_z["T4"]
        # Mediastinum: wider at the aortic arch (T3-T5), narrow behind the sternum.
        arch = np.exp(-(((zk - t4) / 30.0) ** 2))
        half = (22.0 + 14.0 * arch + 6.0 * (zk < t1 - 40.0)).astype(np.float32)[:, None, None]
        middle = (sy - half_depth - 25.0).astype(np.float32)[:, None, None]
        half = half * (
            np.float32(0.3) + np.float32(0.7) * np.exp(-(((y - middle) * np.float32(1.0 / 45.0)) ** 2))
        )
        centre = (sx + 5.0).astype(np.float32)[:, None, None]
        weight = occ.value * ramp(np.abs(x - centre) - half, px)
        spine_r = (np.maximum(half_width, half_depth) + 7.0).astype(np.float32)[:, None, None]
        dx = x - sx.astype(np.float32)[:, None, None]
        dy = y - sy.astype(np.float32)[:, None, None]
        weight *= ramp(np.sqrt(dx * dx + dy * dy) - spine_r, px)
        # Behind the bodies the lungs stay lateral to the costovertebral joints.
        gutter = (half_width + 12.0).astype(np.float32)[:, None, None]
        weight *= np.maximum(ramp(np.abs(dx) - gutter, px), ramp(-dy, 3.0))
        weight *= ramp(z - self.diaphragm.height(x, y) - np.float32(3.0), 2.0)
        canvas.composite(occ.box, weight, LUNG_HU + self._vessels(x, y, z))

    def _vessels(self, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        """Branching soft-tissue strands, thicker and denser toward the hila."""
        a = self.textures.vessels_a.sample(x, y, z)
        b = self.textures.vessels_b.sample(x, y, z)
        hilum_z = np.float32(self.body.spine.level_z["T6"])
        hilum_y = np.float32(float(self.body.spine.y[np.argmin(np.abs(self.body.spine.z - hilum_z))]) - 40.0)
        d2 = (np.abs(x) - np.float32(55.0)) ** 2 + (y - hilum_y) ** 2 + (z - hilum_z) ** 2
        threshold = np.float32(0.16) + np.float32(0.3) * np.exp(d2 * np.float32(-1.0 / 80.0**2))
        strand = ramp(threshold - (np.abs(a) + np.abs(b)), 0.1)
        return strand * np.float32(880.0)
