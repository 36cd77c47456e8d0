"""What a phantom should contain: the public spec dataclasses and their validation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from inference.geometry import ALL_LABELS, GRADABLE_LABELS
from inference.phantom.kernels import find_kernel, kernel_names

FractureKind = Literal["wedge", "biconcave", "crush"]
FRACTURE_KINDS: tuple[str, ...] = ("wedge", "biconcave", "crush")
MAX_VHL_PCT = 90.0
MAX_SCOLIOSIS_DEG = 60.0


@dataclass(frozen=True)
class FractureSpec:
    level: str
    kind: FractureKind
    vhl_pct: float


@dataclass(frozen=True)
class PhantomSpec:
    seed: int = 0
    levels: tuple[str, str] = ("T1", "L5")  # first and last vertebra in the field of view
    fractures: tuple[FractureSpec, ...] = ()
    scoliosis_deg: float = 0.0  # Cobb angle
    sclerotic: tuple[str, ...] = ()
    lytic: tuple[str, ...] = ()
    cement: tuple[str, ...] = ()
    osteophytes: tuple[str, ...] = ()
    schmorl: tuple[str, ...] = ()
    trabecular_hu: float = 180.0
    slice_mm: float = 1.0  # slice thickness = spacing
    pixel_mm: float = 0.8
    size: int = 512  # rows = columns
    age: int = 65
    sex: Literal["F", "M"] = "F"
    kernel: str = "STANDARD"
    noise_hu: float = 12.0


class PhantomSpecError(ValueError):
    """The spec asks for something the generator cannot make; the message is one line."""


def levels_in_view(spec: PhantomSpec) -> tuple[str, ...]:
    """Labels from the first to the last level of the field of view, cranial to caudal."""
    first, last = spec.levels
    return ALL_LABELS[ALL_LABELS.index(first) : ALL_LABELS.index(last) + 1]


def _check_range(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise PhantomSpecError(f"{name} must be between {low:g} and {high:g}, got {value:g}")


def _check_levels(spec: PhantomSpec) -> None:
    if len(spec.levels) != 2:
        raise PhantomSpecError("levels must be a (first, last) pair")
    for level in spec.levels:
        if level not in ALL_LABELS:
            raise PhantomSpecError(f"unknown level {level!r} (use C7, T1-T12, L1-L5 or S1)")
    first, last = spec.levels
    if ALL_LABELS.index(first) > ALL_LABELS.index(last):
        raise PhantomSpecError(f"levels {first}-{last} must run cranial to caudal")


def _check_level_list(option: str, levels: tuple[str, ...], in_view: tuple[str, ...]) -> None:
    for level in levels:
        if level not in ALL_LABELS:
            raise PhantomSpecError(f"{option}: unknown level {level!r}")
        if level not in in_view:
            raise PhantomSpecError(
                f"{option}: {level} is outside the field of view {in_view[0]}-{in_view[-1]}"
            )
    if len(set(levels)) != len(levels):
        raise PhantomSpecError(f"{option}: a level is listed twice")


def _check_fractures(spec: PhantomSpec, in_view: tuple[str, ...]) -> None:
    seen: set[str] = set()
    for fracture in spec.fractures:
        if fracture.level not in ALL_LABELS:
            raise PhantomSpecError(f"fracture: unknown level {fracture.level!r}")
        if fracture.level not in GRADABLE_LABELS:
            raise PhantomSpecError(f"fracture: {fracture.level} is never graded (use T1-L5)")
        if fracture.level not in in_view:
            raise PhantomSpecError(f"fracture: {fracture.level} is outside the field of view")
        if fracture.kind not in FRACTURE_KINDS:
            raise PhantomSpecError(f"fracture: unknown type {fracture.kind!r} (wedge, biconcave or crush)")
        if not 0.0 <= fracture.vhl_pct <= MAX_VHL_PCT:
            raise PhantomSpecError(f"fracture: VHL must be between 0 and 90 %, got {fracture.vhl_pct:g}")
        if fracture.level in spec.cement:
            raise PhantomSpecError(f"fracture: {fracture.level} has cement and is excluded from grading")
        if fracture.level in seen:
            raise PhantomSpecError(f"fracture: {fracture.level} is listed twice")
        seen.add(fracture.level)


def validate(spec: PhantomSpec) -> None:
    """Raise PhantomSpecError (one line) when the spec cannot be generated."""
    _check_levels(spec)
    in_view = levels_in_view(spec)
    _check_fractures(spec, in_view)
    for option, levels in (
        ("sclerotic", spec.sclerotic),
        ("lytic", spec.lytic),
        ("cement", spec.cement),
        ("osteophytes", spec.osteophytes),
        ("schmorl", spec.schmorl),
    ):
        _check_level_list(option, levels, in_view)
    _check_range("scoliosis", spec.scoliosis_deg, 0.0, MAX_SCOLIOSIS_DEG)
    _check_range("trabecular HU", spec.trabecular_hu, 20.0, 450.0)
    _check_range("slice thickness (mm)", spec.slice_mm, 0.5, 10.0)
    _check_range("pixel spacing (mm)", spec.pixel_mm, 0.3, 4.0)
    _check_range("size", spec.size, 32, 1024)
    _check_range("age", spec.age, 18, 110)
    _check_range("noise HU", spec.noise_hu, 0.0, 200.0)
    if spec.sex not in ("F", "M"):
        raise PhantomSpecError(f"sex must be F or M, got {spec.sex!r}")
    if find_kernel(spec.kernel) is None:
        raise PhantomSpecError(f"unknown kernel {spec.kernel!r} (known: {', '.join(kernel_names())})")
