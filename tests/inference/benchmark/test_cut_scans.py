"""Held-out phantoms cut inside their end bodies: the slices kept and the truth that goes with them."""

from __future__ import annotations

from functools import cache

import numpy as np

from inference.benchmark.cut_scans import cut_phantom, cut_rng, cut_truth
from inference.geometry import VertebraHeights, column_height_loss, heights_from_landmarks
from inference.phantom import FractureSpec, Phantom, PhantomSpec, generate_phantom


@cache
def _phantom() -> Phantom:
    spec = PhantomSpec(
        seed=11,
        levels=("T11", "L3"),
        size=96,
        pixel_mm=3.0,
        slice_mm=2.0,
        fractures=(FractureSpec("L1", "wedge", 30.0),),
    )
    return generate_phantom(spec)


def _z(phantom: Phantom) -> np.ndarray:
    return phantom.affine[2, 2] * np.arange(phantom.hu.shape[0]) + phantom.affine[2, 3]


def test_the_cut_keeps_whole_slices_and_moves_the_origin_with_them() -> None:
    phantom = _phantom()
    for index in range(6):
        cut = cut_phantom(phantom, cut_rng(seed=1, index=index))
        assert 0 < cut.hu.shape[0] < phantom.hu.shape[0]
        assert cut.labels is not None and cut.labels.shape == cut.hu.shape
        first = int(np.argmin(np.abs(_z(phantom) - _z(cut)[0])))
        assert np.array_equal(cut.hu, phantom.hu[first : first + cut.hu.shape[0]])
        statuses = {v["label"]: v["status"] for v in cut.truth["vertebrae"]}
        assert "not_fully_imaged" in statuses.values()
        assert statuses.get("T12") == statuses.get("L1") == statuses.get("L2") == "measured"


def test_a_cut_body_is_not_measured_and_its_neighbour_is_regraded_without_it() -> None:
    truth = _phantom().truth
    t11 = next(v for v in truth["vertebrae"] if v["label"] == "T11")
    t11_top = max(p[2] for p in t11["landmarks_lps_mm"].values())
    cut = cut_truth(truth, z_range=(-1e9, t11_top - 5.0))
    entries = {v["label"]: v for v in cut["vertebrae"]}
    assert entries["T11"]["status"] == "not_fully_imaged"
    assert entries["T11"]["landmarks_lps_mm"] is None and entries["T11"]["grade"] is None
    assert entries["L1"]["grade"] == 2 and cut["positive"]
    # T12's reference height now comes from L1's side alone, as in the pipeline with an unmeasured T11
    column = [
        VertebraHeights(v["label"], heights_from_landmarks(v["landmarks_lps_mm"]))
        for v in truth["vertebrae"]
        if v["label"] != "T11"
    ]
    expected = column_height_loss(column)[0]
    assert expected is not None and entries["T12"]["height_loss_pct"] == round(expected.percent, 3)
    before = next(v for v in truth["vertebrae"] if v["label"] == "T12")["height_loss_pct"]
    assert entries["T12"]["height_loss_pct"] != before
    assert entries["L3"] == next(v for v in truth["vertebrae"] if v["label"] == "L3")


def test_bodies_outside_the_kept_slices_leave_the_truth() -> None:
    truth = _phantom().truth
    l2 = next(v for v in truth["vertebrae"] if v["label"] == "L2")
    l2_top = max(p[2] for p in l2["landmarks_lps_mm"].values())
    cut = cut_truth(truth, z_range=(l2_top + 0.5, 1e9))
    assert [v["label"] for v in cut["vertebrae"]] == ["T11", "T12", "L1"]
