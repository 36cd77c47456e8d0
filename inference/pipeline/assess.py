"""The non-learned half of the analysis: from detected vertebrae (label, centroid, confidence,
landmarks) to the per-vertebra results and the bone density of ``vcf-analysis/1``.

Order: bodies the scan cuts through (not measured) → cement exclusion → heights/VHL/grade → sclerosis →
trabecular HU → uncertainty; then once more when an end body of the column turns out doubtful at the
edge of the data (``AssessConfig.edge_doubt_mm``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from inference.geometry import GRADABLE_LABELS
from inference.pipeline.bodyframe import BodyFrame
from inference.pipeline.cement import CementConfig, CementDetector
from inference.pipeline.coverage import ScanExtent
from inference.pipeline.hu_roi import (
    BoneDensity,
    DensityCandidate,
    RoiConfig,
    TrabecularRoi,
    TrabecularRoiMeasurer,
    bone_density,
)
from inference.pipeline.measure import ColumnEntry, measure_column
from inference.pipeline.result import EXCLUDED_CEMENT, MEASURED, VertebraResult
from inference.pipeline.sclerosis import SclerosisConfig, SclerosisDetector
from inference.pipeline.uncertainty import (
    IMPLAUSIBLE_HEIGHT,
    LANDMARK_ORDER,
    LANDMARK_SPREAD,
    UncertaintyAssessor,
    UncertaintyConfig,
    UncertaintyEvidence,
)

Point = Sequence[float]
LANDMARK_DOUBTS = frozenset({LANDMARK_SPREAD, LANDMARK_ORDER, IMPLAUSIBLE_HEIGHT})


@dataclass(frozen=True)
class Detection:
    """One reported vertebra (confidence at or above the reporting threshold), cranial → caudal."""

    label: str
    centroid_lps_mm: tuple[float, float, float]
    confidence: float
    landmarks_lps_mm: Mapping[str, Point] | None = None
    landmark_spread_mm: Mapping[str, float] | None = None  # per landmark, test-time augmentation


@dataclass(frozen=True)
class AssessConfig:
    roi: RoiConfig = field(default_factory=RoiConfig)
    cement: CementConfig = field(default_factory=CementConfig)
    sclerosis: SclerosisConfig = field(default_factory=SclerosisConfig)
    uncertainty: UncertaintyConfig = field(default_factory=UncertaintyConfig)
    # A body is measured only when each landmark, this far (or one slice, if more) outwards along the
    # body axis, is still within the scanned slices (see ``inference.pipeline.coverage``).
    scan_margin_mm: float = 2.0
    # The first or last body of the column whose landmarks are in doubt (spread, order, height) is
    # not measured either when there is no room for another body between them and the data edge:
    # that is how the network places the points of a body the scan cuts through, inside its visible
    # part (or squeezed against its neighbour), and the height it then measures is that part's. The
    # room needed is the inner neighbour's tallest height, or this when it has none.
    edge_doubt_mm: float = 20.0


@dataclass(frozen=True)
class ColumnAssessment:
    vertebrae: tuple[VertebraResult, ...]
    bone_density: BoneDensity


def _centroid_frames(
    detections: Sequence[Detection], landmark_frames: list[BodyFrame | None]
) -> list[BodyFrame]:
    """Frames from centroids: the axis from the landmarks or the neighbouring centroids, the size
    from the distance to the neighbouring centroids."""
    centres = [np.asarray(d.centroid_lps_mm, dtype=float) for d in detections]
    frames = []
    for index, centre in enumerate(centres):
        near = [centres[j] for j in (index - 1, index + 1) if 0 <= j < len(centres)]
        pitch = float(np.mean([np.linalg.norm(centre - q) for q in near])) if near else None
        axis: np.ndarray | None = None
        landmark_frame = landmark_frames[index]
        if landmark_frame is not None:
            axis = landmark_frame.superior
        elif len(near) == 2:
            axis = centres[index - 1] - centres[index + 1]  # cranial neighbour minus caudal one
        elif near:
            axis = (centres[index - 1] - centre) if index > 0 else (centre - centres[index + 1])
        frames.append(BodyFrame.from_centroid(centre, axis, pitch))
    return frames


class ColumnAssessor:
    """Runs the non-learned stages on one volume; build one per series."""

    def __init__(self, hu: np.ndarray, affine: np.ndarray, config: AssessConfig | None = None) -> None:
        self.config = config or AssessConfig()
        self.cement = CementDetector(hu, affine, self.config.cement)
        self.sclerosis = SclerosisDetector(hu, affine, self.config.sclerosis)
        self.roi = TrabecularRoiMeasurer(hu, affine, self.config.roi)
        self.uncertainty = UncertaintyAssessor(self.config.uncertainty)
        self.extent = ScanExtent(hu.shape, affine)

    def assess(self, detections: Sequence[Detection]) -> ColumnAssessment:
        # Landmarks of a body the scan cuts through are not measured (see inference.pipeline.coverage).
        margin = max(self.config.scan_margin_mm, self.extent.slice_mm)
        partial = [
            d.landmarks_lps_mm is not None
            and not self.extent.holds_body(d.landmarks_lps_mm, margin_mm=margin)
            for d in detections
        ]
        assessment = self._assess(detections, partial)
        doubtful = self._doubtful_ends(detections, assessment.vertebrae)
        if not any(doubtful):
            return assessment
        return self._assess(detections, [p or d for p, d in zip(partial, doubtful, strict=True)])

    def _doubtful_ends(
        self, detections: Sequence[Detection], vertebrae: Sequence[VertebraResult]
    ) -> list[bool]:
        """The end bodies of the column with doubtful landmarks and no room for another body
        between them and the data edge."""
        doubtful = [False] * len(detections)
        ends = ((0, 1), (len(detections) - 1, len(detections) - 2)) if len(detections) > 1 else ()
        for index, inner in ends:
            landmarks = detections[index].landmarks_lps_mm
            reasons = vertebrae[index].uncertainty_reasons or ()
            if landmarks is None or not LANDMARK_DOUBTS.intersection(reasons):
                continue
            heights = vertebrae[inner].heights
            room = self.config.edge_doubt_mm if heights is None else heights.maximum
            doubtful[index] = not self.extent.holds_body(landmarks, margin_mm=room)
        return doubtful

    def _assess(self, detections: Sequence[Detection], partial: Sequence[bool]) -> ColumnAssessment:
        detections = [
            replace(d, landmarks_lps_mm=None, landmark_spread_mm=None) if cut_off else d
            for d, cut_off in zip(detections, partial, strict=True)
        ]
        landmark_frames = [
            None if d.landmarks_lps_mm is None else BodyFrame.from_landmarks(d.landmarks_lps_mm)
            for d in detections
        ]
        centroid_frames = _centroid_frames(detections, landmark_frames)
        excluded = [self.cement.detect(frame).excluded for frame in centroid_frames]
        measurements = measure_column(
            [
                ColumnEntry(d.label, d.landmarks_lps_mm, cut)
                for d, cut in zip(detections, excluded, strict=True)
            ]
        )
        best_frames = [lm or centroid for lm, centroid in zip(landmark_frames, centroid_frames, strict=True)]
        sclerosis_frames = [None if cut else frame for frame, cut in zip(best_frames, excluded, strict=True)]
        findings = self.sclerosis.detect_column(sclerosis_frames, [d.label for d in detections])
        sclerotic = [f is not None and f.sclerotic for f in findings]
        rois: list[TrabecularRoi | None] = []
        for index, m in enumerate(measurements):
            skip = (
                excluded[index]
                or partial[index]
                or sclerotic[index]
                or (m.grade is not None and m.grade >= 1)
            )
            rois.append(None if skip else self.roi.measure(best_frames[index]))
        verdicts = self.uncertainty.assess_column(
            [
                UncertaintyEvidence(
                    label=d.label,
                    confidence=d.confidence,
                    landmarks=None if cut else d.landmarks_lps_mm,
                    heights=m.heights,
                    landmark_spread_mm=d.landmark_spread_mm,
                    sclerotic=scl and d.label in GRADABLE_LABELS,
                    excluded=cut,
                    partially_imaged=cut_off,
                )
                for d, m, cut, scl, cut_off in zip(
                    detections, measurements, excluded, sclerotic, partial, strict=True
                )
            ]
        )
        vertebrae = tuple(
            VertebraResult(
                label=d.label,
                centroid_lps_mm=d.centroid_lps_mm,
                confidence=d.confidence,
                landmarks_lps_mm=None if cut else d.landmarks_lps_mm,
                heights=m.heights,
                height_loss_pct=m.height_loss_pct,
                grade=m.grade,
                mean_hu=None if roi is None else roi.mean_hu,
                status=EXCLUDED_CEMENT if cut else MEASURED,
                uncertain=verdict.uncertain,
                uncertainty_reasons=verdict.reasons,
                hu_roi=roi,
            )
            for d, m, cut, roi, verdict in zip(
                detections, measurements, excluded, rois, verdicts, strict=True
            )
        )
        density = bone_density(
            [
                DensityCandidate(v.label, v.mean_hu, v.grade, v.excluded, scl)
                for v, scl in zip(vertebrae, sclerotic, strict=True)
            ]
        )
        return ColumnAssessment(vertebrae=vertebrae, bone_density=density)
