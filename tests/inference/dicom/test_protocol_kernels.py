"""Lung and very sharp reconstruction kernels are not supported; soft and standard ones are."""

from __future__ import annotations

import pytest

from inference.dicom import ExclusionReason, ProtocolConfig, check_protocol

from .protocol_cases import metadata


@pytest.mark.parametrize(
    "kernel", ["B70f", "Br64", "I70f", "LUNG", "BONEPLUS", "lung", "EDGE", "Hr68", "B80s", "Br64\\3", "FC86"]
)
def test_rejected_kernels(kernel: str) -> None:
    decision = check_protocol(metadata(convolution_kernel=kernel))
    assert decision.reasons == (ExclusionReason.KERNEL_NOT_SUPPORTED,)
    assert kernel.split("\\")[0] in decision.details["kernel_not_supported"]


@pytest.mark.parametrize(
    "kernel", ["B30f", "Br40", "Br40d\\3", "STANDARD", "SOFT", "I31f", "Bv36", "FC08", "B", "BONE", None]
)
def test_accepted_kernels(kernel: str | None) -> None:
    assert check_protocol(metadata(convolution_kernel=kernel)).eligible


def test_the_sharpness_threshold_is_configurable() -> None:
    strict = ProtocolConfig(very_sharp_kernel_from=40)
    assert not check_protocol(metadata(convolution_kernel="Br40"), config=strict).eligible
    assert check_protocol(metadata(convolution_kernel="Br36"), config=strict).eligible


def test_the_numbered_rule_can_be_switched_off() -> None:
    names_only = ProtocolConfig(very_sharp_kernel_from=None)
    assert check_protocol(metadata(convolution_kernel="Hr68"), config=names_only).eligible
    assert not check_protocol(metadata(convolution_kernel="B70f"), config=names_only).eligible  # named


def test_explicit_names_are_configurable_and_case_insensitive() -> None:
    config = ProtocolConfig(unsupported_kernels=("yc",))
    assert not check_protocol(metadata(convolution_kernel="YC"), config=config).eligible
    assert check_protocol(metadata(convolution_kernel="LUNG"), config=config).eligible
