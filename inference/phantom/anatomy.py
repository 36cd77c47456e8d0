"""Per-level sizes of the spine and the seed-dependent proportions of one phantom patient."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from inference.phantom.shapes import BodyShape
from inference.phantom.spec import PhantomSpec

THORACIC = tuple(f"T{i}" for i in range(1, 13))
LUMBAR = tuple(f"L{i}" for i in range(1, 6))
SACRAL = ("S1", "S2", "S3", "S4", "S5")
# Every segment that is modelled, cranial to caudal; C5/C6 and S2-S5 only fill the margins.
CHAIN: tuple[str, ...] = ("C5", "C6", "C7", *THORACIC, *LUMBAR, *SACRAL)


@dataclass(frozen=True)
class LevelSize:
    height: float  # posterior body height (mm)
    depth: float  # AP depth
    width: float  # lateral width
    disc_below: float  # mid height of the disc under this level


# Adult averages (posterior height, AP depth, width, disc below).
_SIZES: dict[str, LevelSize] = {
    "C5": LevelSize(11.5, 15.0, 18.0, 4.0),
    "C6": LevelSize(12.0, 15.5, 20.0, 4.5),
    "C7": LevelSize(13.0, 15.5, 23.0, 4.5),
    "T1": LevelSize(14.0, 15.0, 25.0, 3.8),
    "T2": LevelSize(14.8, 16.0, 26.0, 3.8),
    "T3": LevelSize(15.5, 17.5, 27.0, 4.0),
    "T4": LevelSize(16.2, 19.0, 28.0, 4.0),
    "T5": LevelSize(16.9, 20.5, 29.0, 4.2),
    "T6": LevelSize(17.6, 21.5, 30.5, 4.4),
    "T7": LevelSize(18.3, 22.5, 32.0, 4.6),
    "T8": LevelSize(19.0, 23.5, 33.5, 4.8),
    "T9": LevelSize(19.8, 24.5, 35.0, 5.0),
    "T10": LevelSize(20.6, 25.5, 36.5, 5.5),
    "T11": LevelSize(21.3, 26.7, 38.0, 6.0),
    "T12": LevelSize(22.0, 28.0, 40.0, 7.0),
    "L1": LevelSize(23.5, 29.5, 42.0, 8.0),
    "L2": LevelSize(24.5, 31.0, 44.0, 9.0),
    "L3": LevelSize(25.5, 32.5, 46.0, 10.0),
    "L4": LevelSize(26.3, 34.0, 48.0, 11.0),
    "L5": LevelSize(27.0, 35.0, 50.0, 10.0),
    "S1": LevelSize(27.0, 34.0, 46.0, 1.5),
    "S2": LevelSize(21.0, 26.0, 34.0, 1.5),
    "S3": LevelSize(17.0, 20.0, 26.0, 1.5),
    "S4": LevelSize(13.0, 15.0, 19.0, 1.5),
    "S5": LevelSize(10.0, 11.0, 14.0, 0.0),
}
_LUMBAR_DISC_WEIGHTS = {"L1": 1.0, "L2": 1.5, "L3": 2.0, "L4": 2.5, "L5": 3.0}
_SACRAL_BENDS_DEG = {"S1": 8.0, "S2": 12.0, "S3": 15.0, "S4": 15.0}
_CERVICAL_BENDS_DEG = {"C5": -4.0, "C6": -3.0}
MAX_NATURAL_WEDGE = 0.10  # natural anterior wedging, as a fraction of Hp


def level_size(label: str) -> LevelSize:
    return _SIZES[label]


@dataclass(frozen=True)
class Proportions:
    """Seed-dependent anatomy of one patient."""

    vertebra_scale: float
    kyphosis_deg: float  # total sagittal bend T1-T12
    lordosis_deg: float  # total sagittal bend L1-S1
    lean_deg: float
    disc_scale: float
    body_width: float  # half-width of the abdomen (mm)
    body_depth: float  # half-depth of the abdomen (mm)
    fat_mm: float  # subcutaneous fat
    contrast: bool
    dome_offset_mm: float
    scoliosis_upper: str
    scoliosis_lower: str
    scoliosis_convex_right: bool
    bowel_seed: int


def sample_proportions(spec: PhantomSpec, rng: np.random.Generator) -> Proportions:
    male = spec.sex == "M"
    older = max(0.0, spec.age - 40.0)
    habitus = float(rng.uniform(0.88, 1.14))
    return Proportions(
        vertebra_scale=float(rng.uniform(0.93, 1.07)) * (1.03 if male else 0.97),
        kyphosis_deg=float(rng.uniform(28.0, 44.0)) + 0.12 * older,
        lordosis_deg=float(rng.uniform(38.0, 56.0)),
        lean_deg=float(rng.uniform(-3.0, 3.0)),
        disc_scale=float(np.clip(1.05 - 0.004 * older, 0.8, 1.05)),
        body_width=(165.0 if male else 155.0) * habitus,
        body_depth=(125.0 if male else 116.0) * habitus,
        fat_mm=float(np.clip((12.0 if male else 18.0) * habitus**3 * rng.uniform(0.7, 1.3), 6.0, 45.0)),
        contrast=bool(rng.random() < 0.7),
        dome_offset_mm=float(rng.uniform(-10.0, 10.0)),
        scoliosis_upper=str(rng.choice(["T5", "T6", "T7"])),
        scoliosis_lower=str(rng.choice(["L2", "L3"])),
        scoliosis_convex_right=bool(rng.random() < 0.7),
        bowel_seed=int(rng.integers(0, 2**31 - 1)),
    )


def _thoracic_weights() -> dict[str, float]:
    raw = {label: math.sin(math.pi * (i + 0.5) / 12.0) for i, label in enumerate(THORACIC)}
    total = sum(raw.values())
    return {label: w / total for label, w in raw.items()}


def natural_shape(label: str, props: Proportions, *, trabecular_hu: float) -> BodyShape:
    """A body without any natural wedging (wedging is added by natural_shapes)."""
    size = _SIZES[label]
    s = props.vertebra_scale
    lumbar = label.startswith(("L", "S"))
    # Osteoporotic bone has a thinner cortex.
    cortex = float(np.clip(0.55 + 0.0018 * trabecular_hu, 0.6, 1.0))
    return BodyShape(
        half_width=0.5 * size.width * s,
        depth=size.depth * s,
        posterior_height=size.height * s,
        anterior_height=size.height * s,
        concavity=0.025 * size.height * s,
        posterior_cut=0.62 if lumbar else 0.82,
        notch=1.5 * s,
        cortex=cortex,
        endplate=cortex + 0.2,
    )


def _wedged(shape: BodyShape, bend_rad: float) -> BodyShape:
    """Give a body a sagittal bend by shortening (kyphotic) or lengthening (lordotic) its front."""
    span = shape.v_anterior - shape.v_posterior
    anterior = shape.posterior_height - span * 2.0 * math.tan(bend_rad / 2.0)
    return BodyShape(**{**shape.__dict__, "anterior_height": anterior})


@dataclass(frozen=True)
class SagittalPlan:
    shapes: dict[str, BodyShape]
    disc_heights: dict[str, float]  # keyed by the level above the disc
    disc_bends: dict[str, float]  # rad, keyed by the level above the disc


def natural_spine(props: Proportions, *, trabecular_hu: float) -> SagittalPlan:
    """Body shapes with physiological wedging, and the discs, so the column shows kyphosis/lordosis."""
    shapes = {label: natural_shape(label, props, trabecular_hu=trabecular_hu) for label in CHAIN}
    bends = {label: 0.0 for label in CHAIN}
    weights = _thoracic_weights()
    kyphosis = math.radians(props.kyphosis_deg)
    leftover = 0.0
    for label, weight in weights.items():
        shape = shapes[label]
        wanted = 0.75 * kyphosis * weight
        span = shape.v_anterior - shape.v_posterior
        limit = 2.0 * math.atan(MAX_NATURAL_WEDGE * shape.posterior_height / span / 2.0)
        bend = min(wanted, limit)
        leftover += wanted - bend
        shapes[label] = _wedged(shape, bend)
    for label, weight in weights.items():
        if label != "T12":
            bends[label] = (0.25 * kyphosis + leftover) * weight / (1.0 - weights["T12"])
    lordosis = math.radians(props.lordosis_deg)
    total_weight = sum(_LUMBAR_DISC_WEIGHTS.values())
    for label, weight in _LUMBAR_DISC_WEIGHTS.items():
        bends[label] = -0.85 * lordosis * weight / total_weight
    shapes["L4"] = _wedged(shapes["L4"], -0.05 * lordosis)
    shapes["L5"] = _wedged(shapes["L5"], -0.10 * lordosis)
    for label, degrees in {**_SACRAL_BENDS_DEG, **_CERVICAL_BENDS_DEG}.items():
        bends[label] = math.radians(degrees)
    discs = {
        label: _SIZES[label].disc_below
        * props.vertebra_scale
        * (props.disc_scale if label[0] != "S" else 1.0)
        for label in CHAIN[:-1]
    }
    return SagittalPlan(shapes=shapes, disc_heights=discs, disc_bends=bends)
