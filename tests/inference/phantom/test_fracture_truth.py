"""The requested VHL is what SPEC's formula gives on the truth landmarks (recomputed with geometry.py)."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest

from inference.geometry import VertebraHeights, column_height_loss, genant_grade, heights_from_landmarks
from inference.phantom import FractureSpec, PhantomSpec

from .helpers import truth_only, vertebra


def recomputed_vhl(truth: dict[str, Any]) -> dict[str, float]:
    graded = [v for v in truth["vertebrae"] if v["grade"] is not None or v["status"] != "measured"]
    column = [
        VertebraHeights(
            v["label"],
            heights_from_landmarks(v["landmarks_lps_mm"]) if v["landmarks_lps_mm"] else None,
            v["status"] != "measured",
        )
        for v in graded
    ]
    return {c.label: loss.percent for c, loss in zip(column, column_height_loss(column), strict=True) if loss}


@pytest.mark.parametrize("kind", ["wedge", "biconcave", "crush"])
@pytest.mark.parametrize(
    ("level", "vhl"), [("T5", 22.0), ("T12", 38.0), ("L1", 55.0), ("L4", 85.0), ("T1", 30.0)]
)
def test_requested_vhl_and_grade_come_back_from_the_landmarks(kind: str, level: str, vhl: float) -> None:
    truth = truth_only(PhantomSpec(seed=11, fractures=(FractureSpec(level, kind, vhl),)))  # type: ignore[arg-type]
    recomputed = recomputed_vhl(truth)
    assert recomputed[level] == pytest.approx(vhl, abs=1.0)
    entry = vertebra(truth, level)
    assert entry["height_loss_pct"] == pytest.approx(recomputed[level], abs=1e-3)
    assert entry["grade"] == genant_grade(vhl)
    assert entry["fracture_type"] == kind
    assert truth["positive"] is True and truth["max_grade"] == genant_grade(vhl)


def test_fracture_types_lose_height_where_they_should() -> None:
    fractures = (
        FractureSpec("T8", "wedge", 40.0),
        FractureSpec("T12", "biconcave", 40.0),
        FractureSpec("L3", "crush", 40.0),
    )
    truth = truth_only(PhantomSpec(seed=4, fractures=fractures))
    wedge, biconcave, crush = (vertebra(truth, f.level)["heights_mm"] for f in fractures)
    assert wedge["anterior"] < 0.65 * wedge["posterior"]
    assert biconcave["middle"] < 0.65 * min(biconcave["anterior"], biconcave["posterior"])
    neighbours = [vertebra(truth, label)["heights_mm"]["posterior"] for label in ("L2", "L4")]
    assert crush["posterior"] < 0.7 * sum(neighbours) / 2
    assert crush["anterior"] == pytest.approx(crush["posterior"], rel=0.02)
    for level, vhl in recomputed_vhl(truth).items():
        if level in {f.level for f in fractures}:
            assert vhl == pytest.approx(40.0, abs=1.0)


def test_two_neighbouring_fractures_both_hit_their_targets() -> None:
    fractures = (FractureSpec("T12", "crush", 45.0), FractureSpec("L1", "wedge", 35.0))
    recomputed = recomputed_vhl(truth_only(PhantomSpec(seed=2, fractures=fractures)))
    assert recomputed["T12"] == pytest.approx(45.0, abs=1.0)
    assert recomputed["L1"] == pytest.approx(35.0, abs=1.0)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_normal_vertebrae_are_grade_zero_and_grow_from_t1_to_l5(seed: int) -> None:
    truth = truth_only(PhantomSpec(seed=seed, sex="M" if seed % 2 else "F", age=50 + 8 * seed))
    assert truth["positive"] is False and truth["max_grade"] == 0
    assert [v["label"] for v in truth["vertebrae"]] == [f"T{i}" for i in range(1, 13)] + [
        f"L{i}" for i in range(1, 6)
    ]
    assert all(v["grade"] == 0 and v["height_loss_pct"] < 15.0 for v in truth["vertebrae"])
    posterior = [v["heights_mm"]["posterior"] for v in truth["vertebrae"]]
    assert all(b > a for a, b in pairwise(posterior))
    assert 11.5 < posterior[0] < 16.5 and 23.0 < posterior[-1] < 31.0


def test_cement_level_is_excluded_and_not_a_reference() -> None:
    truth = truth_only(PhantomSpec(seed=5, cement=("T11",), fractures=(FractureSpec("T12", "crush", 30.0),)))
    cemented = vertebra(truth, "T11")
    assert cemented["status"] == "excluded_cement"
    assert cemented["grade"] is None and cemented["landmarks_lps_mm"] is None and cemented["mean_hu"] is None
    assert cemented["centroid_lps_mm"] is not None and "cement" in cemented["confounders"]
    assert recomputed_vhl(truth)["T12"] == pytest.approx(30.0, abs=1.0)
