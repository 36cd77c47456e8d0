from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from inference.geometry import LANDMARK_NAMES, Heights
from inference.phantom import FractureSpec, PhantomSpec, generate_phantom
from inference.pipeline.hu_roi import BoneDensity, TrabecularRoi
from inference.pipeline.result import EXCLUDED_CEMENT, SCHEMA, AnalysisResult, VertebraResult, validate_result
from inference.pipeline.schema import ResultValidationError, validate_truth

LANDMARKS = {name: (1.0, 2.0, 3.0 + n) for n, name in enumerate(LANDMARK_NAMES)}
ROI = TrabecularRoi(
    (0.0, -5.0, 10.0), (9.0, 6.0), (1.0, 0.0, 0.0), (0.0, -1.0, 0.0), 141.26, 30.0, 200, 120.0
)


def vertebra(label: str, grade: int | None = 0, loss: float | None = 5.0, **kwargs: Any) -> VertebraResult:
    defaults: dict[str, Any] = {
        "centroid_lps_mm": (0.0, 10.0, 100.0),
        "confidence": 0.97,
        "landmarks_lps_mm": LANDMARKS,
        "heights": Heights(24.0, 23.0, 25.0),
        "height_loss_pct": loss,
        "grade": grade,
        "mean_hu": 140.0,
    }
    defaults.update(kwargs)
    return VertebraResult(label=label, **defaults)


def sample_result() -> AnalysisResult:
    return AnalysisResult(
        model_version="vcf-test-1",
        study_uid="1.2.3",
        series_uid="1.2.3.4",
        eligible=True,
        vertebrae=(
            vertebra("T12", uncertainty_reasons=(), hu_roi=ROI),
            vertebra(
                "L1", grade=2, loss=33.0, mean_hu=None, uncertain=True, uncertainty_reasons=("sclerotic",)
            ),
            vertebra(
                "L2",
                grade=None,
                loss=None,
                landmarks_lps_mm=None,
                heights=None,
                mean_hu=None,
                status=EXCLUDED_CEMENT,
            ),
            vertebra("L3", grade=None, loss=None, status=EXCLUDED_CEMENT, mean_hu=None),
            vertebra("S1", grade=None, loss=None),
        ),
        bone_density=BoneDensity((), None, None),
        timings_s={"load": 0.5, "total": 2.25},
    )


def test_contract_and_round_trip() -> None:
    result = sample_result()
    data = json.loads(json.dumps(result.to_json_dict()))
    validate_result(data)
    assert list(data)[:3] == ["schema", "model_version", "study_uid"] and data["schema"] == SCHEMA
    assert data["positive"] is True and data["max_grade"] == 2
    assert [v["label"] for v in data["vertebrae"]] == ["T12", "L1", "L2", "L3", "S1"]
    excluded = data["vertebrae"][2]
    assert excluded["status"] == "excluded_cement"
    assert (
        excluded["landmarks_lps_mm"] is None and excluded["heights_mm"] is None and excluded["grade"] is None
    )
    first = data["vertebrae"][0]
    assert set(first["landmarks_lps_mm"]) == set(LANDMARK_NAMES)
    assert first["heights_mm"] == {"anterior": 24.0, "middle": 23.0, "posterior": 25.0}
    assert first["hu_roi"]["semi_axes_mm"] == [9.0, 6.0] and first["uncertainty_reasons"] == []
    assert "hu_roi" not in data["vertebrae"][1]


def test_negative_case_with_an_excluded_level_and_density() -> None:
    result = AnalysisResult(
        "m",
        "1",
        "2",
        True,
        vertebrae=(
            vertebra("T12", grade=None, loss=None, status=EXCLUDED_CEMENT, mean_hu=None),
            vertebra("L1", grade=0, loss=10.0, mean_hu=100.0),
            vertebra("L2", grade=0, loss=10.0, mean_hu=121.0),
        ),
        bone_density=BoneDensity(("L1", "L2"), 100.0, 110.5),
    )
    assert not result.positive and result.max_grade == 0
    data = result.to_json_dict()
    validate_result(data)
    data["bone_density"]["mean_hu"] = 120.0
    with pytest.raises(ResultValidationError, match="levels' mean"):
        validate_result(data)


def test_ineligible_result_has_empty_vertebrae() -> None:
    result = AnalysisResult.ineligible(
        "m", "1.2", "1.2.3", ["slice_too_thick", "age_unknown"], {"total": 0.1}
    )
    data = json.loads(json.dumps(result.to_json_dict()))
    validate_result(data)
    assert data["eligible"] is False and data["vertebrae"] == [] and data["positive"] is False
    assert data["bone_density"] == {"levels": [], "l1_hu": None, "mean_hu": None}


def _broken(change) -> dict:
    data = json.loads(json.dumps(sample_result().to_json_dict()))
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("timings_s"), "missing key"),
        (lambda d: d.update(extra=1), "unknown key"),
        (lambda d: d.update(schema="vcf-analysis/2"), "schema"),
        (lambda d: d.update(positive=False), "positive"),
        (lambda d: d.update(max_grade=3), "max_grade"),
        (lambda d: d.update(eligible=False), "exclusion_reasons"),
        (lambda d: d.update(exclusion_reasons=["too_old"]), "exclusion_reasons"),
        (lambda d: d["vertebrae"].reverse(), "cranial to caudal"),
        (lambda d: d["vertebrae"][0].update(confidence=1.5), "confidence"),
        (lambda d: d["vertebrae"][0].update(confidence=True), "confidence"),
        (lambda d: d["vertebrae"][0].update(grade=1), "does not match"),
        (lambda d: d["vertebrae"][0].update(grade=None), "both"),
        (lambda d: d["vertebrae"][0].update(status="excluded"), "status"),
        (lambda d: d["vertebrae"][0].update(label="L9"), "label"),
        (lambda d: d["vertebrae"][0].update(centroid_lps_mm=[0, 0]), "centroid_lps_mm"),
        (lambda d: d["vertebrae"][0]["landmarks_lps_mm"].pop("middle_superior"), "landmarks_lps_mm"),
        (lambda d: d["vertebrae"][0]["heights_mm"].update(anterior=-1.0), "heights_mm.anterior"),
        (lambda d: d["vertebrae"][0].update(uncertain="no"), "uncertain"),
        (lambda d: d["vertebrae"][0].update(uncertainty_reasons=["sclerotic"]), "uncertainty_reasons"),
        (lambda d: d["vertebrae"][2].update(grade=0, height_loss_pct=1.0), "vertebrae[2].grade"),
        (lambda d: d["vertebrae"][4].update(grade=0, height_loss_pct=1.0), "never graded"),
        (lambda d: d["bone_density"].update(levels=["L1"]), "bone_density"),
        (lambda d: d["bone_density"].update(levels=["L3"], mean_hu=140.0), "excluded, fractured"),
        (lambda d: d["timings_s"].update(total=-1), "timings_s.total"),
        (lambda d: d["vertebrae"][0]["hu_roi"].update(voxel_count=0), "hu_roi.voxel_count"),
    ],
)
def test_validator_rejects_with_a_readable_path(change, message: str) -> None:
    with pytest.raises(ResultValidationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        validate_result(_broken(change))


def test_validator_rejects_non_objects() -> None:
    with pytest.raises(ResultValidationError, match="expected an object"):
        validate_result([])


def test_phantom_truth_passes_the_same_validator() -> None:
    spec = PhantomSpec(
        seed=2,
        levels=("T11", "L5"),
        size=96,
        pixel_mm=2.5,
        slice_mm=3.0,
        cement=("L2",),
        sclerotic=("L4",),
        fractures=(FractureSpec("L1", "wedge", 30.0),),
    )
    truth = generate_phantom(spec).truth
    validate_truth(copy.deepcopy(truth))
    assert truth["positive"] and any(v["status"] == "excluded_cement" for v in truth["vertebrae"])
    truth["vertebrae"][0]["grade"] = 3
    with pytest.raises(ResultValidationError, match="grade"):
        validate_truth(truth)
