"""Bones outside the column: ribs with costal cartilage, sternum, iliac wings."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

import numpy as np

from inference.phantom.anatomy import THORACIC
from inference.phantom.body import BodyModel
from inference.phantom.canvas import Canvas, ramp
from inference.phantom.posterior import transverse_process
from inference.phantom.primitives import Layer, SliceShape, Tube, polyline
from inference.phantom.vertebra import POSTERIOR_SHELL_HU, VertebraModel

CARTILAGE_HU = 130.0
# How far each rib descends from its tubercle to its front end (mm), and where it ends (rad from the back).
_RIB_DROP = (25.0, 42.0, 53.0, 63.0, 69.0, 74.0, 76.0, 76.0, 69.0, 58.0, 40.0, 22.0)
_RIB_END = (3.3, 3.35, 3.35, 3.35, 3.35, 3.3, 3.25, 3.1, 2.9, 2.6, 1.95, 1.35)
_RIB_RADIUS = (3.8, 4.1, 4.5, 4.6, 4.6, 4.6, 4.6, 4.6, 4.5, 4.3, 4.0, 3.6)


@dataclass(frozen=True)
class Sternum:
    body: BodyModel
    z_range: tuple[float, float]
    marrow_hu: float

    def _profile(self, z: np.ndarray, shrink: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        top, bottom = self.z_range[1], self.z_range[0]
        manubrium = ramp(z - (top - 45.0), 6.0)
        tail = np.clip((z - bottom) / 40.0, 0.0, 1.0)
        half_width = (9.0 + 7.0 * tail + 10.0 * manubrium) - shrink
        y = self.body.front_y(z) + 0.6 * self.body.fat(z) + 7.0
        return np.zeros_like(z), y, half_width, np.full_like(z, 6.5 - shrink)

    def edge(self, z: float) -> tuple[float, float]:
        """Half-width and y of the sternum at z (for the costal cartilages)."""
        _, y, hw, _ = self._profile(np.array([z]), 0.0)
        return float(hw[0]), float(y[0])

    def paint(self, canvas: Canvas) -> None:
        for shrink, value in ((0.0, POSTERIOR_SHELL_HU), (1.3, self.marrow_hu)):
            shape = SliceShape(self.z_range, partial(self._profile, shrink=shrink), exponent=3.0)
            occ = shape.occupancy(canvas)
            if occ is not None:
                canvas.composite(occ.box, occ.value, value)


def make_sternum(body: BodyModel, marrow_hu: float) -> Sternum:
    z = body.spine.level_z
    return Sternum(body, (z["T10"], z["T2"] - 6.0), marrow_hu)


def _rib_path(model: VertebraModel, side: float, body: BodyModel, index: int) -> np.ndarray:
    shape, pose = model.shape, model.pose
    head_local = np.array([side * 0.8 * shape.half_width, -0.3 * shape.depth, 0.35 * shape.posterior_height])
    _, tip = transverse_process(shape, model.posterior, side)
    tubercle_local = np.array([tip[0], tip[1] + 4.0, tip[2] - 2.0])
    head = pose.centre + pose.frame @ head_local
    tubercle = pose.centre + pose.frame @ tubercle_local
    cx0, cy0, rx0, ry0 = (float(a[0]) for a in body.lung(np.array([tubercle[2]]), side))
    start = math.atan2(side * (tubercle[0] - cx0) / (rx0 + 4.0), (tubercle[1] - cy0) / (ry0 + 4.0))
    t = np.linspace(0.0, 1.0, 90)
    phi = start + t * (_RIB_END[index] - start)
    z = tubercle[2] - _RIB_DROP[index] * model.shape.posterior_height / 18.0 * t
    cx, cy, rx, ry = body.lung(z, side)
    shaft = np.stack([cx + side * (rx + 4.0) * np.sin(phi), cy + (ry + 4.0) * np.cos(phi), z], axis=1)
    return polyline([head, tubercle, *shaft], step=2.0)


def ribs(vertebrae: Mapping[str, VertebraModel], body: BodyModel, sternum: Sternum) -> list[Layer]:
    layers: list[Layer] = []
    top, bottom = sternum.z_range[1], sternum.z_range[0]
    for index, label in enumerate(THORACIC):
        model = vertebrae[label]
        for side in (-1.0, 1.0):
            path = _rib_path(model, side, body, index)
            radius = _RIB_RADIUS[index]
            layers.append(
                Tube(path, radius, POSTERIOR_SHELL_HU - 100.0, model.trabecular_hu + 40.0, cortex=1.1)
            )
            if index < 10:
                end = path[-1]
                if index < 7:
                    notch = top - 8.0 - index * (top - bottom - 30.0) / 6.0
                    half, y = sternum.edge(notch)
                    target = (side * (half - 2.0), y, notch)
                else:
                    half, y = sternum.edge(bottom + 20.0)
                    target = (
                        side * (half + 14.0 + 9.0 * (index - 7)),
                        y + 6.0,
                        bottom + 8.0 - 14.0 * (index - 7),
                    )
                middle = (
                    0.5 * (end[0] + target[0]) + side * 6.0,
                    0.5 * (end[1] + target[1]) - 4.0,
                    0.5 * (end[2] + target[2]),
                )
                cartilage = polyline([end, middle, target], step=2.0)
                layers.append(Tube(cartilage, radius * 0.9, CARTILAGE_HU))
    return layers


@dataclass(frozen=True)
class IliacWing:
    """A curved bony plate from the sacroiliac joint round to the anterior superior iliac spine."""

    body: BodyModel
    side: float
    crest_z: float
    z_range: tuple[float, float]
    sacrum_y: float
    marrow_hu: float

    def paint(self, canvas: Canvas) -> None:
        lo, hi = max(canvas.z_range[0], self.z_range[0]), min(canvas.z_range[1], self.z_range[1])
        if lo > hi:
            return
        zz = np.array([0.5 * (lo + hi)])
        rx = float(self.body.half_width(zz)[0] - self.body.fat(zz)[0]) - 85.0
        cx, cy, ry = self.side * 60.0, self.sacrum_y - 25.0, 45.0
        x_lo, x_hi = sorted((cx - self.side * 15.0, cx + self.side * (rx + 15.0)))
        box = canvas.box((x_lo, cy - ry - 15.0, lo), (x_hi, cy + ry + 15.0, hi))
        if box is None or rx <= 10.0:
            return
        x, y, z = canvas.coords(box)
        nx = (x - np.float32(cx)) * np.float32(self.side / rx)
        ny = (y - np.float32(cy)) * np.float32(1.0 / ry)
        rho = np.sqrt(nx * nx + ny * ny)
        phi = np.arctan2(nx, ny)
        ring = np.abs(rho - np.float32(1.0)) * np.float32(math.sqrt(rx * ry))
        arc = ramp((phi + np.float32(0.15)) * np.float32(40.0), 2.0) * ramp(
            (np.float32(2.25) - phi) * np.float32(40.0), 2.0
        )
        crest = self.crest_z - 12.0 * (phi - np.float32(1.1)) ** 2
        extent = arc * ramp(crest - z, 2.0)
        px = canvas.grid.pixel_mm
        canvas.composite(box, extent * ramp(np.float32(5.5) - ring, px), POSTERIOR_SHELL_HU)
        canvas.composite(box, extent * ramp(np.float32(3.8) - ring, px), self.marrow_hu)


def pelvis(body: BodyModel, marrow_hu: float) -> list[Layer]:
    z = body.spine.level_z
    crest = 0.5 * (z["L4"] + z["L5"])
    sacrum_y = float(body.spine.at(np.array([z["S1"]]))[1][0])
    return [
        IliacWing(body, side, crest, (z["S4"] - 20.0, crest), sacrum_y, marrow_hu) for side in (-1.0, 1.0)
    ]
