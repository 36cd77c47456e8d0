"""Ground truth ("vcf-truth/1"): SPEC's formulas applied to the phantom's true landmarks."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np

from inference.geometry import (
    GRADABLE_LABELS,
    LANDMARK_NAMES,
    HeightLoss,
    VertebraHeights,
    column_height_loss,
    heights_from_landmarks,
)
from inference.phantom.column import body_bounds
from inference.phantom.confounders import CONFOUNDER_NAMES
from inference.phantom.scene import Scene
from inference.phantom.spec import levels_in_view
from inference.phantom.vertebra import VertebraModel

SCHEMA = "vcf-truth/1"
MODEL_VERSION = "phantom-truth"
_LUMBAR_DENSITY = ("L1", "L2", "L3", "L4")
_THORACIC_DENSITY = ("T8", "T9", "T10", "T11")


def _round(values: Any, digits: int = 3) -> list[float]:
    return [round(float(v), digits) for v in values]


def world_landmarks(model: VertebraModel) -> dict[str, list[float]]:
    local = model.shape.landmarks()
    return {
        name: _round(model.pose.centre + model.pose.frame @ np.asarray(local[name]))
        for name in LANDMARK_NAMES
    }


def visible_vertebrae(scene: Scene) -> list[VertebraModel]:
    """Vertebrae of the requested range whose whole body lies inside the imaged volume."""
    return [
        scene.vertebrae[label]
        for label in levels_in_view(scene.spec)
        if scene.grid.contains(*body_bounds(scene.vertebrae[label]))
    ]


def _entry(
    model: VertebraModel, loss: HeightLoss | None, landmarks: dict[str, list[float]]
) -> dict[str, Any]:
    excluded = model.lesions.has_cement
    graded = loss is not None
    grade = loss.grade if loss is not None else None
    skip_hu = excluded or "sclerotic" in model.lesions.names or (grade is not None and grade >= 1)
    heights = heights_from_landmarks(landmarks)
    return {
        "label": model.label,
        "centroid_lps_mm": _round(model.pose.centre),
        "confidence": 1.0,
        "landmarks_lps_mm": None if excluded else landmarks,
        "heights_mm": None if excluded else {k: round(v, 3) for k, v in heights.as_dict().items()},
        "height_loss_pct": round(loss.percent, 3) if graded and loss is not None else None,
        "grade": grade,
        "mean_hu": None if skip_hu else float(model.trabecular_hu),
        "status": "excluded_cement" if excluded else "measured",
        "uncertain": False,
        "fracture_type": model.fracture_kind,
        "confounders": model.lesions.names,
    }


def _bone_density(entries: list[dict[str, Any]]) -> dict[str, Any]:
    present = {entry["label"]: entry for entry in entries}
    candidates = _LUMBAR_DENSITY if any(level in present for level in _LUMBAR_DENSITY) else _THORACIC_DENSITY
    measured = [level for level in candidates if level in present and present[level]["mean_hu"] is not None]
    values = [present[level]["mean_hu"] for level in measured]
    return {
        "levels": measured,
        "l1_hu": present["L1"]["mean_hu"] if "L1" in measured else None,
        "mean_hu": round(float(np.mean(values)), 3) if values else None,
    }


def build_truth(scene: Scene) -> dict[str, Any]:
    models = visible_vertebrae(scene)
    landmarks = {model.label: world_landmarks(model) for model in models}
    graded = [model for model in models if model.label in GRADABLE_LABELS]
    column = [
        VertebraHeights(m.label, heights_from_landmarks(landmarks[m.label]), m.lesions.has_cement)
        for m in graded
    ]
    losses = dict(zip([m.label for m in graded], column_height_loss(column), strict=True))
    entries = [_entry(model, losses.get(model.label), landmarks[model.label]) for model in models]
    grades = [
        entry["grade"] for entry in entries if entry["grade"] is not None and entry["status"] == "measured"
    ]
    spec, grid = scene.spec, scene.grid
    present = {name for entry in entries for name in entry["confounders"]}
    confounders = (["scoliosis"] if spec.scoliosis_deg > 0 else []) + [
        n for n in CONFOUNDER_NAMES if n in present
    ]
    z_top = grid.origin[2] + grid.slice_mm * (grid.slices - 1)
    return {
        "schema": SCHEMA,
        "model_version": MODEL_VERSION,
        "study_uid": None,
        "series_uid": None,
        "eligible": True,
        "exclusion_reasons": [],
        "positive": any(g >= 1 for g in grades),
        "max_grade": max(grades, default=0),
        "vertebrae": entries,
        "bone_density": _bone_density(entries),
        "trabecular_hu": float(spec.trabecular_hu),
        "confounders": confounders,
        "patient": {"age": spec.age, "sex": spec.sex},
        "field_of_view": {
            "levels": list(spec.levels),
            "z_range_mm": [round(grid.origin[2], 3), round(z_top, 3)],
            "fov_mm": round(spec.size * spec.pixel_mm, 3),
            "centre_lps_mm": _round(
                (0.0, grid.origin[1] + 0.5 * (grid.rows - 1) * grid.pixel_mm, 0.5 * (grid.origin[2] + z_top))
            ),
        },
        "spacing": {
            "pixel_mm": spec.pixel_mm,
            "slice_mm": spec.slice_mm,
            "rows": grid.rows,
            "columns": grid.columns,
            "slices": grid.slices,
        },
        "acquisition": {"kernel": spec.kernel, "noise_hu": spec.noise_hu, "contrast": scene.props.contrast},
        "anatomy": _anatomy(scene),
        "label_codes": {model.label: model.code for model in models},
        "phantom": {"seed": spec.seed, "spec": asdict(spec)},
    }


def _anatomy(scene: Scene) -> dict[str, Any]:
    props, scoliosis = scene.props, scene.scoliosis
    return {
        "kyphosis_deg": round(props.kyphosis_deg, 2),
        "lordosis_deg": round(props.lordosis_deg, 2),
        "vertebra_scale": round(props.vertebra_scale, 4),
        "contrast": props.contrast,
        "scoliosis": None
        if scoliosis is None
        else {
            "cobb_deg": scoliosis.cobb_deg,
            "upper_end": scoliosis.upper_end,
            "lower_end": scoliosis.lower_end,
            "apex": scoliosis.apex,
            "convex": "right" if scoliosis.convex_right else "left",
        },
    }
