"""Whether a vertebra's measurement may be wrong (SPEC ``uncertain``), with the reasons.

The vertebra is still graded; the flag only tells the reader to look. Every threshold lives in
``UncertaintyConfig``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from inference.geometry import Heights
from inference.pipeline.bodyframe import BodyFrame

Point = Sequence[float]

LOW_CONFIDENCE = "low_confidence"
LANDMARK_SPREAD = "landmark_spread"
LANDMARK_ORDER = "landmarks_out_of_order"
IMPLAUSIBLE_HEIGHT = "implausible_height"
POSTERIOR_HEIGHT = "posterior_height"
SCLEROTIC = "sclerotic"
NOT_FULLY_IMAGED = "not_fully_imaged"  # the scan cuts through the body: listed, not measured
REASONS: tuple[str, ...] = (
    NOT_FULLY_IMAGED,
    LOW_CONFIDENCE,
    LANDMARK_SPREAD,
    LANDMARK_ORDER,
    IMPLAUSIBLE_HEIGHT,
    POSTERIOR_HEIGHT,
    SCLEROTIC,
)


@dataclass(frozen=True)
class UncertaintyConfig:
    # Reported vertebrae have confidence ≥ the reporting threshold; within this margin above it
    # the detection is borderline.
    confidence_threshold: float = 0.5
    confidence_margin: float = 0.15
    # Largest per-landmark spread (mm) under test-time augmentation that is still trusted; about a
    # voxel of a 1 mm scan plus the endplate's own blur.
    max_landmark_spread_mm: float = 2.0
    # Absolute bounds for any vertebral body height (mm), C7 to S1, including severe crush.
    min_height_mm: float = 2.0
    max_height_mm: float = 50.0
    # Tallest height against the neighbours' (the taller of them, so that a fractured neighbour does
    # not count): adjacent bodies differ by a few percent, so a much taller body means landmarks on a
    # disc or the wrong body. Shorter is not flagged: that is what a fracture looks like.
    max_height_ratio: float = 1.35
    # Posterior height against the neighbours' (the taller one): the posterior wall hardly changes
    # in an osteoporotic fracture, so a much taller one is a landmark error.
    max_posterior_ratio: float = 1.3
    # Landmark order: superior points at least this far (mm) above the inferior ones along the
    # spine axis, and anterior → middle → posterior ordered along the anterior direction.
    min_order_gap_mm: float = 0.5


@dataclass(frozen=True)
class UncertaintyEvidence:
    label: str
    confidence: float
    landmarks: Mapping[str, Point] | None = None
    heights: Heights | None = None
    landmark_spread_mm: Mapping[str, float] | None = None  # per landmark, from test-time augmentation
    sclerotic: bool = False
    excluded: bool = False
    partially_imaged: bool = False


@dataclass(frozen=True)
class Uncertainty:
    uncertain: bool
    reasons: tuple[str, ...]


def landmarks_out_of_order(landmarks: Mapping[str, Point], min_gap_mm: float) -> bool:
    try:
        frame = BodyFrame.from_landmarks(landmarks)
    except (ValueError, KeyError):
        return True
    p = {name: np.asarray(point, dtype=float) for name, point in landmarks.items()}
    for side in ("anterior", "middle", "posterior"):
        if float((p[f"{side}_superior"] - p[f"{side}_inferior"]) @ frame.superior) < min_gap_mm:
            return True
    for plate in ("superior", "inferior"):
        a, m, q = (
            float(p[f"{side}_{plate}"] @ frame.anterior) for side in ("anterior", "middle", "posterior")
        )
        if not (a - m >= min_gap_mm and m - q >= min_gap_mm):
            return True
    return False


def _neighbour_heights(column: Sequence[UncertaintyEvidence], index: int) -> list[Heights]:
    def usable(e: UncertaintyEvidence) -> bool:
        return e.heights is not None and not e.excluded

    above = [column[i].heights for i in range(index - 1, -1, -1) if usable(column[i])]
    below = [column[i].heights for i in range(index + 1, len(column)) if usable(column[i])]
    chosen = [above[0], below[0]] if above and below else (above or below)[:2]
    return [h for h in chosen if h is not None]


class UncertaintyAssessor:
    def __init__(self, config: UncertaintyConfig | None = None) -> None:
        self.config = config or UncertaintyConfig()

    def assess_column(self, column: Sequence[UncertaintyEvidence]) -> list[Uncertainty]:
        """One verdict per vertebra of a column ordered cranial → caudal."""
        return [self.assess(column, index) for index in range(len(column))]

    def assess(self, column: Sequence[UncertaintyEvidence], index: int) -> Uncertainty:
        c, e = self.config, column[index]
        reasons: list[str] = [NOT_FULLY_IMAGED] if e.partially_imaged else []
        if e.confidence < c.confidence_threshold + c.confidence_margin:
            reasons.append(LOW_CONFIDENCE)
        if e.landmark_spread_mm and max(e.landmark_spread_mm.values()) > c.max_landmark_spread_mm:
            reasons.append(LANDMARK_SPREAD)
        if (
            e.landmarks is not None
            and not e.excluded
            and landmarks_out_of_order(e.landmarks, c.min_order_gap_mm)
        ):
            reasons.append(LANDMARK_ORDER)
        if e.heights is not None and not e.excluded:
            reasons += self._height_reasons(e.heights, _neighbour_heights(column, index))
        if e.sclerotic:
            reasons.append(SCLEROTIC)
        ordered = tuple(reason for reason in REASONS if reason in reasons)
        return Uncertainty(uncertain=bool(ordered), reasons=ordered)

    def _height_reasons(self, heights: Heights, neighbours: Sequence[Heights]) -> list[str]:
        c = self.config
        reasons: list[str] = []
        out_of_range = heights.minimum < c.min_height_mm or heights.maximum > c.max_height_mm
        too_tall = bool(neighbours) and heights.maximum > c.max_height_ratio * float(
            max(n.maximum for n in neighbours)
        )
        if out_of_range or too_tall:
            reasons.append(IMPLAUSIBLE_HEIGHT)
        if neighbours and heights.posterior > c.max_posterior_ratio * float(
            max(n.posterior for n in neighbours)
        ):
            reasons.append(POSTERIOR_HEIGHT)
        return reasons
