"""Each protocol rule trips on its own, and every failing rule is reported together."""

from __future__ import annotations

from pathlib import Path

import pytest

from inference.dicom import (
    ExclusionReason,
    MissingSliceError,
    NotCtError,
    ProtocolConfig,
    check_protocol,
    load_series,
    scan_series,
    unreadable_decision,
)

from .factory import mr_spec, write_series
from .protocol_cases import ELIGIBLE, metadata

SAGITTAL = (0.0, 1.0, 0.0, 0.0, 0.0, -1.0)
TILTED_20 = (1.0, 0.0, 0.0, 0.0, 0.9396926208, -0.3420201433)


def test_the_reference_case_is_eligible() -> None:
    decision = check_protocol(ELIGIBLE, visible_vertebrae=12)
    assert decision.eligible
    assert decision.reasons == ()
    assert decision.details == {}


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"modality": "MR"}, ExclusionReason.NOT_CT),
        ({"patient_age": "049Y"}, ExclusionReason.AGE_BELOW_MINIMUM),
        ({"patient_age": None, "patient_birth_date": None}, ExclusionReason.AGE_UNKNOWN),
        ({"slice_thickness_mm": 5.0}, ExclusionReason.SLICE_TOO_THICK),
        ({"convolution_kernel": "B70f"}, ExclusionReason.KERNEL_NOT_SUPPORTED),
        ({"image_orientation": SAGITTAL}, ExclusionReason.NOT_AXIAL),
        ({"image_orientation": TILTED_20}, ExclusionReason.NOT_AXIAL),
        ({"image_orientation": None}, ExclusionReason.NOT_AXIAL),
    ],
)
def test_one_rule_alone(changes: dict[str, object], reason: ExclusionReason) -> None:
    decision = check_protocol(metadata(**changes), visible_vertebrae=12)
    assert not decision.eligible
    assert decision.reasons == (reason,)
    assert set(decision.details) == {reason.value}
    assert decision.details[reason.value]


def test_insufficient_coverage_alone() -> None:
    decision = check_protocol(ELIGIBLE, visible_vertebrae=2)
    assert decision.reasons == (ExclusionReason.INSUFFICIENT_COVERAGE,)
    assert "2" in decision.details["insufficient_coverage"]


def test_coverage_is_not_judged_before_vertebrae_are_counted() -> None:
    assert check_protocol(ELIGIBLE).eligible
    assert check_protocol(ELIGIBLE, visible_vertebrae=3).eligible


def test_slice_spacing_stands_in_for_a_missing_slice_thickness() -> None:
    decision = check_protocol(metadata(slice_thickness_mm=None, slice_spacing_mm=4.0))
    assert decision.reasons == (ExclusionReason.SLICE_TOO_THICK,)
    assert "slice spacing" in decision.details["slice_too_thick"]
    assert check_protocol(metadata(slice_thickness_mm=None, slice_spacing_mm=3.0)).eligible


def test_every_failing_rule_is_reported_in_code_order() -> None:
    spoilt = metadata(
        modality="MR",
        patient_age="030Y",
        slice_thickness_mm=5.0,
        convolution_kernel="LUNG",
        image_orientation=SAGITTAL,
    )
    decision = check_protocol(spoilt, visible_vertebrae=1)
    assert decision.reasons == (
        ExclusionReason.NOT_CT,
        ExclusionReason.AGE_BELOW_MINIMUM,
        ExclusionReason.SLICE_TOO_THICK,
        ExclusionReason.KERNEL_NOT_SUPPORTED,
        ExclusionReason.NOT_AXIAL,
        ExclusionReason.INSUFFICIENT_COVERAGE,
    )
    assert list(decision.details) == [r.value for r in decision.reasons]


def test_reason_codes_are_exactly_the_spec_codes() -> None:
    assert [r.value for r in ExclusionReason] == [
        "not_ct",
        "age_below_minimum",
        "age_unknown",
        "slice_too_thick",
        "kernel_not_supported",
        "not_axial",
        "insufficient_coverage",
        "unreadable",
    ]


def test_configured_thresholds_are_used() -> None:
    config = ProtocolConfig(minimum_age_years=70, max_slice_thickness_mm=0.5, axial_tolerance_deg=25)
    decision = check_protocol(metadata(image_orientation=TILTED_20), config=config)
    assert decision.reasons == (ExclusionReason.AGE_BELOW_MINIMUM, ExclusionReason.SLICE_TOO_THICK)


def test_unreadable_decision_carries_the_load_error(tmp_path: Path) -> None:
    written = write_series(tmp_path)
    written.paths[4].unlink()
    with pytest.raises(MissingSliceError) as caught:
        load_series(tmp_path)
    decision = unreadable_decision(caught.value)
    assert not decision.eligible
    assert decision.reasons == (ExclusionReason.UNREADABLE,)
    assert decision.details["unreadable"] == str(caught.value)


def test_a_scanned_non_ct_series_is_judged_from_its_summary(tmp_path: Path) -> None:
    write_series(tmp_path, mr_spec(patient_age="045Y"))
    with pytest.raises(NotCtError):
        load_series(tmp_path)
    [summary] = scan_series(tmp_path)
    decision = check_protocol(summary.metadata)
    assert decision.reasons == (ExclusionReason.NOT_CT, ExclusionReason.AGE_BELOW_MINIMUM)


def test_a_loaded_volume_is_judged_from_its_metadata(tmp_path: Path) -> None:
    write_series(tmp_path)
    assert check_protocol(load_series(tmp_path).metadata, visible_vertebrae=5).eligible
