"""Acquisition-protocol filter: is a series fit for fracture grading? (SPEC "Acquisition protocol")."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol

from .age import patient_age
from .errors import DicomLoadError
from .kernels import unsupported_kernel
from .stack import AXIAL_TOLERANCE_DEG, angle_to_z_deg

DEFAULT_UNSUPPORTED_KERNELS: tuple[str, ...] = (
    "LUNG",
    "BONEPLUS",
    "EDGE",
    "B70f",
    "B75f",
    "B80f",
    "Br64",
    "Br69",
    "I70f",
    "Bl57",
    "Bl64",
)


class ExclusionReason(StrEnum):
    NOT_CT = "not_ct"
    AGE_BELOW_MINIMUM = "age_below_minimum"
    AGE_UNKNOWN = "age_unknown"
    SLICE_TOO_THICK = "slice_too_thick"
    KERNEL_NOT_SUPPORTED = "kernel_not_supported"
    NOT_AXIAL = "not_axial"
    INSUFFICIENT_COVERAGE = "insufficient_coverage"
    UNREADABLE = "unreadable"


class ProtocolConfigError(ValueError):
    """A protocol setting is unknown, of the wrong type, or out of range."""


@dataclass(frozen=True)
class ProtocolConfig:
    """SPEC defaults; ``very_sharp_kernel_from``: letter(s)+number kernels (B70f, Br64) at or above
    this number are rejected; None turns that rule off and leaves only the explicit names."""

    minimum_age_years: float = 50.0
    max_slice_thickness_mm: float = 3.0
    unsupported_kernels: tuple[str, ...] = DEFAULT_UNSUPPORTED_KERNELS
    very_sharp_kernel_from: int | None = 60
    axial_tolerance_deg: float = AXIAL_TOLERANCE_DEG
    min_visible_vertebrae: int = 3

    def __post_init__(self) -> None:
        if self.minimum_age_years < 0:
            raise ProtocolConfigError("minimum_age_years must be ≥ 0")
        if self.max_slice_thickness_mm <= 0:
            raise ProtocolConfigError("max_slice_thickness_mm must be > 0")
        if not 0 <= self.axial_tolerance_deg <= 90:
            raise ProtocolConfigError("axial_tolerance_deg must be within 0–90")
        if self.min_visible_vertebrae < 0:
            raise ProtocolConfigError("min_visible_vertebrae must be ≥ 0")
        if self.very_sharp_kernel_from is not None and self.very_sharp_kernel_from < 0:
            raise ProtocolConfigError("very_sharp_kernel_from must be ≥ 0 or None")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object]) -> ProtocolConfig:
        """Build from settings; unknown keys and wrong types raise ProtocolConfigError."""
        known = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(mapping) - set(known))
        if unknown:
            raise ProtocolConfigError(
                f"unknown protocol setting(s): {', '.join(unknown)}; known: {', '.join(known)}"
            )
        converted = {name: _convert(name, value) for name, value in mapping.items()}
        return cls(**converted)  # type: ignore[arg-type]


def _convert(name: str, value: object) -> object:
    if name == "unsupported_kernels":
        if (
            isinstance(value, str)
            or not isinstance(value, Sequence)
            or not all(isinstance(v, str) for v in value)
        ):
            raise ProtocolConfigError(f"{name} must be a list of kernel names")
        return tuple(value)
    if name == "very_sharp_kernel_from" and value is None:
        return None
    if name in ("min_visible_vertebrae", "very_sharp_kernel_from"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ProtocolConfigError(f"{name} must be an integer")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProtocolConfigError(f"{name} must be a number")
    return float(value)


class ProtocolSubject(Protocol):
    """What the filter reads; SeriesMetadata (from load_series or scan_series) provides it."""

    @property
    def modality(self) -> str | None: ...
    @property
    def patient_age(self) -> str | None: ...
    @property
    def patient_birth_date(self) -> date | None: ...
    @property
    def study_date(self) -> date | None: ...
    @property
    def slice_thickness_mm(self) -> float | None: ...
    @property
    def slice_spacing_mm(self) -> float | None: ...
    @property
    def convolution_kernel(self) -> str | None: ...
    @property
    def image_orientation(self) -> tuple[float, ...] | None: ...


@dataclass(frozen=True)
class ProtocolDecision:
    eligible: bool
    reasons: tuple[ExclusionReason, ...]
    details: dict[str, str] = field(default_factory=dict)  # reason code → human-readable message


def check_protocol(
    metadata: ProtocolSubject,
    *,
    config: ProtocolConfig = ProtocolConfig(),  # frozen, so one shared default is safe
    visible_vertebrae: int | None = None,
) -> ProtocolDecision:
    """Every failing rule, in ExclusionReason order. Coverage is judged only when ``visible_vertebrae``
    (thoracic and lumbar vertebrae found by the pipeline) is given."""
    details: dict[ExclusionReason, str] = {}
    for rule in (_modality, _age, _thickness, _kernel, _orientation):
        found = rule(metadata, config)
        if found is not None:
            details[found[0]] = found[1]
    if visible_vertebrae is not None and visible_vertebrae < config.min_visible_vertebrae:
        details[ExclusionReason.INSUFFICIENT_COVERAGE] = (
            f"{visible_vertebrae} thoracic/lumbar vertebrae visible; "
            f"at least {config.min_visible_vertebrae} needed"
        )
    return _decision(details)


def unreadable_decision(error: DicomLoadError) -> ProtocolDecision:
    return _decision({ExclusionReason.UNREADABLE: str(error)})


def _decision(details: Mapping[ExclusionReason, str]) -> ProtocolDecision:
    reasons = tuple(reason for reason in ExclusionReason if reason in details)
    return ProtocolDecision(
        eligible=not reasons,
        reasons=reasons,
        details={reason.value: details[reason] for reason in reasons},
    )


Finding = tuple[ExclusionReason, str] | None


def _modality(metadata: ProtocolSubject, config: ProtocolConfig) -> Finding:
    modality = (metadata.modality or "").upper()
    if modality == "CT":
        return None
    return ExclusionReason.NOT_CT, f"modality is {metadata.modality or 'missing'}, not CT"


def _age(metadata: ProtocolSubject, config: ProtocolConfig) -> Finding:
    age = patient_age(
        age_string=metadata.patient_age,
        birth_date=metadata.patient_birth_date,
        study_date=metadata.study_date,
    )
    if age is None:
        return ExclusionReason.AGE_UNKNOWN, "no PatientAge, and no birth date with a study date"
    if age.years < config.minimum_age_years:
        return (
            ExclusionReason.AGE_BELOW_MINIMUM,
            f"patient age {age.years:.4g} years ({age.source}) "
            f"is below the minimum of {config.minimum_age_years:g}",
        )
    return None


def _thickness(metadata: ProtocolSubject, config: ProtocolConfig) -> Finding:
    if metadata.slice_thickness_mm is not None:
        thickness, source = metadata.slice_thickness_mm, "SliceThickness"
    elif metadata.slice_spacing_mm is not None:
        thickness, source = metadata.slice_spacing_mm, "slice spacing"
    else:
        return None
    if thickness <= config.max_slice_thickness_mm:
        return None
    return (
        ExclusionReason.SLICE_TOO_THICK,
        f"slices are {thickness:g} mm thick ({source}); at most {config.max_slice_thickness_mm:g} mm allowed",
    )


def _kernel(metadata: ProtocolSubject, config: ProtocolConfig) -> Finding:
    offending = unsupported_kernel(
        metadata.convolution_kernel,
        names=config.unsupported_kernels,
        very_sharp_from=config.very_sharp_kernel_from,
    )
    if offending is None:
        return None
    return (
        ExclusionReason.KERNEL_NOT_SUPPORTED,
        f"reconstruction kernel {offending} is a lung or very sharp kernel",
    )


def _orientation(metadata: ProtocolSubject, config: ProtocolConfig) -> Finding:
    if metadata.image_orientation is None:
        return ExclusionReason.NOT_AXIAL, "ImageOrientationPatient is missing, so the plane is unknown"
    try:
        angle = angle_to_z_deg(metadata.image_orientation)
    except ValueError:
        return ExclusionReason.NOT_AXIAL, "ImageOrientationPatient is degenerate, so the plane is unknown"
    if angle <= config.axial_tolerance_deg:
        return None
    return (
        ExclusionReason.NOT_AXIAL,
        f"slice normal is {angle:.1f}° from the patient z axis; "
        f"at most {config.axial_tolerance_deg:g}° allowed",
    )
