"""Shared test inputs for the pipeline stages."""

from __future__ import annotations

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
