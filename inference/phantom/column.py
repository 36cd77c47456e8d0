"""Layers for the spinal column: vertebrae, discs and the contents of the canal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from inference.phantom.anatomy import CHAIN
from inference.phantom.canvas import Canvas, world_bounds
from inference.phantom.primitives import Fill, Layer, SliceShape
from inference.phantom.shapes import BodyShape, DiscShape
from inference.phantom.spine import Pose, Spine
from inference.phantom.textures import Texture
from inference.phantom.vertebra import VertebraModel, paint_body, paint_disc, paint_posterior

EPIDURAL_FAT_HU = -70.0
CSF_HU = 12.0
CORD_HU = 32.0


def body_bounds(model: VertebraModel, margin: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    hu, hv, hw = model.shape.extent()
    return world_bounds(
        model.pose.centre,
        model.pose.frame,
        (-hu - margin, -hv - margin, -hw - margin),
        (hu + margin, hv + margin, hw + margin),
    )


@dataclass(frozen=True)
class VertebraLayer:
    model: VertebraModel
    grain: Texture
    z_range: tuple[float, float]

    @classmethod
    def of(cls, model: VertebraModel, grain: Texture) -> VertebraLayer:
        # Spinous processes of mid-thoracic levels reach far below the body.
        lo, hi = body_bounds(model, 55.0)
        return cls(model, grain, (float(lo[2]), float(hi[2])))

    def paint(self, canvas: Canvas) -> None:
        paint_body(canvas, self.model, self.grain)
        paint_posterior(canvas, self.model)


@dataclass(frozen=True)
class DiscLayer:
    disc: DiscShape
    pose: Pose
    upper: BodyShape
    lower: BodyShape
    z_range: tuple[float, float]

    def paint(self, canvas: Canvas) -> None:
        paint_disc(canvas, self.disc, self.pose, self.upper, self.lower)


def disc_layers(spine: Spine, shapes: Mapping[str, BodyShape]) -> list[Layer]:
    layers: list[Layer] = []
    for label, pose in spine.discs.items():
        lower = CHAIN[CHAIN.index(label) + 1]
        disc = spine.disc_shapes[label]
        reach = disc.half_width + 25.0
        layers.append(
            DiscLayer(
                disc, pose, shapes[label], shapes[lower], (pose.centre[2] - reach, pose.centre[2] + reach)
            )
        )
    return layers


def canal_layers(models: Mapping[str, VertebraModel]) -> list[Layer]:
    """Epidural fat, thecal sac and (down to L1) the cord, following the canal behind each body."""
    rows = []
    for label in CHAIN:
        if label in ("S2", "S3", "S4", "S5"):
            continue
        model = models[label]
        dims = model.posterior
        local = np.array(
            [0.0, -0.5 * model.shape.depth - dims.canal_half_depth, 0.1 * model.shape.posterior_height]
        )
        centre = model.pose.centre + model.pose.frame @ local
        stretch = 1.0 / max(0.5, abs(float(model.pose.frame[2, 2])))  # oblique sections are longer
        rows.append((centre[2], centre[0], centre[1], dims.canal_half_width, dims.canal_half_depth * stretch))
    table = np.array(sorted(rows))
    z_l1 = models["L1"].pose.centre[2]

    def profile(scale: float, cord: bool = False):  # type: ignore[no-untyped-def]
        def at(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
            x, y = np.interp(z, table[:, 0], table[:, 1]), np.interp(z, table[:, 0], table[:, 2])
            rx, ry = (
                np.interp(z, table[:, 0], table[:, 3]) * scale,
                np.interp(z, table[:, 0], table[:, 4]) * scale,
            )
            if cord:
                rx = np.where(z > z_l1, 4.5, 0.0)
                ry = np.where(z > z_l1, 3.8, 0.0)
            return x, y, rx, ry

        return at

    z_range = (float(table[0, 0]), float(table[-1, 0]))
    return [
        Fill(SliceShape(z_range, profile(1.0)), EPIDURAL_FAT_HU),
        Fill(SliceShape(z_range, profile(0.78)), CSF_HU),
        Fill(SliceShape(z_range, profile(1.0, cord=True)), CORD_HU),
    ]
