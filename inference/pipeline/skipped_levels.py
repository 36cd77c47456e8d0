"""Recover vertebrae the heat map did not separate from a neighbour.

A severely crushed body is only a few millimetres tall, and on the 4 mm working grid its heat blob
can merge with the next body's into one peak (a 64 % crush of T10 sat 13 mm above T11 and gave no
peak of its own). The label decoder still sees the gap: the bodies on either side are two levels
apart, so their labels step by two. Two checks decide whether a body is really there:

1. ``skipped_level_points``: a point for each skipped level, evenly between the bodies on either
   side, kept only where the heat map calls that place vertebral body.
2. ``verified_indices``: after the landmark stage, the recovered body must lie between its
   neighbours (``overlaps_neighbour``). Where the decoder skipped a label over a disc (its mistake,
   not the peak finder's), the landmark network finds a neighbour again and the point is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from inference.geometry import ALL_LABELS
from inference.pipeline.resample import WorkingGrid

Point = Sequence[float] | np.ndarray
_SUPERIOR = ("anterior_superior", "middle_superior", "posterior_superior")
_INFERIOR = ("anterior_inferior", "middle_inferior", "posterior_inferior")


@dataclass(frozen=True)
class SkippedLevelSettings:
    enabled: bool = True
    min_heat: float = 0.5  # the SPEC reporting threshold: a recovered body must look like one
    min_distance_mm: float = 10.0  # the peak finder's own rule: bodies are never closer than this
    search_radius_vox: int = 1  # heat is read as the maximum of this neighbourhood
    max_overlap: float = 0.25  # of the recovered body's height, shared with a neighbour's


@dataclass(frozen=True)
class SkippedLevel:
    before: int  # index of the labelled point it goes in front of
    label: str
    centroid_lps_mm: np.ndarray
    heat: float


def skipped_level_points(
    labels: Sequence[str],
    centroids_lps_mm: np.ndarray,
    heat: np.ndarray,
    grid: WorkingGrid,
    settings: SkippedLevelSettings,
) -> list[SkippedLevel]:
    """Points for the levels skipped between consecutive labelled points (cranial → caudal, labels
    increasing) where the heat map supports a body."""
    if not settings.enabled:
        return []
    found: list[SkippedLevel] = []
    for index in range(1, len(labels)):
        first, last = ALL_LABELS.index(labels[index - 1]), ALL_LABELS.index(labels[index])
        upper, lower = np.asarray(centroids_lps_mm[index - 1]), np.asarray(centroids_lps_mm[index])
        for k in range(1, last - first):
            centre = upper + (lower - upper) * (k / (last - first))
            if min(np.linalg.norm(centre - upper), np.linalg.norm(centre - lower)) < settings.min_distance_mm:
                continue
            value = _heat_near(centre, heat, grid, settings.search_radius_vox)
            if value is not None and value >= settings.min_heat:
                found.append(SkippedLevel(index, ALL_LABELS[first + k], centre, value))
    return found


def _heat_near(centre: np.ndarray, heat: np.ndarray, grid: WorkingGrid, radius: int) -> float | None:
    index = np.round(grid.lps_to_index(centre)).astype(int)
    low = np.maximum(index - radius, 0)
    high = np.minimum(index + radius + 1, heat.shape)
    if np.any(high <= low):
        return None  # outside the scanned volume
    return float(heat[low[0] : high[0], low[1] : high[1], low[2] : high[2]].max())


def body_interval(landmarks: Mapping[str, Point], axis: np.ndarray) -> tuple[float, float]:
    """(inferior, superior) endplate positions along ``axis`` (unit, pointing cranially)."""
    superior = float(np.mean([np.dot(landmarks[n], axis) for n in _SUPERIOR]))
    inferior = float(np.mean([np.dot(landmarks[n], axis) for n in _INFERIOR]))
    return min(inferior, superior), max(inferior, superior)


def overlaps_neighbour(
    recovered: Mapping[str, Point],
    neighbours: Sequence[Mapping[str, Point]],
    axis: np.ndarray,
    settings: SkippedLevelSettings,
) -> bool:
    """Whether the recovered body shares more than ``max_overlap`` of its height with a neighbour
    (both measured along the local spine ``axis`` from their landmarks)."""
    low, high = body_interval(recovered, axis)
    height = high - low
    if height <= 0:
        return True
    for landmarks in neighbours:
        other_low, other_high = body_interval(landmarks, axis)
        shared = min(high, other_high) - max(low, other_low)
        if shared > settings.max_overlap * height:
            return True
    return False


def verified_indices(
    recovered: Sequence[bool],
    landmarks: Sequence[Mapping[str, Point]],
    axes: Sequence[np.ndarray],
    settings: SkippedLevelSettings,
) -> list[int]:
    """Indices of a column (cranial → caudal) to keep: every detected body, and each recovered one
    whose landmarks (``axes``: its local spine axis) do not overlap its neighbours'."""
    kept = []
    for index, is_recovered in enumerate(recovered):
        if is_recovered:
            neighbours = [landmarks[j] for j in (index - 1, index + 1) if 0 <= j < len(recovered)]
            if overlaps_neighbour(landmarks[index], neighbours, axes[index], settings):
                continue
        kept.append(index)
    return kept
