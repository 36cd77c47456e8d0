"""Confounders change what the scan looks like, never the true heights; scoliosis bends the column."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from inference.phantom import PhantomSpec

from .helpers import truth_only, vertebra


def test_sclerotic_lytic_osteophytes_and_schmorl_leave_true_heights_alone() -> None:
    plain = truth_only(PhantomSpec(seed=9))
    levels = ("T9", "L1", "L3")
    busy = truth_only(
        PhantomSpec(seed=9, sclerotic=levels, lytic=("T6",), osteophytes=levels, schmorl=("L2",))
    )
    for before, after in zip(plain["vertebrae"], busy["vertebrae"], strict=True):
        assert before["heights_mm"] == after["heights_mm"]
        assert before["landmarks_lps_mm"] == after["landmarks_lps_mm"]
    assert vertebra(busy, "L1")["confounders"] == ["sclerotic", "osteophytes"]
    assert vertebra(busy, "L1")["mean_hu"] is None  # sclerotic levels are skipped for density
    assert busy["confounders"] == ["sclerotic", "lytic", "osteophytes", "schmorl"]


def test_bone_density_skips_fractured_and_sclerotic_lumbar_levels() -> None:
    truth = truth_only(PhantomSpec(seed=3, trabecular_hu=95.0, sclerotic=("L2",), cement=("L3",)))
    assert truth["bone_density"] == {"levels": ["L1", "L4"], "l1_hu": 95.0, "mean_hu": 95.0}
    thoracic = truth_only(PhantomSpec(seed=3, levels=("T6", "T12"), trabecular_hu=140.0))
    assert thoracic["bone_density"]["levels"] == ["T8", "T9", "T10", "T11"]
    assert thoracic["bone_density"]["l1_hu"] is None


@pytest.mark.parametrize("cobb", [15.0, 30.0])
def test_scoliosis_moves_the_apex_laterally_by_about_the_expected_sagitta(cobb: float) -> None:
    straight = truth_only(PhantomSpec(seed=21))
    curved = truth_only(PhantomSpec(seed=21, scoliosis_deg=cobb))
    curve = curved["anatomy"]["scoliosis"]
    centres = {v["label"]: np.array(v["centroid_lps_mm"]) for v in curved["vertebrae"]}
    labels = [v["label"] for v in curved["vertebrae"]]
    span = labels[labels.index(curve["upper_end"]) : labels.index(curve["lower_end"]) + 1]
    top, bottom = centres[span[0]], centres[span[-1]]

    def lateral_offset(point: np.ndarray) -> float:
        t = (point[2] - bottom[2]) / (top[2] - bottom[2])
        return float(point[0] - (bottom[0] + t * (top[0] - bottom[0])))

    arc = sum(float(np.linalg.norm(centres[a] - centres[b])) for a, b in pairwise(span))
    expected = arc * np.radians(cobb) / 8.0  # sagitta of a circular arc bent by the Cobb angle
    offsets = [lateral_offset(centres[label]) for label in span]
    apex = min(offsets) if curve["convex"] == "right" else max(offsets)
    assert abs(apex) == pytest.approx(expected, rel=0.35)
    assert (apex < 0) == (curve["convex"] == "right")  # convex right: apex toward the patient's right (-x)
    flat = [abs(float(v["centroid_lps_mm"][0])) for v in straight["vertebrae"]]
    assert max(flat) < 0.5
