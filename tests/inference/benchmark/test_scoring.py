"""Comparing one result with its truth: matching by distance, not by the predicted label."""

from __future__ import annotations

from typing import Any

from inference.benchmark.runner import Tally, score_case, summarise


def vertebra(
    label: str, z: float, grade: int, *, vhl: float = 5.0, status: str = "measured"
) -> dict[str, Any]:
    return {
        "label": label,
        "centroid_lps_mm": [0.0, 30.0, z],
        "grade": grade,
        "height_loss_pct": vhl,
        "mean_hu": 150.0,
        "status": status,
        "uncertain": False,
    }


def test_scores_detection_labelling_and_grades() -> None:
    truth = {
        "positive": True,
        "vertebrae": [vertebra("T12", 0.0, 0), vertebra("L1", -30.0, 2, vhl=30.0), vertebra("L2", -60.0, 0)],
    }
    result = {
        "positive": True,
        "timings_s": {"total": 2.0},
        "vertebrae": [
            vertebra("T12", 1.0, 0),
            vertebra("L2", -31.0, 2, vhl=33.0),  # right place, wrong label, right grade
            vertebra("L3", -200.0, 1, vhl=22.0),  # nothing true there: a fracture reported out of nowhere
        ],
    }
    tally = Tally()
    score_case(tally, truth, result)
    report = summarise(tally, cases=1, model_version="test")
    assert (report.vertebra_sensitivity.successes, report.vertebra_sensitivity.total) == (1, 1)
    # L2 missed = negative; the unmatched L3 fracture is a false one
    assert (report.vertebra_specificity.successes, report.vertebra_specificity.total) == (2, 3)
    assert [(e["kind"], e["predicted_label"]) for e in report.errors if e["label"] is None] == [
        ("false_fracture_unmatched", "L3")
    ]
    assert (report.labelling.successes, report.labelling.total) == (1, 3)
    assert report.case_ppv.value == 1.0
    assert report.vhl_agreement is None or report.vhl_agreement.n == 2
    assert report.seconds_per_stage == {"total": 2.0}


def test_every_wrong_vertebra_is_listed_with_its_case() -> None:
    truth = {
        "positive": True,
        "vertebrae": [
            vertebra("T11", 30.0, 0),
            vertebra("T12", 0.0, 1, vhl=21.9),
            vertebra("L1", -30.0, 0),
            vertebra("L2", -60.0, 3, vhl=64.0),
        ],
    }
    result = {
        "positive": True,
        "timings_s": {"total": 2.0},
        "vertebrae": [
            vertebra("T11", 31.0, 0),
            vertebra("T12", 1.0, 0, vhl=19.7),  # a fracture measured just under 20 %
            vertebra("L2", -30.0, 2, vhl=34.0),  # L1 labelled L2 and graded although intact
        ],
    }
    tally = Tally()
    score_case(tally, truth, result, case="7: seed 5, T11-L2")
    errors = summarise(tally, cases=1, model_version="test").to_json_dict()["errors"]
    kinds = sorted((e["label"], e["kind"]) for e in errors)
    assert kinds == [
        ("L1", "false_fracture"),
        ("L1", "mislabelled"),
        ("L2", "not_found"),
        ("T12", "fracture_missed"),
    ]
    missed = next(e for e in errors if e["kind"] == "fracture_missed")
    assert missed["case"] == "7: seed 5, T11-L2"
    assert (missed["true_vhl_pct"], missed["measured_vhl_pct"]) == (21.9, 19.7)
    assert next(e for e in errors if e["kind"] == "mislabelled")["predicted_label"] == "L2"


def test_a_body_the_series_cuts_through_counts_only_when_found() -> None:
    truth = {
        "positive": False,
        "vertebrae": [
            vertebra("T10", 30.0, None, vhl=None, status="not_fully_imaged"),  # type: ignore[arg-type]
            vertebra("T11", 0.0, 0),
            vertebra("T12", -30.0, None, vhl=None, status="not_fully_imaged"),  # type: ignore[arg-type]
        ],
    }
    result = {
        "positive": True,
        "timings_s": {"total": 1.0},
        "vertebrae": [
            vertebra("T11", 1.0, 0),
            vertebra("T12", -31.0, 3, vhl=55.0),  # half a body graded: a false fracture
        ],
    }
    tally = Tally()
    score_case(tally, truth, result)
    report = summarise(tally, cases=1, model_version="test", cut_ends=True)
    assert (report.labelling.successes, report.labelling.total) == (2, 2)  # the unseen T10 is not counted
    assert (report.vertebra_specificity.successes, report.vertebra_specificity.total) == (1, 2)
    assert report.vertebra_sensitivity.total == 0
    assert [(e["label"], e["kind"]) for e in report.errors] == [("T12", "false_fracture")]
    assert report.to_json_dict()["cut_ends"] is True
