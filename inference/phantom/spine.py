"""The spinal column as a chain: each body and disc stacked on the one below, bent by its own wedge.

Kyphosis, lordosis, fractures and scoliosis all come from the shapes of the elements, so the column
stays continuous: a crushed body pulls the column above it down, a wedged one tilts it forward.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from inference.phantom.anatomy import CHAIN, SagittalPlan
from inference.phantom.shapes import DiscShape


@dataclass(frozen=True)
class Pose:
    centre: np.ndarray  # (3,) LPS mm
    frame: np.ndarray  # (3, 3) columns: lateral (u), anterior (v), superior (w) unit vectors


@dataclass(frozen=True)
class Spine:
    vertebrae: dict[str, Pose]
    discs: dict[str, Pose]  # keyed by the level above the disc
    disc_shapes: dict[str, DiscShape]

    def translated(self, offset: np.ndarray) -> Spine:
        def move(poses: dict[str, Pose]) -> dict[str, Pose]:
            return {k: Pose(p.centre + offset, p.frame) for k, p in poses.items()}

        return Spine(move(self.vertebrae), move(self.discs), self.disc_shapes)

    def centre_curve(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Body centres sorted by z: (z, x, y) for interpolation along the column."""
        centres = np.array([pose.centre for pose in self.vertebrae.values()])
        order = np.argsort(centres[:, 2])
        return centres[order, 2], centres[order, 0], centres[order, 1]


def _rotate(frame: np.ndarray, sagittal: float, coronal: float) -> np.ndarray:
    u, v, w = frame[:, 0], frame[:, 1], frame[:, 2]
    ca, sa = math.cos(sagittal), math.sin(sagittal)
    v, w = ca * v - sa * w, ca * w + sa * v
    cb, sb = math.cos(coronal), math.sin(coronal)
    u, w = cb * u - sb * w, cb * w + sb * u
    return np.stack([u, v, w], axis=1)


def _axial(frame: np.ndarray, angle: float) -> np.ndarray:
    u, v, w = frame[:, 0], frame[:, 1], frame[:, 2]
    c, s = math.cos(angle), math.sin(angle)
    return np.stack([c * u + s * v, c * v - s * u, w], axis=1)


@dataclass
class _Cursor:
    point: np.ndarray
    frame: np.ndarray

    def advance(self, height: float, sagittal: float, coronal: float, up: bool) -> Pose:
        sign = 1.0 if up else -1.0
        mid = _rotate(self.frame, sign * sagittal / 2.0, sign * coronal / 2.0)
        centre = self.point + sign * (height / 2.0) * mid[:, 2]
        self.point = self.point + sign * height * mid[:, 2]
        self.frame = _rotate(self.frame, sign * sagittal, sign * coronal)
        return Pose(centre, mid)


@dataclass(frozen=True)
class Scoliosis:
    cobb_deg: float
    upper_end: str
    lower_end: str
    convex_right: bool

    @property
    def apex(self) -> str:
        return CHAIN[(CHAIN.index(self.upper_end) + CHAIN.index(self.lower_end)) // 2]

    def coronal_bends(self) -> dict[str, float]:
        """Disc bends (rad) keyed by the level above: a main curve and two half-size compensations."""
        top, bottom = CHAIN.index(self.upper_end), CHAIN.index(self.lower_end)
        cobb = math.radians(self.cobb_deg) * (1.0 if self.convex_right else -1.0)
        bends = {label: 0.0 for label in CHAIN}
        for i in range(top, bottom):
            bends[CHAIN[i]] = cobb / (bottom - top)
        for i in (*range(top - 3, top), *range(bottom, bottom + 3)):
            bends[CHAIN[i]] = -cobb / 6.0
        return bends

    def axial_rotations(self) -> dict[str, float]:
        """Vertebral rotation toward the convexity, largest at the apex."""
        top, bottom = CHAIN.index(self.upper_end), CHAIN.index(self.lower_end)
        apex, half = (top + bottom) / 2.0, (bottom - top) / 2.0 + 1.0
        peak = math.radians(0.3 * self.cobb_deg) * (1.0 if self.convex_right else -1.0)
        return {label: peak * max(0.0, 1.0 - abs(i - apex) / half) for i, label in enumerate(CHAIN)}


def _disc_shape(plan: SagittalPlan, label: str, coronal: float) -> DiscShape:
    upper, lower = plan.shapes[label], plan.shapes[CHAIN[CHAIN.index(label) + 1]]
    return DiscShape(
        half_width=0.5 * (upper.half_width + lower.half_width),
        depth=0.5 * (upper.depth + lower.depth),
        mid_height=plan.disc_heights[label],
        sagittal_bend=plan.disc_bends[label],
        coronal_bend=coronal,
        fused=label.startswith("S"),
    )


def build_spine(plan: SagittalPlan, scoliosis: Scoliosis | None, lean_deg: float) -> Spine:
    """Stack the column on the top of S1, then stand it up so T1 is above L5."""
    coronal = scoliosis.coronal_bends() if scoliosis else {label: 0.0 for label in CHAIN}
    axial = scoliosis.axial_rotations() if scoliosis else {label: 0.0 for label in CHAIN}
    start = np.array([[1.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, 1.0]]).T
    vertebrae: dict[str, Pose] = {}
    discs: dict[str, Pose] = {}
    shapes = {label: _disc_shape(plan, label, coronal[label]) for label in CHAIN[:-1]}
    s1 = CHAIN.index("S1")
    up = _Cursor(np.zeros(3), start.copy())
    for label in reversed(CHAIN[:s1]):
        discs[label] = up.advance(shapes[label].mid_height, plan.disc_bends[label], coronal[label], True)
        body = plan.shapes[label]
        vertebrae[label] = up.advance(body.mid_height, body.sagittal_bend, 0.0, True)
    down = _Cursor(np.zeros(3), start.copy())
    for label in CHAIN[s1:]:
        body = plan.shapes[label]
        vertebrae[label] = down.advance(body.mid_height, body.sagittal_bend, 0.0, False)
        if label in shapes:
            discs[label] = down.advance(shapes[label].mid_height, plan.disc_bends[label], 0.0, False)
    for label, angle in axial.items():
        if angle:
            pose = vertebrae[label]
            vertebrae[label] = Pose(pose.centre, _axial(pose.frame, angle))
    rotation = _standing_rotation(vertebrae, lean_deg)
    return Spine(
        {k: Pose(rotation @ p.centre, rotation @ p.frame) for k, p in vertebrae.items()},
        {k: Pose(rotation @ p.centre, rotation @ p.frame) for k, p in discs.items()},
        shapes,
    )


def _standing_rotation(vertebrae: dict[str, Pose], lean_deg: float) -> np.ndarray:
    """Rotation about x that puts T1 straight above L5 (then leans by ``lean_deg``)."""
    axis = vertebrae["T1"].centre - vertebrae["L5"].centre
    angle = math.atan2(axis[1], axis[2]) + math.radians(lean_deg)
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])
