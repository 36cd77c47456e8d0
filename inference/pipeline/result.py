"""The analysis result (``vcf-analysis/1``, SPEC.md) as dataclasses, with the case rules.

Optional per-vertebra extras beyond SPEC (accepted by ``validate_result``):
``uncertainty_reasons`` (list of codes from inference.pipeline.uncertainty.REASONS, present when the
analysis computed them) and ``hu_roi`` (the density ellipse for the viewer: ``centre_lps_mm``,
``semi_axes_mm`` [lateral, anterior-posterior], ``lateral_axis``, ``anterior_axis``, ``mean_hu``,
``std_hu``, ``voxel_count``), or null.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from inference.geometry import LANDMARK_NAMES, Heights
from inference.pipeline.hu_roi import BoneDensity, TrabecularRoi
from inference.pipeline.schema import (
    EXCLUDED_CEMENT,
    MEASURED,
    SCHEMA,
    case_max_grade,
    case_positive,
    validate_result,
)

__all__ = [
    "EXCLUDED_CEMENT",
    "MEASURED",
    "SCHEMA",
    "AnalysisResult",
    "VertebraResult",
    "validate_result",
]

Point = Sequence[float]


def _point(values: Point, digits: int = 3) -> list[float]:
    return [round(float(v), digits) for v in values]


def _number(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


@dataclass(frozen=True)
class VertebraResult:
    label: str
    centroid_lps_mm: tuple[float, float, float]
    confidence: float
    landmarks_lps_mm: Mapping[str, Point] | None
    heights: Heights | None
    height_loss_pct: float | None
    grade: int | None
    mean_hu: float | None
    status: str = MEASURED
    uncertain: bool = False
    uncertainty_reasons: tuple[str, ...] | None = None
    hu_roi: TrabecularRoi | None = None

    @property
    def excluded(self) -> bool:
        return self.status != MEASURED

    def to_json_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "label": self.label,
            "centroid_lps_mm": _point(self.centroid_lps_mm),
            "confidence": round(float(self.confidence), 4),
            "landmarks_lps_mm": None
            if self.landmarks_lps_mm is None
            else {name: _point(self.landmarks_lps_mm[name]) for name in LANDMARK_NAMES},
            "heights_mm": None
            if self.heights is None
            else {k: round(v, 3) for k, v in self.heights.as_dict().items()},
            "height_loss_pct": _number(self.height_loss_pct, 3),
            "grade": self.grade,
            "mean_hu": _number(self.mean_hu, 2),
            "status": self.status,
            "uncertain": bool(self.uncertain),
        }
        if self.uncertainty_reasons is not None:
            data["uncertainty_reasons"] = list(self.uncertainty_reasons)
        if self.hu_roi is not None:
            data["hu_roi"] = self.hu_roi.to_json_dict()
        return data


@dataclass(frozen=True)
class AnalysisResult:
    model_version: str
    study_uid: str | None
    series_uid: str | None
    eligible: bool
    exclusion_reasons: tuple[str, ...] = ()
    vertebrae: tuple[VertebraResult, ...] = ()  # cranial → caudal
    bone_density: BoneDensity = field(default_factory=lambda: BoneDensity((), None, None))
    timings_s: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def ineligible(
        cls,
        model_version: str,
        study_uid: str | None,
        series_uid: str | None,
        reasons: Sequence[str],
        timings_s: Mapping[str, float] | None = None,
    ) -> AnalysisResult:
        return cls(model_version, study_uid, series_uid, False, tuple(reasons), timings_s=timings_s or {})

    @property
    def positive(self) -> bool:
        return case_positive([(v.status, v.grade) for v in self.vertebrae])

    @property
    def max_grade(self) -> int:
        return case_max_grade([(v.status, v.grade) for v in self.vertebrae])

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "model_version": self.model_version,
            "study_uid": self.study_uid,
            "series_uid": self.series_uid,
            "eligible": self.eligible,
            "exclusion_reasons": list(self.exclusion_reasons),
            "positive": self.positive,
            "max_grade": self.max_grade,
            "vertebrae": [v.to_json_dict() for v in self.vertebrae],
            "bone_density": self.bone_density.to_json_dict(),
            "timings_s": {k: round(float(v), 4) for k, v in self.timings_s.items()},
        }
