from __future__ import annotations

import dataclasses

import pytest

from inference.geometry import LANDMARK_NAMES, heights_from_landmarks
from inference.pipeline.uncertainty import (
    IMPLAUSIBLE_HEIGHT,
    LANDMARK_ORDER,
    LANDMARK_SPREAD,
    LOW_CONFIDENCE,
    NOT_FULLY_IMAGED,
    POSTERIOR_HEIGHT,
    SCLEROTIC,
    UncertaintyAssessor,
    UncertaintyConfig,
    UncertaintyEvidence,
)
from tests.inference.pipeline.shapes import box


def evidence(label: str, z: float, heights=(24.0, 24.0, 24.0), **kwargs) -> UncertaintyEvidence:
    landmarks = kwargs.pop("landmarks", box(z, *heights))
    return UncertaintyEvidence(
        label, kwargs.pop("confidence", 0.95), landmarks, heights_from_landmarks(landmarks), **kwargs
    )


def column(middle: UncertaintyEvidence) -> list[UncertaintyEvidence]:
    return [evidence("L1", 60.0), middle, evidence("L3", -60.0)]


def reasons(middle: UncertaintyEvidence, config: UncertaintyConfig | None = None) -> tuple[str, ...]:
    verdict = UncertaintyAssessor(config).assess_column(column(middle))[1]
    assert verdict.uncertain == bool(verdict.reasons)
    return verdict.reasons


def test_clean_vertebra_and_fracture_are_certain() -> None:
    assert reasons(evidence("L2", 0.0)) == ()
    assert reasons(evidence("L2", 0.0, heights=(10.0, 16.0, 24.0))) == ()  # wedge: real, not implausible


@pytest.mark.parametrize(("confidence", "flag"), [(0.64, True), (0.66, False), (0.99, False)])
def test_low_confidence_within_margin(confidence: float, flag: bool) -> None:
    assert (LOW_CONFIDENCE in reasons(evidence("L2", 0.0, confidence=confidence))) == flag


def test_landmark_spread_limit() -> None:
    spread = dict.fromkeys(LANDMARK_NAMES, 0.5)
    assert reasons(evidence("L2", 0.0, landmark_spread_mm=spread)) == ()
    assert reasons(evidence("L2", 0.0, landmark_spread_mm={**spread, "middle_inferior": 3.5})) == (
        LANDMARK_SPREAD,
    )
    loose = UncertaintyConfig(max_landmark_spread_mm=4.0)
    assert reasons(evidence("L2", 0.0, landmark_spread_mm={**spread, "middle_inferior": 3.5}), loose) == ()


def test_landmarks_out_of_order() -> None:
    swapped = box(0.0, 24.0, 24.0, 24.0)
    swapped["middle_superior"], swapped["posterior_superior"] = (
        swapped["posterior_superior"],
        swapped["middle_superior"],
    )
    assert LANDMARK_ORDER in reasons(evidence("L2", 0.0, landmarks=swapped))
    upside_down = box(0.0, 24.0, 24.0, 24.0)
    upside_down["anterior_superior"], upside_down["anterior_inferior"] = (
        upside_down["anterior_inferior"],
        upside_down["anterior_superior"],
    )
    assert LANDMARK_ORDER in reasons(evidence("L2", 0.0, landmarks=upside_down))


def test_implausible_heights() -> None:
    assert reasons(evidence("L2", 0.0, heights=(34.0, 34.0, 34.0))) == (IMPLAUSIBLE_HEIGHT, POSTERIOR_HEIGHT)
    assert IMPLAUSIBLE_HEIGHT in reasons(evidence("L2", 0.0, heights=(1.0, 8.0, 20.0)))
    lone = evidence("L2", 0.0, heights=(55.0, 55.0, 55.0))
    assert UncertaintyAssessor().assess_column([lone])[0].reasons == (IMPLAUSIBLE_HEIGHT,)


def test_posterior_height_much_larger_than_neighbours() -> None:
    assert reasons(evidence("L2", 0.0, heights=(24.0, 24.0, 31.5))) == (POSTERIOR_HEIGHT,)
    assert reasons(evidence("L2", 0.0, heights=(24.0, 24.0, 28.0))) == ()


def test_sclerotic_and_excluded() -> None:
    assert reasons(evidence("L2", 0.0, sclerotic=True)) == (SCLEROTIC,)
    excluded = dataclasses.replace(evidence("L2", 0.0, heights=(60.0, 60.0, 60.0)), excluded=True)
    assert reasons(excluded) == ()


def test_excluded_neighbours_are_not_compared() -> None:
    big = dataclasses.replace(evidence("L1", 60.0, heights=(40.0, 40.0, 40.0)), excluded=True)
    verdicts = UncertaintyAssessor().assess_column([big, evidence("L2", 0.0), evidence("L3", -60.0)])
    assert not verdicts[1].uncertain


def test_config_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        UncertaintyConfig().max_height_ratio = 2.0  # type: ignore[misc]


def test_a_body_the_scan_cuts_through_says_so_first() -> None:
    cut_off = UncertaintyEvidence("L2", 0.6, None, None, partially_imaged=True)
    assert reasons(cut_off) == (NOT_FULLY_IMAGED, LOW_CONFIDENCE)
    assert reasons(UncertaintyEvidence("L2", 0.95, None, None, partially_imaged=True)) == (NOT_FULLY_IMAGED,)
