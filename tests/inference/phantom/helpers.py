"""Small, fast phantoms shared by the phantom tests (cached: the generator is deterministic)."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Any

import numpy as np

from inference.phantom import Phantom, PhantomSpec, generate_phantom
from inference.phantom.scene import build_scene
from inference.phantom.truth import build_truth

SMALL = PhantomSpec(seed=7, levels=("T11", "L3"), size=128, pixel_mm=2.5, slice_mm=2.5)
FINE = PhantomSpec(seed=7, levels=("T11", "L3"), size=192, pixel_mm=1.25, slice_mm=1.25)


def small(**changes: Any) -> PhantomSpec:
    return replace(SMALL, **changes)


def fine(**changes: Any) -> PhantomSpec:
    return replace(FINE, **changes)


@lru_cache(maxsize=16)
def phantom(spec: PhantomSpec) -> Phantom:
    return generate_phantom(spec)


@lru_cache(maxsize=64)
def truth_only(spec: PhantomSpec) -> dict[str, Any]:
    """The ground truth without rendering a single voxel."""
    return build_truth(build_scene(spec))


def vertebra(truth: dict[str, Any], label: str) -> dict[str, Any]:
    return next(v for v in truth["vertebrae"] if v["label"] == label)


def to_index(ph: Phantom, point: Any) -> np.ndarray:
    """LPS mm -> fractional (k, j, i) voxel indices."""
    i, j, k, _ = np.linalg.solve(ph.affine, np.append(np.asarray(point, dtype=float), 1.0))
    return np.array([k, j, i])


def sample_cube(volume: np.ndarray, index: np.ndarray, half: int = 1) -> np.ndarray:
    k, j, i = (round(float(c)) for c in index)
    return volume[k - half : k + half + 1, j - half : j + half + 1, i - half : i + half + 1]
