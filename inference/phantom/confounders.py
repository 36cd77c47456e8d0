"""Things that make measuring hard without being fractures: metastases, cement, spurs, Schmorl nodes.

Lesions live in the vertebra's local frame (mm, u lateral, v anterior, w superior). None of them
moves an endplate at a landmark, so the true heights stay those of the body shape.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.phantom.shapes import BodyShape
from inference.phantom.spec import PhantomSpec

Vec3 = tuple[float, float, float]
CEMENT_HU = 2900.0
LYTIC_HU = 30.0
DISC_HU = 90.0
# Order of confounder names in the truth.
CONFOUNDER_NAMES: tuple[str, ...] = ("sclerotic", "lytic", "cement", "osteophytes", "schmorl")


@dataclass(frozen=True)
class Blob:
    centre: Vec3
    radii: Vec3
    hu: float


@dataclass(frozen=True)
class Lesions:
    sclerotic: tuple[Blob, ...] = ()
    lytic: tuple[Blob, ...] = ()
    cement: tuple[Blob, ...] = ()
    needle_sides: tuple[int, ...] = ()  # -1 right, +1 left pedicle
    osteophyte_mm: float = 0.0
    schmorl: Blob | None = None  # centre on the endplate it herniates through
    schmorl_superior: bool = True

    @property
    def names(self) -> list[str]:
        present = {
            "sclerotic": bool(self.sclerotic),
            "lytic": bool(self.lytic),
            "cement": bool(self.cement),
            "osteophytes": self.osteophyte_mm > 0,
            "schmorl": self.schmorl is not None,
        }
        return [name for name in CONFOUNDER_NAMES if present[name]]

    @property
    def has_cement(self) -> bool:
        return bool(self.cement)


def _inside_point(
    rng: np.random.Generator, shape: BodyShape, v_range: tuple[float, float], lateral: float = 0.45
) -> Vec3:
    half_height = 0.5 * min(shape.anterior_height, shape.posterior_height)
    return (
        float(rng.uniform(-lateral, lateral) * shape.half_width),
        float(rng.uniform(*v_range) * 0.5 * shape.depth),
        float(rng.uniform(-0.25, 0.25) * half_height),
    )


def _radii(rng: np.random.Generator, shape: BodyShape, low: float, high: float) -> Vec3:
    half_height = 0.5 * min(shape.anterior_height, shape.posterior_height)
    r = float(rng.uniform(low, high)) * shape.depth / 30.0
    return (r * float(rng.uniform(0.8, 1.2)), r * float(rng.uniform(0.8, 1.2)), min(r, 0.55 * half_height))


def sclerotic_blobs(rng: np.random.Generator, shape: BodyShape) -> tuple[Blob, ...]:
    count = int(rng.integers(1, 4))
    return tuple(
        Blob(
            _inside_point(rng, shape, (-0.5, 0.5)),
            _radii(rng, shape, 3.0, 7.0),
            float(rng.uniform(650, 1200)),
        )
        for _ in range(count)
    )


def lytic_blobs(rng: np.random.Generator, shape: BodyShape) -> tuple[Blob, ...]:
    # Kept in the posterior half so the anterior density ROI still sees trabecular bone.
    return (Blob(_inside_point(rng, shape, (-0.62, -0.4)), _radii(rng, shape, 5.0, 7.5), LYTIC_HU),)


def cement_blobs(rng: np.random.Generator, shape: BodyShape) -> tuple[Blob, ...]:
    count = int(rng.integers(4, 7))
    return tuple(
        Blob(_inside_point(rng, shape, (-0.45, 0.55), 0.3), _radii(rng, shape, 8.0, 12.0), CEMENT_HU)
        for _ in range(count)
    )


def schmorl_node(rng: np.random.Generator, shape: BodyShape) -> tuple[Blob, bool]:
    """A small herniation off the midline, so it never touches a landmark."""
    superior = bool(rng.random() < 0.6)
    radius = float(rng.uniform(0.17, 0.24)) * shape.half_width
    u = float(rng.choice([-1.0, 1.0])) * 0.45 * shape.half_width
    v = float(rng.uniform(-0.35, 0.1)) * 0.5 * shape.depth
    w = float(shape.superior(u, v) if superior else shape.inferior(u, v))
    return Blob((u, v, w), (radius, radius, radius * 1.2), DISC_HU), superior


def make_lesions(spec: PhantomSpec, label: str, shape: BodyShape, level_index: int) -> Lesions:
    """Seeded per level, so adding a confounder at one level leaves the others unchanged."""

    def rng(kind: int) -> np.random.Generator:
        return np.random.default_rng([spec.seed, level_index, kind])

    sclerotic = sclerotic_blobs(rng(1), shape) if label in spec.sclerotic else ()
    lytic = lytic_blobs(rng(2), shape) if label in spec.lytic else ()
    cement: tuple[Blob, ...] = ()
    needles: tuple[int, ...] = ()
    if label in spec.cement:
        cement = cement_blobs(rng(3), shape)
        pick = int(rng(4).integers(0, 4))
        needles = ((), (-1,), (1,), (-1, 1))[pick]
    osteophyte = float(rng(5).uniform(3.0, 6.5)) if label in spec.osteophytes else 0.0
    node, superior = schmorl_node(rng(6), shape) if label in spec.schmorl else (None, True)
    return Lesions(
        sclerotic=sclerotic,
        lytic=lytic,
        cement=cement,
        needle_sides=needles,
        osteophyte_mm=osteophyte,
        schmorl=node,
        schmorl_superior=superior,
    )
