"""Regression guard: the shipped weights must still find, label and grade fixed phantoms.

Skipped only while inference/weights/ holds smoke checkpoints (their version says "smoke"), so a
broken trained model cannot land.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from inference.phantom import FractureSpec, PhantomSpec, generate_phantom, write_phantom
from inference.pipeline.analyzer import Analyzer


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    loaded = Analyzer(device="cpu")
    if "smoke" in loaded.model_version:
        pytest.skip(f"shipped weights are smoke checkpoints ({loaded.model_version}); train them first")
    return loaded


def analyse(analyzer: Analyzer, tmp_path: Path, spec: PhantomSpec) -> tuple[dict, dict]:
    phantom = generate_phantom(spec)
    write_phantom(phantom, tmp_path)
    return phantom.truth, analyzer.analyze_folder(tmp_path).to_json_dict()


def by_nearest(truth: dict, result: dict) -> list[tuple[dict, dict]]:
    pairs = []
    for true in truth["vertebrae"]:
        distances = [
            np.linalg.norm(np.subtract(true["centroid_lps_mm"], v["centroid_lps_mm"]))
            for v in result["vertebrae"]
        ]
        if distances and min(distances) < 10.0:
            pairs.append((true, result["vertebrae"][int(np.argmin(distances))]))
    return pairs


def test_fractured_phantom_is_labelled_and_graded(analyzer: Analyzer, tmp_path: Path) -> None:
    spec = PhantomSpec(
        seed=424242,
        levels=("T1", "L5"),
        size=256,
        pixel_mm=1.4,
        slice_mm=1.5,
        fractures=(FractureSpec("L1", "wedge", 35.0),),
    )
    truth, result = analyse(analyzer, tmp_path, spec)
    pairs = by_nearest(truth, result)
    assert len(pairs) >= len(truth["vertebrae"]) - 1
    assert sum(t["label"] == r["label"] for t, r in pairs) >= len(pairs) - 1
    l1 = next(r for t, r in pairs if t["label"] == "L1")
    assert l1["grade"] == 2 and abs(l1["height_loss_pct"] - 35.0) < 6.0
    assert result["positive"] is True


def test_normal_phantom_is_negative(analyzer: Analyzer, tmp_path: Path) -> None:
    spec = PhantomSpec(
        seed=434343, levels=("T6", "L5"), size=256, pixel_mm=1.3, slice_mm=1.5, trabecular_hu=190.0
    )
    truth, result = analyse(analyzer, tmp_path, spec)
    assert result["positive"] is False
    assert result["bone_density"]["l1_hu"] is not None
    assert abs(result["bone_density"]["l1_hu"] - truth["bone_density"]["l1_hu"]) < 15.0


@pytest.mark.parametrize(
    ("levels", "seed"),
    [
        (("T1", "L1"), 515151),
        (("T10", "S1"), 525252),
        (("T6", "L5"), 535353),
    ],
)
def test_partial_fields_of_view_are_labelled_from_anatomy(
    analyzer: Analyzer, tmp_path: Path, levels: tuple[str, str], seed: int
) -> None:
    # No end of the column is in view on both sides: labels must come from the ribs, the last
    # rib-bearing vertebra and the sacrum, not from counting.
    spec = PhantomSpec(seed=seed, levels=levels, size=256, pixel_mm=1.4, slice_mm=2.0)
    truth, result = analyse(analyzer, tmp_path, spec)
    pairs = by_nearest(truth, result)
    assert len(pairs) >= len(truth["vertebrae"]) - 1
    wrong = [(t["label"], r["label"]) for t, r in pairs if t["label"] != r["label"]]
    assert not wrong
