"""Held-out benchmark phantoms: seeds never used in training, every confounder, several resolutions."""

from __future__ import annotations

import numpy as np

from inference.phantom import FractureSpec, PhantomSpec

# Training draws phantom seeds below this; the benchmark only above it.
HELD_OUT_SEED_BASE = 1_000_000_000
_LEVELS = [f"T{i}" for i in range(4, 13)] + [f"L{i}" for i in range(1, 6)]
_RESOLUTIONS = ((0.7, 1.0, 512), (0.8, 1.25, 448), (1.0, 2.0, 384), (1.4, 2.5, 256))
_KERNELS = ("STANDARD", "SOFT", "B30f", "Br40")
_FIELDS_OF_VIEW = (("T1", "L5"), ("T1", "L5"), ("C7", "S1"), ("T6", "L5"), ("T1", "L1"), ("T10", "S1"))


def benchmark_specs(*, cases: int, seed: int) -> list[PhantomSpec]:
    rng = np.random.default_rng([HELD_OUT_SEED_BASE, seed])
    return [_spec(rng, index, seed) for index in range(cases)]


def _spec(rng: np.random.Generator, index: int, seed: int) -> PhantomSpec:
    pixel_mm, slice_mm, size = _RESOLUTIONS[index % len(_RESOLUTIONS)]
    levels = _FIELDS_OF_VIEW[int(rng.integers(len(_FIELDS_OF_VIEW)))]
    in_view = [level for level in _LEVELS if _inside(level, levels)]
    free = list(in_view)
    rng.shuffle(free)
    fractures = []
    for _ in range(int(rng.choice([0, 0, 1, 1, 2]))):
        if free:
            vhl = float(
                rng.choice(
                    [rng.uniform(5, 18), rng.uniform(21, 24), rng.uniform(27, 38), rng.uniform(43, 65)]
                )
            )
            kind = str(rng.choice(["wedge", "biconcave", "crush"]))
            fractures.append(FractureSpec(free.pop(), kind, round(vhl, 1)))  # type: ignore[arg-type]

    def take(probability: float) -> tuple[str, ...]:
        return (free.pop(),) if free and rng.random() < probability else ()

    return PhantomSpec(
        seed=HELD_OUT_SEED_BASE + seed * 10_000 + index,
        levels=levels,
        fractures=tuple(fractures),
        scoliosis_deg=float(rng.choice([0.0, 0.0, 0.0, rng.uniform(10, 30)])),
        sclerotic=take(0.3),
        lytic=take(0.15),
        cement=take(0.15),
        osteophytes=take(0.2),
        schmorl=take(0.15),
        trabecular_hu=round(float(rng.uniform(55, 260)), 1),
        slice_mm=slice_mm,
        pixel_mm=pixel_mm,
        size=size,
        age=int(rng.integers(50, 90)),
        sex=str(rng.choice(["F", "M"])),  # type: ignore[arg-type]
        kernel=str(rng.choice(_KERNELS)),
        noise_hu=round(float(rng.uniform(6, 25)), 1),
    )


_ORDER = ["C7", *[f"T{i}" for i in range(1, 13)], *[f"L{i}" for i in range(1, 6)], "S1"]


def _inside(level: str, levels: tuple[str, str]) -> bool:
    return _ORDER.index(levels[0]) <= _ORDER.index(level) <= _ORDER.index(levels[1])
