"""Shared test inputs for the pipeline stages."""

from __future__ import annotations

import numpy as np

from inference.phantom import PhantomSpec

# A coarse T10–L3 phantom with every dense and lytic confounder: cement, two sclerotic levels, a lytic one.
CONFOUNDED_SPEC = PhantomSpec(
    seed=3,
    levels=("T10", "L3"),
    size=128,
    pixel_mm=2.0,
    slice_mm=2.0,
    sclerotic=("L1", "T11"),
    cement=("T12",),
    lytic=("L2",),
    trabecular_hu=137,
)


def box(z: float, anterior: float, middle: float, posterior: float, depth: float = 30.0) -> dict:
    """Six LPS landmarks of an upright body centred at height z (anterior is −y)."""
    points = {}
    for side, y, h in (
        ("anterior", -depth / 2, anterior),
        ("middle", 0.0, middle),
        ("posterior", depth / 2, posterior),
    ):
        points[f"{side}_superior"] = [0.0, y, z + h / 2]
        points[f"{side}_inferior"] = [0.0, y, z - h / 2]
    return points


def slices_between(
    hu: np.ndarray, affine: np.ndarray, *, z_low: float, z_high: float
) -> tuple[np.ndarray, np.ndarray]:
    """The slices of an axial ``[k, j, i]`` volume whose centres lie in [z_low, z_high] (LPS mm), with
    the affine moved to the first one: a scan that starts or ends where it was cut."""
    z = affine[2, 2] * np.arange(hu.shape[0]) + affine[2, 3]
    keep = np.flatnonzero((z >= z_low) & (z <= z_high))
    moved = affine.copy()
    moved[:3, 3] = affine[:3, :3] @ np.array([0.0, 0.0, keep[0]]) + affine[:3, 3]
    return hu[keep[0] : keep[-1] + 1], moved
