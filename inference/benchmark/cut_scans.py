"""Held-out phantoms whose series start and/or end inside a vertebral body (``benchmark --cut-ends``).

Real series are cut anywhere: a chest CT stops in T12 or L1, an abdomen CT starts in T11. The plain
benchmark phantoms end a few millimetres beyond a whole body, so they never show that. Here each
phantom loses the slices beyond a plane drawn through its first and/or last body (a random share of
that body's height stays in view). In the truth, a body that is no longer wholly imaged becomes
``not_fully_imaged`` with nothing measured, and the other bodies' height loss is worked out again
without it as a neighbour, as the pipeline does.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import numpy as np

from inference.geometry import (
    GRADABLE_LABELS,
    VertebraHeights,
    column_height_loss,
    heights_from_landmarks,
)
from inference.phantom import Phantom
from inference.pipeline.uncertainty import NOT_FULLY_IMAGED

KEPT_SHARE = (0.25, 1.0)  # of the cut body's height that stays in view
CUT_SEED = 20261206


def cut_rng(*, seed: int, index: int) -> np.random.Generator:
    return np.random.default_rng([CUT_SEED, seed, index])


def cut_phantom(phantom: Phantom, rng: np.random.Generator) -> Phantom:
    """The phantom with its slices beyond a plane through its first and/or last body removed."""
    bodies = [v for v in phantom.truth["vertebrae"] if v["landmarks_lps_mm"]]
    if len(bodies) < 3:
        return phantom
    z = phantom.affine[2, 2] * np.arange(phantom.hu.shape[0]) + phantom.affine[2, 3]
    keep = np.ones(z.size, dtype=bool)
    ends = ("top", "bottom", "both")[int(rng.integers(3))]
    if ends in ("top", "both"):
        low, high = _z_span(bodies[0])
        keep &= z <= low + rng.uniform(*KEPT_SHARE) * (high - low)
    if ends in ("bottom", "both"):
        low, high = _z_span(bodies[-1])
        keep &= z >= high - rng.uniform(*KEPT_SHARE) * (high - low)
    kept = np.flatnonzero(keep)
    first = int(kept[0])
    affine = phantom.affine.copy()
    affine[:3, 3] = phantom.affine[:3, :3] @ np.array([0.0, 0.0, first]) + phantom.affine[:3, 3]
    labels = None if phantom.labels is None else phantom.labels[kept]
    truth = cut_truth(phantom.truth, z_range=(float(z[kept].min()), float(z[kept].max())))
    return replace(phantom, hu=phantom.hu[kept], affine=affine, labels=labels, truth=truth)


def cut_truth(truth: dict[str, Any], *, z_range: tuple[float, float]) -> dict[str, Any]:
    """Truth for data between ``z_range`` (slice centres, mm): bodies outside it are dropped, bodies
    it cuts are ``not_fully_imaged``, and the height loss of the others is recomputed."""
    low, high = z_range
    cut = copy.deepcopy(truth)
    entries = []
    for entry in cut["vertebrae"]:
        if entry["landmarks_lps_mm"] is None:  # cemented: kept as excluded when its centre is in view
            if low <= entry["centroid_lps_mm"][2] <= high:
                entries.append(entry)
            continue
        span = _z_span(entry)
        if span[1] < low or span[0] > high:
            continue
        if span[0] < low or span[1] > high:
            entry |= {
                "landmarks_lps_mm": None,
                "heights_mm": None,
                "height_loss_pct": None,
                "grade": None,
                "mean_hu": None,
                "status": NOT_FULLY_IMAGED,
            }
        entries.append(entry)
    _regrade(entries)
    cut["vertebrae"] = entries
    grades = [e["grade"] for e in entries if e["grade"] is not None and e["status"] == "measured"]
    cut["positive"] = any(g >= 1 for g in grades)
    cut["max_grade"] = max(grades, default=0)
    return cut


def _regrade(entries: list[dict[str, Any]]) -> None:
    graded = [e for e in entries if e["label"] in GRADABLE_LABELS]
    column = [
        VertebraHeights(
            e["label"],
            None if e["landmarks_lps_mm"] is None else heights_from_landmarks(e["landmarks_lps_mm"]),
            e["status"] == "excluded_cement",
        )
        for e in graded
    ]
    for entry, loss in zip(graded, column_height_loss(column), strict=True):
        entry["height_loss_pct"] = None if loss is None else round(loss.percent, 3)
        entry["grade"] = None if loss is None else loss.grade


def _z_span(entry: dict[str, Any]) -> tuple[float, float]:
    z = [float(point[2]) for point in entry["landmarks_lps_mm"].values()]
    return min(z), max(z)
