"""ProtocolConfig.from_mapping: the web app's settings, validated."""

from __future__ import annotations

import pytest

from inference.dicom import ProtocolConfig
from inference.dicom.protocol import ProtocolConfigError


def test_defaults_follow_the_spec() -> None:
    config = ProtocolConfig()
    assert config.minimum_age_years == 50
    assert config.max_slice_thickness_mm == 3.0
    assert config.min_visible_vertebrae == 3
    assert config.axial_tolerance_deg == 10
    assert config.very_sharp_kernel_from == 60
    assert {"LUNG", "BONEPLUS", "B70f", "Br64", "I70f"} <= set(config.unsupported_kernels)


def test_an_empty_mapping_gives_the_defaults() -> None:
    assert ProtocolConfig.from_mapping({}) == ProtocolConfig()


def test_every_field_can_be_set() -> None:
    config = ProtocolConfig.from_mapping(
        {
            "minimum_age_years": 60,
            "max_slice_thickness_mm": 2.5,
            "unsupported_kernels": ["LUNG", "YC"],
            "very_sharp_kernel_from": None,
            "axial_tolerance_deg": 15.0,
            "min_visible_vertebrae": 4,
        }
    )
    assert config == ProtocolConfig(
        minimum_age_years=60.0,
        max_slice_thickness_mm=2.5,
        unsupported_kernels=("LUNG", "YC"),
        very_sharp_kernel_from=None,
        axial_tolerance_deg=15.0,
        min_visible_vertebrae=4,
    )


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(ProtocolConfigError, match="min_age"):
        ProtocolConfig.from_mapping({"min_age": 50})


@pytest.mark.parametrize(
    "settings",
    [
        {"minimum_age_years": "50"},
        {"minimum_age_years": True},
        {"max_slice_thickness_mm": None},
        {"unsupported_kernels": "LUNG"},
        {"unsupported_kernels": ["LUNG", 3]},
        {"min_visible_vertebrae": 2.5},
        {"very_sharp_kernel_from": "60"},
    ],
)
def test_wrong_types_are_refused(settings: dict[str, object]) -> None:
    with pytest.raises(ProtocolConfigError):
        ProtocolConfig.from_mapping(settings)


@pytest.mark.parametrize(
    "settings",
    [
        {"minimum_age_years": -1},
        {"max_slice_thickness_mm": 0},
        {"axial_tolerance_deg": 95},
        {"min_visible_vertebrae": -1},
    ],
)
def test_out_of_range_values_are_refused(settings: dict[str, object]) -> None:
    with pytest.raises(ProtocolConfigError):
        ProtocolConfig.from_mapping(settings)
