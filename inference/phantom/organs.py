"""Abdominal organs, bowel and trunk muscles, placed relative to the spine and the body cavity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from inference.phantom.anatomy import Proportions
from inference.phantom.body import FAT_HU, MUSCLE_HU, BodyModel
from inference.phantom.canvas import ramp
from inference.phantom.lungs import Diaphragm
from inference.phantom.primitives import Fill, Layer, SliceShape, Tube, ellipsoid, polyline
from inference.phantom.textures import Texture, Textures

GAS_HU = -950.0


@dataclass(frozen=True)
class Enhancement:
    """Organ attenuation without and with portal-venous contrast."""

    liver: float
    spleen: float
    kidney_cortex: float
    kidney_medulla: float
    bowel: float
    blood: float

    @classmethod
    def for_contrast(cls, contrast: bool) -> Enhancement:
        if contrast:
            return cls(
                liver=105.0, spleen=115.0, kidney_cortex=175.0, kidney_medulla=125.0, bowel=55.0, blood=165.0
            )
        return cls(liver=60.0, spleen=48.0, kidney_cortex=35.0, kidney_medulla=32.0, bowel=38.0, blood=42.0)


@dataclass(frozen=True)
class Textured:
    """A base HU with a soft mottle."""

    base: float
    texture: Texture
    amplitude: float

    def __call__(self, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        return np.float32(self.base) + np.float32(self.amplitude) * self.texture.sample(x, y, z)


@dataclass(frozen=True)
class GasLevel:
    """Gas in the non-dependent (anterior, supine) part of a lumen, fluid below it."""

    y_level: float
    fluid: float

    def __call__(self, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        wet = ramp(y - np.float32(self.y_level), 1.5)
        return np.float32(GAS_HU) + wet * np.float32(self.fluid - GAS_HU)


@dataclass(frozen=True)
class Stool:
    """Mottled gas and faeces."""

    texture: Texture

    def __call__(self, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        solid = ramp(self.texture.sample(x * 1.7, y * 1.7, z * 1.7) + np.float32(0.5), 0.5)
        return np.float32(-900.0) + solid * np.float32(880.0)


@dataclass(frozen=True)
class Anchors:
    """Where things are: level heights, spine centre and the cavity at a given z."""

    body: BodyModel

    def z(self, label: str) -> float:
        return self.body.spine.level_z[label]

    def spine(self, z: float) -> tuple[float, float, float, float]:
        sx, sy, hw, hd = self.body.spine.at(np.array([z]))
        return float(sx[0]), float(sy[0]), float(hw[0]), float(hd[0])

    def cavity(self, z: float) -> tuple[float, float, float, float]:
        zz = np.array([z])
        cx, cy, rx, ry = self.body.layer(zz, self.body.cavity_inset(zz))
        return float(cx[0]), float(cy[0]), float(rx[0]), float(ry[0])


def controlled(anchors: Anchors, levels: Sequence[str], values: Sequence[float], z: np.ndarray) -> np.ndarray:
    zs = np.array([anchors.z(level) for level in levels])
    order = np.argsort(zs)
    return np.interp(z, zs[order], np.asarray(values, dtype=float)[order])


Profile4 = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
_PARASPINAL_LEVELS = ("C5", "C7", "T1", "T6", "T12", "L2", "L4", "S1", "S3")
_PARASPINAL_RX = (18.0, 20.0, 21.0, 22.0, 27.0, 31.0, 33.0, 25.0, 15.0)
_PARASPINAL_BACK = (40.0, 45.0, 48.0, 50.0, 58.0, 62.0, 62.0, 52.0, 40.0)
_PARASPINAL_RY = (14.0, 16.0, 17.0, 19.0, 23.0, 25.0, 25.0, 18.0, 10.0)
_PSOAS_LEVELS = ("T12", "L1", "L2", "L3", "L4", "L5", "S1", "S3")
_PSOAS_R = (4.0, 8.0, 12.0, 16.0, 20.0, 22.0, 22.0, 18.0)
_PSOAS_OUT = (0.0, 0.0, 0.0, 0.0, 0.0, 6.0, 18.0, 40.0)


@dataclass(frozen=True)
class _Paraspinal:
    anchors: Anchors
    side: float

    def __call__(self, z: np.ndarray) -> Profile4:
        sx, sy, _, _ = self.anchors.body.spine.at(z)
        rx = controlled(self.anchors, _PARASPINAL_LEVELS, _PARASPINAL_RX, z)
        return (
            sx + self.side * (rx + 4.0),  # medial edges meet at the spinous processes
            sy + controlled(self.anchors, _PARASPINAL_LEVELS, _PARASPINAL_BACK, z),
            rx,
            controlled(self.anchors, _PARASPINAL_LEVELS, _PARASPINAL_RY, z),
        )


@dataclass(frozen=True)
class _Psoas:
    anchors: Anchors
    side: float

    def __call__(self, z: np.ndarray) -> Profile4:
        sx, sy, hw, _ = self.anchors.body.spine.at(z)
        r = controlled(self.anchors, _PSOAS_LEVELS, _PSOAS_R, z)
        out = controlled(self.anchors, _PSOAS_LEVELS, _PSOAS_OUT, z)
        return sx + self.side * (hw + 0.9 * r + 2.0 + out), sy - 0.3 * r - 0.4 * out, r, 0.9 * r


@dataclass(frozen=True)
class _BackWall:
    """Latissimus, trapezius and scapular muscles; quadratus lumborum lower down."""

    anchors: Anchors

    def __call__(self, z: np.ndarray) -> Profile4:
        body = self.anchors.body
        levels = ("C7", "T1", "T6", "T12", "L3", "L5")
        thick = controlled(self.anchors, levels, (20.0, 34.0, 32.0, 26.0, 16.0, 0.0), z)
        return np.zeros_like(z), body.back_y(z) - body.fat(z) * 0.6 - thick, 0.78 * body.half_width(z), thick


def muscles(anchors: Anchors) -> list[Layer]:
    layers: list[Layer] = [
        Fill(SliceShape((anchors.z("L5"), anchors.z("C7")), _BackWall(anchors), exponent=2.5), MUSCLE_HU)
    ]
    for side in (-1.0, 1.0):
        paraspinal = SliceShape(
            (anchors.z("S3"), anchors.z("C5") + 20.0), _Paraspinal(anchors, side), exponent=3.0
        )
        layers.append(Fill(paraspinal, MUSCLE_HU))
        layers.append(
            Fill(SliceShape((anchors.z("S3"), anchors.z("T12")), _Psoas(anchors, side)), MUSCLE_HU + 5.0)
        )
    return layers


def abdominal_organs(
    anchors: Anchors, diaphragm: Diaphragm, enh: Enhancement, textures: Textures
) -> list[Layer]:
    below = diaphragm.below()
    layers: list[Layer] = []
    z_liver = anchors.z("T12") + 5.0
    _, cy, rx, ry = anchors.cavity(z_liver)
    liver_semi = (0.6 * rx, 0.78 * ry, 95.0)
    layers.append(
        Fill(
            ellipsoid((-0.4 * rx + 3.0, cy - 0.08 * ry, z_liver), liver_semi),
            Textured(enh.liver, textures.organ, 5.0),
            below,
        )
    )
    layers.append(
        Fill(ellipsoid((-0.3 * rx, cy - 0.55 * ry, anchors.z("L1") + 5.0), (16.0, 18.0, 34.0)), 10.0)
    )
    z_spleen = anchors.z("T11")
    _, sy, _, _ = anchors.spine(z_spleen)
    _, _, rx_s, _ = anchors.cavity(z_spleen)
    layers.append(Fill(ellipsoid((rx_s - 32.0, sy + 2.0, z_spleen), (27.0, 50.0, 52.0)), enh.spleen, below))
    z_stomach = anchors.z("T11") + 5.0
    _, cy_st, rx_st, ry_st = anchors.cavity(z_stomach)
    centre = (0.4 * rx_st, cy_st - 0.3 * ry_st, z_stomach)
    layers.append(Fill(ellipsoid(centre, (52.0, 44.0, 60.0)), enh.bowel + 5.0, below))
    gas = GasLevel(centre[1] - 0.25 * 40.0, 15.0)
    layers.append(Fill(ellipsoid(centre, (48.0, 40.0, 56.0)), gas, below))
    layers += _kidneys(anchors, enh)
    return layers


def _kidneys(anchors: Anchors, enh: Enhancement) -> list[Layer]:
    layers: list[Layer] = []
    for side in (-1.0, 1.0):
        z = anchors.z("L1") - 5.0 - (14.0 if side < 0 else 0.0)
        sx, sy, hw, _ = anchors.spine(z)
        centre = (sx + side * (hw + 44.0), sy + 14.0, z)
        layers.append(Fill(ellipsoid(centre, (36.0, 32.0, 64.0)), FAT_HU + 5.0))
        layers.append(Fill(ellipsoid(centre, (25.0, 22.0, 52.0)), enh.kidney_cortex))
        layers.append(Fill(ellipsoid(centre, (16.0, 14.0, 38.0)), enh.kidney_medulla))
        hilum = (centre[0] - side * 15.0, centre[1] - 4.0, z)
        layers.append(Fill(ellipsoid(hilum, (10.0, 9.0, 22.0)), -70.0))
    return layers


def bowel(anchors: Anchors, enh: Enhancement, textures: Textures, props: Proportions) -> list[Layer]:
    rng = np.random.default_rng(props.bowel_seed)
    layers: list[Layer] = []
    z_top, z_bottom = anchors.z("L1") - 20.0, anchors.z("S1") + 10.0
    for _ in range(70):
        z = float(rng.uniform(z_bottom, z_top))
        _, cy, rx, ry = anchors.cavity(z)
        _, sy, _, hd = anchors.spine(z)
        x = float(rng.uniform(-0.6, 0.6)) * rx
        front = cy - 0.8 * ry
        y = float(rng.uniform(front, max(front + 5.0, sy - hd - 18.0)))
        r = float(rng.uniform(9.0, 16.0))
        centre, semi = (x, y, z), (r, r * float(rng.uniform(0.7, 1.0)), r * float(rng.uniform(0.7, 1.1)))
        layers.append(Fill(ellipsoid(centre, semi), enh.bowel))
        inner = (semi[0] - 2.5, semi[1] - 2.5, semi[2] - 2.5)
        if rng.random() < 0.45:
            layers.append(
                Fill(ellipsoid(centre, inner), GasLevel(y + float(rng.uniform(-0.4, 0.2)) * r, 15.0))
            )
        else:
            layers.append(Fill(ellipsoid(centre, inner), 20.0))
    layers += _colon(anchors, textures)
    return layers


def _colon(anchors: Anchors, textures: Textures) -> list[Layer]:
    stool = Stool(textures.organ)
    spine = anchors.body.spine
    body = anchors.body

    def ascending(z: np.ndarray) -> Profile4:
        _, cy, rx, ry = body.layer(z, body.cavity_inset(z))
        return -0.76 * rx, cy + 0.1 * ry, np.full_like(z, 18.0), np.full_like(z, 16.0)

    def descending(z: np.ndarray) -> Profile4:
        rx = body.layer(z, body.cavity_inset(z))[2]
        return 0.8 * rx, spine.at(z)[1] - 8.0, np.full_like(z, 14.0), np.full_like(z, 13.0)

    z_l1, z_l2, z_t12, z_l5 = (anchors.z(k) for k in ("L1", "L2", "T12", "L5"))
    _, cy, rx, ry = anchors.cavity(z_l2)
    path = polyline(
        [
            (-0.76 * rx, cy + 0.1 * ry, z_l1),
            (-0.3 * rx, cy - 0.6 * ry, z_l2),
            (0.3 * rx, cy - 0.6 * ry, z_l2),
            (0.8 * rx, cy, z_t12),
        ],
        step=6.0,
    )
    return [
        Fill(SliceShape((z_l5 - 20.0, z_l1), ascending), stool),
        Fill(SliceShape((z_l5, z_t12), descending), stool),
        Tube(path, 12.0, -850.0),
    ]
