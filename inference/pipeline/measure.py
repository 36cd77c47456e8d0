"""Heights, VHL and Genant grade for a detected column, via inference.geometry (SPEC formulas).

Only T1–L5 are graded and serve as reference neighbours; C7 and S1 get heights but no grade. A
vertebra without landmarks, or excluded (cement), is neither graded nor a reference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from inference.geometry import (
    GRADABLE_LABELS,
    Heights,
    VertebraHeights,
    column_height_loss,
    heights_from_landmarks,
)

Point = Sequence[float]


@dataclass(frozen=True)
class ColumnEntry:
    """One detected vertebra, in cranial → caudal order."""

    label: str
    landmarks: Mapping[str, Point] | None
    excluded: bool = False


@dataclass(frozen=True)
class VertebraMeasurement:
    label: str
    heights: Heights | None
    height_loss_pct: float | None  # None: not graded (excluded, no landmarks, C7/S1)
    grade: int | None
    intra_loss: float | None = None
    inter_loss: float | None = None
    reference_labels: tuple[str, ...] = ()

    @property
    def graded(self) -> bool:
        return self.grade is not None


def measure_column(entries: Sequence[ColumnEntry]) -> list[VertebraMeasurement]:
    """Per-vertebra measurements, same order as ``entries`` (which must run cranial → caudal)."""
    heights = [
        None if entry.excluded or entry.landmarks is None else heights_from_landmarks(entry.landmarks)
        for entry in entries
    ]
    graded = [index for index, entry in enumerate(entries) if entry.label in GRADABLE_LABELS]
    column = [VertebraHeights(entries[i].label, heights[i], entries[i].excluded) for i in graded]
    losses = dict(zip(graded, column_height_loss(column), strict=True))
    results: list[VertebraMeasurement] = []
    for index, entry in enumerate(entries):
        loss = losses.get(index)
        if loss is None:
            results.append(VertebraMeasurement(entry.label, heights[index], None, None))
            continue
        results.append(
            VertebraMeasurement(
                label=entry.label,
                heights=heights[index],
                height_loss_pct=loss.percent,
                grade=loss.grade,
                intra_loss=loss.intra,
                inter_loss=loss.inter,
                reference_labels=loss.reference_labels,
            )
        )
    return results
