"""Strict, hand-written validator for the ``vcf-analysis/1`` result JSON (SPEC.md) and its case rules.

``validate_result(data)`` raises ``ResultValidationError`` naming the first offending path, e.g.
``vertebrae[2].grade: 2 does not match height_loss_pct 19.9 (grade 0)``. Unknown keys are errors,
except the documented optional per-vertebra extras ``uncertainty_reasons`` and ``hu_roi``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from typing import Any

from inference.dicom.protocol import ExclusionReason
from inference.geometry import ALL_LABELS, GRADABLE_LABELS, LANDMARK_NAMES, genant_grade
from inference.pipeline.uncertainty import REASONS

SCHEMA = "vcf-analysis/1"
MEASURED = "measured"
EXCLUDED_CEMENT = "excluded_cement"
STATUSES: tuple[str, ...] = (MEASURED, EXCLUDED_CEMENT)
EXCLUSION_REASONS: tuple[str, ...] = tuple(reason.value for reason in ExclusionReason)
DENSITY_LEVELS: tuple[str, ...] = ("L1", "L2", "L3", "L4", "T8", "T9", "T10", "T11")
HEIGHT_KEYS: tuple[str, ...] = ("anterior", "middle", "posterior")
UNCERTAINTY_REASONS: tuple[str, ...] = REASONS

TOP_KEYS: tuple[str, ...] = (
    "schema",
    "model_version",
    "study_uid",
    "series_uid",
    "eligible",
    "exclusion_reasons",
    "positive",
    "max_grade",
    "vertebrae",
    "bone_density",
    "timings_s",
)
VERTEBRA_KEYS: tuple[str, ...] = (
    "label",
    "centroid_lps_mm",
    "confidence",
    "landmarks_lps_mm",
    "heights_mm",
    "height_loss_pct",
    "grade",
    "mean_hu",
    "status",
    "uncertain",
)
VERTEBRA_OPTIONAL_KEYS: tuple[str, ...] = ("uncertainty_reasons", "hu_roi")
ROI_KEYS: tuple[str, ...] = (
    "centre_lps_mm",
    "semi_axes_mm",
    "lateral_axis",
    "anterior_axis",
    "mean_hu",
    "std_hu",
    "voxel_count",
)


class ResultValidationError(ValueError):
    """The result does not follow vcf-analysis/1; the message names the path and the problem."""


def case_positive(status_grades: Iterable[tuple[str, int | None]]) -> bool:
    """SPEC: positive when any non-excluded vertebra has grade ≥ 1."""
    return any(status == MEASURED and grade is not None and grade >= 1 for status, grade in status_grades)


def case_max_grade(status_grades: Iterable[tuple[str, int | None]]) -> int:
    grades = [grade for status, grade in status_grades if status == MEASURED and grade is not None]
    return max(grades, default=0)


def _fail(path: str, problem: str) -> ResultValidationError:
    return ResultValidationError(f"{path}: {problem}")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _number(value: Any, path: str, *, nullable: bool = False, minimum: float | None = None) -> None:
    if value is None and nullable:
        return
    if not _is_number(value):
        raise _fail(path, f"expected a finite number{' or null' if nullable else ''}, got {value!r}")
    if minimum is not None and value < minimum:
        raise _fail(path, f"must be at least {minimum:g}, got {value!r}")


def _string(value: Any, path: str, *, nullable: bool = False) -> None:
    if value is None and nullable:
        return
    if not isinstance(value, str) or not value:
        raise _fail(path, f"expected a non-empty string{' or null' if nullable else ''}, got {value!r}")


def _bool(value: Any, path: str) -> None:
    if not isinstance(value, bool):
        raise _fail(path, f"expected true or false, got {value!r}")


def _keys(data: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> None:
    if not isinstance(data, Mapping):
        raise _fail(path, f"expected an object, got {type(data).__name__}")
    missing = [key for key in required if key not in data]
    if missing:
        raise _fail(path, f"missing key(s) {', '.join(missing)}")
    unknown = sorted(str(key) for key in data if key not in required and key not in optional)
    if unknown:
        raise _fail(path, f"unknown key(s) {', '.join(unknown)}")


def _vector(value: Any, path: str) -> None:
    if not isinstance(value, list) or len(value) != 3 or not all(_is_number(v) for v in value):
        raise _fail(path, f"expected [x, y, z] in mm, got {value!r}")


def _grade(value: Any, path: str) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3):
        raise _fail(path, f"expected a Genant grade 0-3 or null, got {value!r}")


def _roi(value: Any, path: str) -> None:
    if value is None:
        return
    _keys(value, path, ROI_KEYS)
    for key in ("centre_lps_mm", "lateral_axis", "anterior_axis"):
        _vector(value[key], f"{path}.{key}")
    axes = value["semi_axes_mm"]
    if not isinstance(axes, list) or len(axes) != 2 or not all(_is_number(a) and a > 0 for a in axes):
        raise _fail(f"{path}.semi_axes_mm", f"expected two positive numbers, got {axes!r}")
    _number(value["mean_hu"], f"{path}.mean_hu")
    _number(value["std_hu"], f"{path}.std_hu", minimum=0)
    count = value["voxel_count"]
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise _fail(f"{path}.voxel_count", f"expected a positive integer, got {count!r}")


def _vertebra(v: Any, path: str) -> None:
    _keys(v, path, VERTEBRA_KEYS, VERTEBRA_OPTIONAL_KEYS)
    if v["label"] not in ALL_LABELS:
        raise _fail(f"{path}.label", f"unknown vertebra {v['label']!r}")
    _vector(v["centroid_lps_mm"], f"{path}.centroid_lps_mm")
    _number(v["confidence"], f"{path}.confidence", minimum=0)
    if v["confidence"] > 1:
        raise _fail(f"{path}.confidence", f"must be at most 1, got {v['confidence']!r}")
    if v["status"] not in STATUSES:
        raise _fail(f"{path}.status", f"expected one of {', '.join(STATUSES)}, got {v['status']!r}")
    landmarks = v["landmarks_lps_mm"]
    if landmarks is not None:
        _keys(landmarks, f"{path}.landmarks_lps_mm", LANDMARK_NAMES)
        for name in LANDMARK_NAMES:
            _vector(landmarks[name], f"{path}.landmarks_lps_mm.{name}")
    heights = v["heights_mm"]
    if heights is not None:
        _keys(heights, f"{path}.heights_mm", HEIGHT_KEYS)
        for key in HEIGHT_KEYS:
            _number(heights[key], f"{path}.heights_mm.{key}", minimum=0)
    _number(v["height_loss_pct"], f"{path}.height_loss_pct", nullable=True, minimum=0)
    _grade(v["grade"], f"{path}.grade")
    _number(v["mean_hu"], f"{path}.mean_hu", nullable=True)
    _bool(v["uncertain"], f"{path}.uncertain")
    _vertebra_rules(v, path)
    if "uncertainty_reasons" in v:
        reasons = v["uncertainty_reasons"]
        if not isinstance(reasons, list) or any(r not in UNCERTAINTY_REASONS for r in reasons):
            raise _fail(f"{path}.uncertainty_reasons", f"expected codes from {UNCERTAINTY_REASONS}")
        if bool(reasons) != v["uncertain"]:
            raise _fail(f"{path}.uncertainty_reasons", "must be non-empty exactly when uncertain is true")
    if "hu_roi" in v:
        _roi(v["hu_roi"], f"{path}.hu_roi")


def _vertebra_rules(v: Mapping[str, Any], path: str) -> None:
    grade, loss = v["grade"], v["height_loss_pct"]
    if (grade is None) != (loss is None):
        raise _fail(f"{path}.grade", "grade and height_loss_pct must both be set or both be null")
    if grade is not None:
        if v["label"] not in GRADABLE_LABELS:
            raise _fail(f"{path}.grade", f"{v['label']} is never graded")
        if v["status"] != MEASURED:
            raise _fail(f"{path}.grade", "an excluded vertebra is not graded")
        if v["heights_mm"] is None:
            raise _fail(f"{path}.grade", "a graded vertebra needs heights_mm")
        if genant_grade(float(loss)) != grade:
            raise _fail(
                f"{path}.grade", f"{grade} does not match height_loss_pct {loss} (grade {genant_grade(loss)})"
            )
    if v["status"] != MEASURED and v["mean_hu"] is not None:
        raise _fail(f"{path}.mean_hu", "an excluded vertebra is not counted for HU")


def _bone_density(bd: Any, vertebrae: list[Mapping[str, Any]], path: str) -> None:
    by_label = {v["label"]: v for v in vertebrae}
    labels = list(by_label)
    _keys(bd, path, ("levels", "l1_hu", "mean_hu"))
    levels = bd["levels"]
    if not isinstance(levels, list) or any(level not in DENSITY_LEVELS for level in levels):
        raise _fail(f"{path}.levels", f"expected labels from {', '.join(DENSITY_LEVELS)}, got {levels!r}")
    if len(set(levels)) != len(levels) or any(level not in labels for level in levels):
        raise _fail(f"{path}.levels", "levels must be distinct reported vertebrae")
    _number(bd["l1_hu"], f"{path}.l1_hu", nullable=True)
    _number(bd["mean_hu"], f"{path}.mean_hu", nullable=True)
    if (bd["l1_hu"] is None) == ("L1" in levels):
        raise _fail(f"{path}.l1_hu", "must be set exactly when L1 is among the levels")
    if (bd["mean_hu"] is None) != (not levels):
        raise _fail(f"{path}.mean_hu", "must be set exactly when some level was measured")
    for level in levels:
        v = by_label[level]
        grade = v["grade"]
        if v["status"] != MEASURED or v["mean_hu"] is None or (grade is not None and grade >= 1):
            raise _fail(f"{path}.levels", f"{level} is excluded, fractured or has no mean_hu")
    if levels:
        expected = sum(by_label[level]["mean_hu"] for level in levels) / len(levels)
        if abs(bd["mean_hu"] - expected) > 0.01 + 1e-6 * abs(expected):
            raise _fail(f"{path}.mean_hu", f"expected the levels' mean {expected:.3f}, got {bd['mean_hu']}")
    if "L1" in levels and abs(bd["l1_hu"] - by_label["L1"]["mean_hu"]) > 0.01:
        raise _fail(f"{path}.l1_hu", "must equal L1's mean_hu")


def validate_result(data: Any, schema: str = SCHEMA) -> None:
    """Raise ResultValidationError unless ``data`` is a valid result dict (after json.loads)."""
    _keys(data, "result", TOP_KEYS)
    if data["schema"] != schema:
        raise _fail("schema", f"expected {schema!r}, got {data['schema']!r}")
    _string(data["model_version"], "model_version")
    _string(data["study_uid"], "study_uid", nullable=True)
    _string(data["series_uid"], "series_uid", nullable=True)
    _bool(data["eligible"], "eligible")
    reasons = data["exclusion_reasons"]
    if not isinstance(reasons, list) or any(r not in EXCLUSION_REASONS for r in reasons):
        raise _fail(
            "exclusion_reasons", f"expected codes from {', '.join(EXCLUSION_REASONS)}, got {reasons!r}"
        )
    if len(set(reasons)) != len(reasons) or data["eligible"] == bool(reasons):
        raise _fail("exclusion_reasons", "must list distinct reasons exactly when eligible is false")
    _bool(data["positive"], "positive")
    _grade(data["max_grade"], "max_grade")
    vertebrae = data["vertebrae"]
    if not isinstance(vertebrae, list):
        raise _fail("vertebrae", "expected a list")
    for index, vertebra in enumerate(vertebrae):
        _vertebra(vertebra, f"vertebrae[{index}]")
    labels = [v["label"] for v in vertebrae]
    order = [ALL_LABELS.index(label) for label in labels]
    if any(b <= a for a, b in itertools.pairwise(order)):
        raise _fail("vertebrae", f"labels must be distinct and run cranial to caudal, got {labels}")
    pairs = [(v["status"], v["grade"]) for v in vertebrae]
    if data["positive"] != case_positive(pairs):
        raise _fail("positive", "must be true exactly when a non-excluded vertebra has grade >= 1")
    if data["max_grade"] != case_max_grade(pairs):
        raise _fail("max_grade", f"expected {case_max_grade(pairs)} from the vertebrae")
    _bone_density(data["bone_density"], vertebrae, "bone_density")
    timings = data["timings_s"]
    if not isinstance(timings, Mapping) or not all(isinstance(k, str) for k in timings):
        raise _fail("timings_s", "expected an object of stage name → seconds")
    for key, value in timings.items():
        _number(value, f"timings_s.{key}", minimum=0)


TRUTH_SCHEMA = "vcf-truth/1"
TRUTH_ONLY_KEYS: tuple[str, ...] = (
    "trabecular_hu",
    "confounders",
    "patient",
    "field_of_view",
    "spacing",
    "acquisition",
    "anatomy",
    "label_codes",
    "phantom",
)
TRUTH_ONLY_VERTEBRA_KEYS: tuple[str, ...] = ("fracture_type", "confounders")


def validate_truth(data: Any) -> None:
    """A phantom truth.json checked by the same rules, ignoring its truth-only fields (and its
    missing ``timings_s``)."""
    if not isinstance(data, Mapping):
        raise _fail("truth", f"expected an object, got {type(data).__name__}")
    shared = {k: v for k, v in data.items() if k not in TRUTH_ONLY_KEYS}
    if isinstance(shared.get("vertebrae"), list):
        shared["vertebrae"] = [
            {k: v for k, v in vertebra.items() if k not in TRUTH_ONLY_VERTEBRA_KEYS}
            if isinstance(vertebra, Mapping)
            else vertebra
            for vertebra in shared["vertebrae"]
        ]
    shared.setdefault("timings_s", {})
    validate_result(shared, schema=TRUTH_SCHEMA)
