"""The non-learned stages end to end, fed with the phantom's true detections and landmarks."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from inference.phantom import FractureSpec, PhantomSpec, generate_phantom
from inference.pipeline.assess import ColumnAssessor, Detection
from inference.pipeline.result import AnalysisResult, validate_result
from tests.inference.pipeline.shapes import slices_between


@pytest.fixture(scope="module")
def phantom():
    spec = PhantomSpec(
        seed=21,
        levels=("T10", "L5"),
        size=128,
        pixel_mm=2.0,
        slice_mm=2.5,
        noise_hu=15,
        trabecular_hu=120,
        fractures=(FractureSpec("L1", "wedge", 32.0),),
        cement=("T12",),
        sclerotic=("L3",),
        lytic=("L4",),
    )
    return generate_phantom(spec)


def _detections(truth: dict) -> list[Detection]:
    return [
        Detection(
            label=v["label"],
            centroid_lps_mm=tuple(v["centroid_lps_mm"]),
            confidence=0.97,
            # A detector still outputs landmarks for a cemented body; the assessor must drop them.
            landmarks_lps_mm=v["landmarks_lps_mm"] or truth["vertebrae"][0]["landmarks_lps_mm"],
        )
        for v in truth["vertebrae"]
    ]


def test_true_detections_reproduce_the_truth(phantom) -> None:
    truth = phantom.truth
    assessment = ColumnAssessor(phantom.hu, phantom.affine).assess(_detections(truth))
    result = AnalysisResult(
        "test",
        "1.2",
        "1.2.3",
        True,
        vertebrae=assessment.vertebrae,
        bone_density=assessment.bone_density,
        timings_s={"total": 1.0},
    )
    data = json.loads(json.dumps(result.to_json_dict()))
    validate_result(data)
    assert data["positive"] == truth["positive"] and data["max_grade"] == truth["max_grade"]
    for got, want in zip(data["vertebrae"], truth["vertebrae"], strict=True):
        assert got["label"] == want["label"] and got["status"] == want["status"]
        assert got["grade"] == want["grade"], got["label"]
        if want["height_loss_pct"] is not None:
            assert got["height_loss_pct"] == pytest.approx(want["height_loss_pct"], abs=0.01)
        assert (got["mean_hu"] is None) == (want["mean_hu"] is None), got["label"]
        if want["mean_hu"] is not None:
            assert got["mean_hu"] == pytest.approx(want["mean_hu"], abs=25.0)
        assert got["uncertain"] == ("sclerotic" in want["confounders"]), got["label"]
    assert data["bone_density"]["levels"] == truth["bone_density"]["levels"]
    assert data["bone_density"]["mean_hu"] == pytest.approx(truth["bone_density"]["mean_hu"], abs=10.0)


def test_without_landmarks_nothing_is_graded_but_cement_is_found(phantom) -> None:
    detections = [Detection(d.label, d.centroid_lps_mm, d.confidence) for d in _detections(phantom.truth)]
    assessment = ColumnAssessor(phantom.hu, phantom.affine).assess(detections)
    assert all(v.grade is None for v in assessment.vertebrae)
    assert [v.label for v in assessment.vertebrae if v.excluded] == ["T12"]
    flagged = [v.label for v in assessment.vertebrae if "sclerotic" in (v.uncertainty_reasons or ())]
    assert flagged == ["L3"]
    measured = [v.mean_hu for v in assessment.vertebrae if v.mean_hu is not None]
    assert measured and abs(float(np.median(measured)) - 120.0) < 20.0


def _cropped_through(phantom, label: str, *, keep_fraction: float):
    """The volume cut below ``keep_fraction`` of ``label``'s true height (counted from its top)."""
    marks = next(v for v in phantom.truth["vertebrae"] if v["label"] == label)["landmarks_lps_mm"]
    top = max(p[2] for name, p in marks.items() if name.endswith("_superior"))
    bottom = min(p[2] for name, p in marks.items() if name.endswith("_inferior"))
    hu, affine = slices_between(
        phantom.hu, phantom.affine, z_low=top - keep_fraction * (top - bottom), z_high=np.inf
    )
    return hu, affine, float(affine[2, 3])


@pytest.mark.parametrize("landmarks_at", ["truth", "edge of the data"])
def test_a_body_the_scan_cuts_through_is_listed_but_not_measured(phantom, landmarks_at: str) -> None:
    hu, affine, lowest_z = _cropped_through(phantom, "L5", keep_fraction=0.8)
    detections = _detections(phantom.truth)
    if landmarks_at == "edge of the data":  # what the network does: the missing endplate at the edge
        l5 = detections[-1]
        moved = {
            name: [p[0], p[1], lowest_z + 0.5] if name.endswith("_inferior") else p
            for name, p in l5.landmarks_lps_mm.items()
        }
        detections[-1] = Detection(l5.label, l5.centroid_lps_mm, l5.confidence, moved)
    whole = ColumnAssessor(phantom.hu, phantom.affine).assess(_detections(phantom.truth)).vertebrae
    cut = ColumnAssessor(hu, affine).assess(detections)
    l5 = cut.vertebrae[-1]
    assert l5.label == "L5" and l5.status == "measured"
    assert l5.grade is None and l5.height_loss_pct is None and l5.landmarks_lps_mm is None
    assert l5.mean_hu is None and l5.uncertainty_reasons[0] == "not_fully_imaged"
    for before, after in zip(whole[:-1], cut.vertebrae[:-1], strict=True):
        assert (after.label, after.grade, after.status) == (before.label, before.grade, before.status)
        assert "not_fully_imaged" not in after.uncertainty_reasons
    assert "L5" not in cut.bone_density.levels
    result = AnalysisResult(
        "test", "1.2", "1.2.3", True, vertebrae=cut.vertebrae, bone_density=cut.bone_density, timings_s={}
    )
    validate_result(json.loads(json.dumps(result.to_json_dict())))


def _with_inferior_points_at(detection: Detection, z: float, *, spread_mm: float | None) -> Detection:
    moved = {
        name: [p[0], p[1], z] if name.endswith("_inferior") else p
        for name, p in detection.landmarks_lps_mm.items()
    }
    spread = None if spread_mm is None else dict.fromkeys(moved, spread_mm)
    return replace(detection, landmarks_lps_mm=moved, landmark_spread_mm=spread)


@pytest.mark.parametrize("above_edge_mm", [4.0, 12.0])
def test_a_doubtful_end_body_near_the_data_edge_is_not_measured(phantom, above_edge_mm: float) -> None:
    # What the network does with a body cut deeper: all six points inside the visible part, spread out.
    hu, affine, lowest_z = _cropped_through(phantom, "L5", keep_fraction=0.6)
    detections = _detections(phantom.truth)
    detections[-1] = _with_inferior_points_at(detections[-1], lowest_z + above_edge_mm, spread_mm=3.0)
    cut = ColumnAssessor(hu, affine).assess(detections)
    l5 = cut.vertebrae[-1]
    assert l5.grade is None and l5.landmarks_lps_mm is None and l5.mean_hu is None
    assert l5.uncertainty_reasons[0] == "not_fully_imaged"
    # the rest of the column is measured as if L5 had no landmarks at all
    unmeasured = [*_detections(phantom.truth)[:-1], replace(detections[-1], landmarks_lps_mm=None)]
    expected = ColumnAssessor(hu, affine).assess(unmeasured).vertebrae
    for got, want in zip(cut.vertebrae[:-1], expected[:-1], strict=True):
        assert (got.label, got.height_loss_pct, got.grade) == (want.label, want.height_loss_pct, want.grade)


def test_doubtful_landmarks_away_from_the_data_edge_are_still_measured(phantom) -> None:
    detections = _detections(phantom.truth)[:-1]  # L4 ends the column, L5's data lie beyond it
    l4 = detections[-1]
    lowest = min(p[2] for p in l4.landmarks_lps_mm.values())
    detections[-1] = _with_inferior_points_at(l4, lowest, spread_mm=3.0)
    inner = _detections(phantom.truth)
    inner[4] = _with_inferior_points_at(
        inner[4], min(p[2] for p in inner[4].landmarks_lps_mm.values()), spread_mm=3.0
    )
    for column in (detections, inner):
        assessment = ColumnAssessor(phantom.hu, phantom.affine).assess(column)
        doubted = [v for v in assessment.vertebrae if "landmark_spread" in (v.uncertainty_reasons or ())]
        assert len(doubted) == 1 and doubted[0].grade is not None
        assert not any("not_fully_imaged" in (v.uncertainty_reasons or ()) for v in assessment.vertebrae)
