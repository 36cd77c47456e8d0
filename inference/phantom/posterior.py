"""Posterior elements (pedicles, laminae, processes, facets; sacral alae) as capsules in the local frame."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from inference.phantom.anatomy import CHAIN
from inference.phantom.canvas import Canvas, local_coords, ramp, world_bounds
from inference.phantom.shapes import BodyShape
from inference.phantom.spine import Pose

Vec3 = tuple[float, float, float]


@dataclass(frozen=True)
class Capsule:
    """Points within ``radius`` of segment a-b after dividing local coordinates by ``squash``."""

    a: Vec3
    b: Vec3
    radius: float
    squash: Vec3 = (1.0, 1.0, 1.0)


@dataclass(frozen=True)
class PosteriorDims:
    canal_half_width: float
    canal_half_depth: float
    pedicle_radius: float
    lamina_radius: float
    spinous_length: float
    spinous_angle_deg: float  # downward tilt from the posterior direction
    spinous_squash: float  # lumbar spinous processes are tall plates
    transverse_length: float
    transverse_radius: float
    transverse_back_deg: float  # thoracic transverse processes point backwards
    transverse_up_deg: float


# Control points along the chain (index in CHAIN) for linear interpolation.
_CONTROL: dict[str, PosteriorDims] = {
    "C5": PosteriorDims(11.5, 7.0, 2.5, 2.2, 14.0, 10.0, 1.6, 9.0, 2.5, -25.0, 0.0),
    "C7": PosteriorDims(10.5, 7.0, 3.0, 2.6, 38.0, 20.0, 1.6, 15.0, 3.0, -5.0, 0.0),
    "T1": PosteriorDims(9.0, 7.5, 3.2, 2.8, 40.0, 25.0, 2.0, 22.0, 3.6, 25.0, 10.0),
    "T4": PosteriorDims(8.0, 7.5, 3.2, 2.8, 42.0, 55.0, 2.3, 24.0, 3.6, 35.0, 12.0),
    "T8": PosteriorDims(8.0, 7.5, 3.5, 2.9, 42.0, 55.0, 2.3, 22.0, 3.6, 35.0, 12.0),
    "T10": PosteriorDims(8.5, 7.8, 3.8, 3.0, 38.0, 40.0, 2.3, 18.0, 3.4, 30.0, 8.0),
    "T12": PosteriorDims(9.5, 8.0, 4.2, 3.2, 32.0, 20.0, 2.4, 10.0, 3.0, 10.0, 0.0),
    "L1": PosteriorDims(10.5, 8.5, 4.5, 3.4, 30.0, 8.0, 3.0, 18.0, 3.0, 10.0, 0.0),
    "L3": PosteriorDims(11.5, 8.5, 5.0, 3.6, 30.0, 5.0, 3.2, 28.0, 3.2, 5.0, 0.0),
    "L5": PosteriorDims(12.5, 8.5, 5.8, 3.8, 24.0, 5.0, 2.8, 24.0, 4.5, 10.0, 5.0),
    "S1": PosteriorDims(13.0, 7.0, 5.5, 3.5, 14.0, 20.0, 2.5, 0.0, 0.0, 0.0, 0.0),
}


def posterior_dims(label: str, scale: float) -> PosteriorDims:
    index = CHAIN.index(label)
    keys = sorted(_CONTROL, key=CHAIN.index)
    xs = [CHAIN.index(k) for k in keys]
    values = []
    for field in PosteriorDims.__dataclass_fields__:
        ys = [getattr(_CONTROL[k], field) for k in keys]
        value = float(np.interp(index, xs, ys))
        values.append(value if field.endswith(("deg", "squash")) else value * scale)
    return PosteriorDims(*values)


def posterior_capsules(label: str, shape: BodyShape, dims: PosteriorDims) -> list[Capsule]:
    if label in ("S2", "S3", "S4", "S5"):
        return _sacral_segment(shape, dims)
    back = -0.5 * shape.depth
    cw, cd = dims.canal_half_width, dims.canal_half_depth
    canal = back - cd
    height = shape.posterior_height
    level = 0.18 * height  # pedicles leave the upper half of the body
    rp, rl = dims.pedicle_radius, dims.lamina_radius
    xp = cw + 0.9 * rp
    capsules: list[Capsule] = []
    for side in (-1.0, 1.0):
        root = (side * xp, canal - 0.2 * cd, level)
        bend = (side * 0.75 * cw, canal - 0.85 * cd - rl, level - 0.05 * height)
        midline = (0.0, canal - cd - rl, level - 0.1 * height)
        capsules += [
            Capsule((side * xp, back + 3.0, level), root, rp, (1.0, 1.0, 1.7)),
            Capsule(root, bend, rl, (1.0, 1.0, 2.2)),
            Capsule(bend, midline, rl, (1.0, 1.0, 2.2)),
            Capsule(
                (side * (cw + 0.6 * rp), canal - 0.3 * cd, level),
                (side * (cw + 0.6 * rp), canal - 0.5 * cd, level + 0.5 * height + 2.0),
                0.75 * rp + 0.5,
                (1.0, 1.3, 1.0),
            ),
            Capsule(
                (side * 0.8 * cw, canal - cd - 0.5 * rl, level - 0.1 * height),
                (side * 0.85 * cw, canal - cd - 1.0, -0.5 * height - 4.0),
                0.7 * rp + 0.5,
                (1.0, 1.3, 1.0),
            ),
        ]
        if dims.transverse_length > 0:
            start, tip = transverse_process(shape, dims, side)
            capsules += [
                Capsule(start, tip, dims.transverse_radius, (1.0, 1.0, 1.3)),
                Capsule(tip, tip, dims.transverse_radius + 0.8),
            ]
    if label == "S1":
        capsules += _sacral_alae(shape, 1.0)
    angle = math.radians(dims.spinous_angle_deg)
    start = (0.0, canal - cd - rl, level - 0.1 * height)
    tip = (
        0.0,
        start[1] - dims.spinous_length * math.cos(angle),
        start[2] - dims.spinous_length * math.sin(angle),
    )
    capsules.append(Capsule(start, tip, 0.9 * rl, (1.0, 1.0, dims.spinous_squash)))
    return capsules


def transverse_process(shape: BodyShape, dims: PosteriorDims, side: float) -> tuple[Vec3, Vec3]:
    """Root and tip of a transverse process (local mm); ribs articulate at the tip."""
    canal = -0.5 * shape.depth - dims.canal_half_depth
    xp = dims.canal_half_width + 0.9 * dims.pedicle_radius
    start = (side * xp, canal - 0.1 * dims.canal_half_depth, 0.18 * shape.posterior_height)
    back_angle, up = math.radians(dims.transverse_back_deg), math.radians(dims.transverse_up_deg)
    tip = (
        start[0] + side * dims.transverse_length * math.cos(back_angle) * math.cos(up),
        start[1] - dims.transverse_length * math.sin(back_angle),
        start[2] + dims.transverse_length * math.sin(up),
    )
    return start, tip


def _sacral_alae(shape: BodyShape, size: float) -> list[Capsule]:
    a = shape.half_width
    return [
        Capsule(
            (side * 0.6 * a, -2.0, 0.0), (side * (a + 32.0 * size), -12.0, -8.0), 11.0 * size, (1.0, 1.5, 1.6)
        )
        for side in (-1.0, 1.0)
    ]


def _sacral_segment(shape: BodyShape, dims: PosteriorDims) -> list[Capsule]:
    back = -0.5 * shape.depth
    crest = Capsule((0.0, back - 6.0, 0.0), (0.0, back - 14.0, -4.0), 3.0, (1.0, 1.0, 1.5))
    size = shape.half_width / 23.0
    return [crest, *_sacral_alae(shape, size)]


def _capsule_distance(u: np.ndarray, v: np.ndarray, w: np.ndarray, capsule: Capsule) -> np.ndarray:
    su, sv, sw = capsule.squash
    au, av, aw = capsule.a[0] / su, capsule.a[1] / sv, capsule.a[2] / sw
    bu, bv, bw = capsule.b[0] / su - au, capsule.b[1] / sv - av, capsule.b[2] / sw - aw
    qu, qv, qw = u * np.float32(1.0 / su) - au, v * np.float32(1.0 / sv) - av, w * np.float32(1.0 / sw) - aw
    length2 = bu * bu + bv * bv + bw * bw
    if length2 > 1e-9:
        t = (qu * bu + qv * bv + qw * bw) * np.float32(1.0 / length2)
        np.clip(t, 0.0, 1.0, out=t)
        qu, qv, qw = qu - t * bu, qv - t * bv, qw - t * bw
    return np.sqrt(qu * qu + qv * qv + qw * qw) - np.float32(capsule.radius)


def paint_capsules(
    canvas: Canvas, capsules: list[Capsule], pose: Pose, *, cortex: float, shell_hu: float, core_hu: float
) -> None:
    """Union of capsules with a cortical shell of ``cortex`` mm around a marrow core."""
    bounds = [_capsule_bounds(c, pose) for c in capsules]
    lo = np.min([b[0] for b in bounds], axis=0)
    hi = np.max([b[1] for b in bounds], axis=0)
    box = canvas.box(lo, hi)
    if box is None:
        return
    occupancy = np.zeros(box.shape, np.float32)
    core = np.zeros(box.shape, np.float32)
    px = canvas.grid.pixel_mm
    for capsule, (clo, chi) in zip(capsules, bounds, strict=True):
        sub = canvas.box(clo, chi)
        if sub is None:
            continue
        x, y, z = canvas.coords(sub)
        u, v, w = local_coords(x, y, z, pose.centre, pose.frame)
        inside = -_capsule_distance(u, v, w, capsule)
        rel = (
            slice(sub.k0 - box.k0, sub.k1 - box.k0),
            slice(sub.j0 - box.j0, sub.j1 - box.j0),
            slice(sub.i0 - box.i0, sub.i1 - box.i0),
        )
        np.maximum(occupancy[rel], ramp(inside, px), out=occupancy[rel])
        np.maximum(core[rel], ramp(inside - cortex, px), out=core[rel])
    canvas.composite(box, occupancy, shell_hu)
    canvas.composite(box, core, core_hu)


def _capsule_bounds(capsule: Capsule, pose: Pose) -> tuple[np.ndarray, np.ndarray]:
    reach = capsule.radius * max(capsule.squash) + 1.0
    lo = tuple(min(capsule.a[i], capsule.b[i]) - reach for i in range(3))
    hi = tuple(max(capsule.a[i], capsule.b[i]) + reach for i in range(3))
    return world_bounds(pose.centre, pose.frame, (lo[0], lo[1], lo[2]), (hi[0], hi[1], hi[2]))
