"""Consistent vertebra labels for detected centroids.

Each candidate (ordered cranial to caudal) carries level probabilities from the detector. Labels
along the column must increase by one from one vertebra to the next, except where a vertebra was
missed, which the distance between the two centroids shows (about twice the local spacing). The
decoder finds, by dynamic programming, the assignment that maximises the summed log-probabilities
plus a spacing term, and may drop a candidate as a false positive at a cost that grows with its
detection confidence. It works on any part of the column (partial fields of view).

Not every body's level evidence is worth the same. T1-T2 (the first ribs, the neck above), T12-L1
(the last rib) and L4-S1 (the pelvis) carry anatomy of their own; a body in the middle of the chest
looks like its neighbours, so its calibrated level is right only about half the time, and its errors
are shared with the bodies around it. Summed at full weight, eight such bodies outvote the anchors at
either end and shift the whole column. So a candidate whose most likely level lies in
``weak_levels`` counts with ``weak_weight`` when the decoder decides where the whole column sits: the
anchors place it, and the middle only fills it in. Whether a level is skipped between two bodies is
still decided with every body at full weight (``decode_labels``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.geometry import ALL_LABELS


@dataclass(frozen=True)
class LabelDecoderSettings:
    spacing_weight: float = 8.0  # penalty per squared step mismatch between labels and distance
    missed_cost: float = 1.0  # prior cost of each vertebra missed between two candidates
    max_step: int = 3  # largest label step between consecutive kept candidates
    drop_cost: float = 8.0  # cost of dropping a candidate with confidence 1 (scaled by confidence)
    window: int = 3  # neighbours on each side for the local vertebral spacing
    floor_log_prob: float = -20.0
    weak_levels: tuple[str, ...] = ("T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11")
    weak_weight: float = 0.2  # 1.0 counts every body alike


def weigh_level_evidence(log_probs: np.ndarray, settings: LabelDecoderSettings) -> np.ndarray:
    """``log_probs`` with the rows whose most likely level is one of ``settings.weak_levels`` scaled
    by ``settings.weak_weight``."""
    weighted = np.array(log_probs, dtype=np.float64, copy=True)
    if weighted.size == 0 or settings.weak_weight == 1.0:
        return weighted
    weak = np.array([ALL_LABELS.index(label) for label in settings.weak_levels], dtype=np.int64)
    rows = np.isin(np.argmax(weighted, axis=1), weak)
    weighted[rows] *= settings.weak_weight
    return weighted


def local_spacing(centroids_mm: np.ndarray, window: int) -> np.ndarray:
    """For each gap between consecutive candidates, the median consecutive distance around it."""
    gaps = np.linalg.norm(np.diff(centroids_mm, axis=0), axis=1)
    out = np.empty_like(gaps)
    for index in range(len(gaps)):
        around = gaps[max(0, index - window) : index + window + 1]
        out[index] = float(np.median(around))
    return out


def decode_labels(
    log_probs: np.ndarray,
    centroids_mm: np.ndarray,
    confidences: np.ndarray,
    settings: LabelDecoderSettings | None = None,
    foreground: np.ndarray | None = None,
) -> list[int | None]:
    """Level index (into ALL_LABELS) for each candidate, or None for a candidate dropped as a false
    positive. ``log_probs`` is (n, len(ALL_LABELS)); rows ordered cranial to caudal. ``foreground``
    (0-1, optional) is how much the neighbourhood looks like vertebral body at all: a candidate in
    what the segmentation calls background is cheap to drop.

    Two readings are decoded: one with every body's evidence at full weight, one with the weak
    (mid-thoracic) evidence scaled down. Where they differ only by a shift of the whole column, the
    weighted one wins: the anchors decide where the column sits. Where they differ in which
    candidates are dropped or where a level is skipped, the full-weight one wins: that is a local
    question, and the middle of the column is the only evidence about it."""
    settings = settings or LabelDecoderSettings()
    if len(log_probs) == 0:
        return []
    decoder = _ColumnDecoder(centroids_mm, confidences, settings, foreground)
    full = decoder.decode(np.maximum(np.asarray(log_probs, dtype=np.float64), settings.floor_log_prob))
    if settings.weak_weight == 1.0:
        return full
    weighted = decoder.decode(np.maximum(weigh_level_evidence(log_probs, settings), settings.floor_log_prob))
    return weighted if column_shift(full, weighted) is not None else full


def column_shift(first: list[int | None], second: list[int | None]) -> int | None:
    """The constant level offset that turns ``first`` into ``second`` (0 when equal), or None when
    they keep different candidates or skip different levels."""
    if [label is None for label in first] != [label is None for label in second]:
        return None
    offsets = {b - a for a, b in zip(first, second, strict=True) if a is not None and b is not None}
    if not offsets:
        return 0  # nothing kept in either reading
    return offsets.pop() if len(offsets) == 1 else None


class _ColumnDecoder:
    """The dynamic programme over one column; the geometry is shared between decodings."""

    def __init__(
        self,
        centroids_mm: np.ndarray,
        confidences: np.ndarray,
        settings: LabelDecoderSettings,
        foreground: np.ndarray | None,
    ) -> None:
        self.settings = settings
        self.centroids = np.asarray(centroids_mm, dtype=np.float64)
        drop = settings.drop_cost * np.clip(np.asarray(confidences, dtype=np.float64), 0.0, 1.0)
        if foreground is not None:
            drop = drop * np.clip(np.asarray(foreground, dtype=np.float64), 0.0, 1.0)
        self.dropped_before = np.concatenate([[0.0], np.cumsum(drop)])  # cost of dropping [0, i)
        n = len(self.centroids)
        self.typical = local_spacing(self.centroids, settings.window) if n > 1 else np.zeros(0)
        n_labels = len(ALL_LABELS)
        self.steps = np.arange(n_labels)[None, :] - np.arange(n_labels)[:, None]  # [previous, next]
        allowed = (self.steps >= 1) & (self.steps <= settings.max_step)
        self.step_prior = np.where(allowed, -settings.missed_cost * (self.steps - 1), -np.inf)

    def decode(self, unary: np.ndarray) -> list[int | None]:
        settings, centroids, dropped_before = self.settings, self.centroids, self.dropped_before
        n, n_labels = unary.shape
        # best[i, l]: best score with candidate i kept as label l, every later candidate undecided
        best = np.full((n, n_labels), -np.inf)
        back: list[list[tuple[int, int] | None]] = [[None] * n_labels for _ in range(n)]
        for i in range(n):
            best[i] = unary[i] - dropped_before[i]
            for j in range(i):
                expected = _expected_step(centroids, self.typical, j, i)
                transition = self.step_prior - settings.spacing_weight * (self.steps - expected) ** 2
                between = dropped_before[i] - dropped_before[j + 1]
                scores = best[j][:, None] + transition - between + unary[i][None, :]
                previous = np.argmax(scores, axis=0)
                candidate_best = scores[previous, np.arange(n_labels)]
                better = candidate_best > best[i]
                best[i] = np.where(better, candidate_best, best[i])
                for better_label in np.flatnonzero(better):
                    back[i][int(better_label)] = (j, int(previous[better_label]))
        final = best - (dropped_before[n] - dropped_before[1:][:, None])
        last, last_label = np.unravel_index(int(np.argmax(final)), final.shape)
        result: list[int | None] = [None] * n
        state: tuple[int, int] | None = (int(last), int(last_label))
        while state is not None:
            result[state[0]] = state[1]
            state = back[state[0]][state[1]]
        return result


def _expected_step(centroids: np.ndarray, typical: np.ndarray, j: int, i: int) -> float:
    """How many vertebral levels separate candidates j < i, judged from their distance."""
    distance = float(np.linalg.norm(centroids[i] - centroids[j]))
    spacing = float(np.median(typical[j:i])) if i > j else 0.0
    return distance / spacing if spacing > 0 else 1.0


def class_log_probs(probs: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Log-probabilities over the vertebral levels from (n, 1 + levels) class probabilities (class 0
    background), renormalised over the levels."""
    levels = np.asarray(probs, dtype=np.float64)[:, 1:] + eps
    return np.log(levels / levels.sum(axis=1, keepdims=True))
