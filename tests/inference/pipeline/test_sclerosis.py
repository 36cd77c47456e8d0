from __future__ import annotations

import pytest

from inference.phantom import PhantomSpec, generate_phantom
from inference.pipeline.bodyframe import BodyFrame
from inference.pipeline.sclerosis import SclerosisDetector, refine_endplate_suspicion
from tests.inference.pipeline.shapes import CONFOUNDED_SPEC


def _findings(spec: PhantomSpec) -> dict[str, bool | None]:
    phantom = generate_phantom(spec)
    vertebrae = phantom.truth["vertebrae"]
    frames = [
        None if v["landmarks_lps_mm"] is None else BodyFrame.from_landmarks(v["landmarks_lps_mm"])
        for v in vertebrae
    ]
    findings = SclerosisDetector(phantom.hu, phantom.affine).detect_column(
        frames, [v["label"] for v in vertebrae]
    )
    return {v["label"]: None if f is None else f.sclerotic for v, f in zip(vertebrae, findings, strict=True)}


def test_sclerotic_detected_lytic_and_normal_not() -> None:
    assert _findings(CONFOUNDED_SPEC) == {
        "T10": False,
        "T11": True,
        "T12": None,
        "L1": True,
        "L2": False,
        "L3": False,
    }


def test_sclerotic_in_dense_bone_and_thick_slices() -> None:
    spec = PhantomSpec(
        seed=6,
        levels=("T6", "L1"),
        size=112,
        pixel_mm=2.5,
        slice_mm=3.0,
        trabecular_hu=300,
        noise_hu=10,
        sclerotic=("T8",),
        lytic=("T11",),
    )
    found = _findings(spec)
    assert found["T8"] is True
    assert [label for label, flag in found.items() if flag] == ["T8"]


@pytest.mark.parametrize("seed", [4, 5])
def test_osteoporotic_spine_without_lesion_is_not_flagged(seed: int) -> None:
    spec = PhantomSpec(
        seed=seed,
        levels=("T6", "S1"),
        size=128,
        pixel_mm=2.0,
        slice_mm=2.5,
        trabecular_hu=60,
        noise_hu=25,
        schmorl=("L1",),
        scoliosis_deg=15,
    )
    found = _findings(spec)
    assert not any(found.values())
    assert found["S1"] is None  # never assessed


def test_refine_endplate_suspicion() -> None:
    assert refine_endplate_suspicion(2, sclerotic=True)
    assert refine_endplate_suspicion(0, sclerotic=True)
    assert not refine_endplate_suspicion(2, sclerotic=False)
    assert not refine_endplate_suspicion(None, sclerotic=True)
