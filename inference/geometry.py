"""Heights, vertebral height loss (VHL) and Genant grade, exactly as SPEC.md defines them.

The one implementation used by the pipeline, the phantom's ground truth and the web app's
reader corrections.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

LANDMARK_NAMES: tuple[str, ...] = (
    "anterior_superior",
    "anterior_inferior",
    "middle_superior",
    "middle_inferior",
    "posterior_superior",
    "posterior_inferior",
)

GRADABLE_LABELS: tuple[str, ...] = tuple(f"T{i}" for i in range(1, 13)) + tuple(f"L{i}" for i in range(1, 6))
ALL_LABELS: tuple[str, ...] = ("C7", *GRADABLE_LABELS, "S1")

# Genant thresholds on VHL % (SPEC): <20 → 0; 20–25 → 1; (25, 40] → 2; > 40 → 3.
GRADE_1_MIN_PCT = 20.0
GRADE_2_ABOVE_PCT = 25.0
GRADE_3_ABOVE_PCT = 40.0
# A neighbour serves as reference height only when its own intra-vertebral loss is below this.
REFERENCE_MAX_INTRA_LOSS = 0.20

Point = Sequence[float]


@dataclass(frozen=True)
class Heights:
    anterior: float
    middle: float
    posterior: float

    @property
    def maximum(self) -> float:
        return max(self.anterior, self.middle, self.posterior)

    @property
    def minimum(self) -> float:
        return min(self.anterior, self.middle, self.posterior)

    def as_dict(self) -> dict[str, float]:
        return {"anterior": self.anterior, "middle": self.middle, "posterior": self.posterior}


def heights_from_landmarks(landmarks: Mapping[str, Point]) -> Heights:
    """Ha = |AS−AI|, Hm = |MS−MI|, Hp = |PS−PI| in mm."""
    missing = [name for name in LANDMARK_NAMES if name not in landmarks]
    if missing:
        raise ValueError(f"landmarks missing: {', '.join(missing)}")
    points = {name: np.asarray(landmarks[name], dtype=float) for name in LANDMARK_NAMES}
    for name, point in points.items():
        if point.shape != (3,) or not np.all(np.isfinite(point)):
            raise ValueError(f"landmark {name} must be three finite millimetre coordinates")

    def distance(a: str, b: str) -> float:
        return float(np.linalg.norm(points[a] - points[b]))

    return Heights(
        anterior=distance("anterior_superior", "anterior_inferior"),
        middle=distance("middle_superior", "middle_inferior"),
        posterior=distance("posterior_superior", "posterior_inferior"),
    )


def intra_vertebral_loss(heights: Heights) -> float:
    """L_intra = 1 − min(Ha, Hm, Hp) / max(Ha, Hm, Hp)."""
    if heights.maximum <= 0:
        raise ValueError("a vertebral body must have a positive height")
    return 1.0 - heights.minimum / heights.maximum


def genant_grade(height_loss_pct: float) -> int:
    if not np.isfinite(height_loss_pct) or height_loss_pct < 0:
        raise ValueError(f"height loss must be a non-negative percentage, got {height_loss_pct}")
    if height_loss_pct < GRADE_1_MIN_PCT:
        return 0
    if height_loss_pct <= GRADE_2_ABOVE_PCT:
        return 1
    if height_loss_pct <= GRADE_3_ABOVE_PCT:
        return 2
    return 3


@dataclass(frozen=True)
class VertebraHeights:
    """One vertebra in a column ordered cranial to caudal; ``heights`` is None when unmeasured."""

    label: str
    heights: Heights | None
    excluded: bool = False


@dataclass(frozen=True)
class HeightLoss:
    intra: float
    inter: float
    reference_height_mm: float | None
    reference_labels: tuple[str, ...]

    @property
    def percent(self) -> float:
        return 100.0 * max(self.intra, self.inter)

    @property
    def grade(self) -> int:
        return genant_grade(self.percent)


def _is_reference(vertebra: VertebraHeights) -> bool:
    return (
        vertebra.heights is not None
        and not vertebra.excluded
        and intra_vertebral_loss(vertebra.heights) < REFERENCE_MAX_INTRA_LOSS
    )


def reference_neighbours(column: Sequence[VertebraHeights], index: int) -> list[VertebraHeights]:
    """Nearest valid neighbours: one above and one below when both exist, else two on one side."""
    above = [column[i] for i in range(index - 1, -1, -1) if _is_reference(column[i])]
    below = [column[i] for i in range(index + 1, len(column)) if _is_reference(column[i])]
    if above and below:
        return [above[0], below[0]]
    return (above or below)[:2]


def height_loss(column: Sequence[VertebraHeights], index: int) -> HeightLoss:
    """VHL of ``column[index]`` from its own heights and its neighbours' (SPEC.md)."""
    vertebra = column[index]
    if vertebra.heights is None or vertebra.excluded:
        raise ValueError(f"{vertebra.label} has no measurable heights")
    intra = intra_vertebral_loss(vertebra.heights)
    neighbours = reference_neighbours(column, index)
    if not neighbours:
        return HeightLoss(intra=intra, inter=0.0, reference_height_mm=None, reference_labels=())
    reference = float(np.mean([n.heights.maximum for n in neighbours if n.heights is not None]))
    inter = max(0.0, 1.0 - vertebra.heights.maximum / reference)
    return HeightLoss(
        intra=intra,
        inter=inter,
        reference_height_mm=reference,
        reference_labels=tuple(n.label for n in neighbours),
    )


def column_height_loss(column: Sequence[VertebraHeights]) -> list[HeightLoss | None]:
    """VHL for every vertebra of a column (None for excluded or unmeasured ones)."""
    return [
        None if vertebra.heights is None or vertebra.excluded else height_loss(column, index)
        for index, vertebra in enumerate(column)
    ]
