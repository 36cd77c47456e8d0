import numpy as np

from inference.geometry import ALL_LABELS
from inference.pipeline.labelling import (
    LabelDecoderSettings,
    class_log_probs,
    column_shift,
    decode_labels,
    weigh_level_evidence,
)

N = len(ALL_LABELS)


def _column(first: int, count: int, spacing: float = 25.0) -> np.ndarray:
    return np.array([[0.0, 0.0, -spacing * k] for k in range(count)])


def _table(true_levels: list[int], sharpness: float = 0.6, seed: int = 0) -> np.ndarray:
    """Probabilities peaked at the true level with a soft spread to neighbours, plus noise."""
    rng = np.random.default_rng(seed)
    probs = np.full((len(true_levels), N + 1), 1e-3)
    for row, level in enumerate(true_levels):
        for offset in (-1, 0, 1):
            if 0 <= level + offset < N:
                probs[row, level + 1 + offset] += sharpness if offset == 0 else (1 - sharpness) / 2
    probs += rng.uniform(0, 0.05, probs.shape)
    return probs / probs.sum(axis=1, keepdims=True)


def test_full_column() -> None:
    levels = list(range(N))
    labels = decode_labels(class_log_probs(_table(levels)), _column(0, N), np.ones(N))
    assert labels == levels


def test_partial_field_of_view_lumbar_only() -> None:
    levels = list(range(ALL_LABELS.index("L1"), ALL_LABELS.index("S1") + 1))
    labels = decode_labels(
        class_log_probs(_table(levels)), _column(0, len(levels), 35.0), np.ones(len(levels))
    )
    assert [ALL_LABELS[x] for x in labels if x is not None] == ["L1", "L2", "L3", "L4", "L5", "S1"]


def test_one_noisy_candidate_follows_its_neighbours() -> None:
    levels = list(range(ALL_LABELS.index("T4"), ALL_LABELS.index("T11") + 1))
    probs = _table(levels)
    probs[3] = 1e-3
    probs[3, ALL_LABELS.index("L3") + 1] = 1.0  # confidently wrong
    probs /= probs.sum(axis=1, keepdims=True)
    labels = decode_labels(class_log_probs(probs), _column(0, len(levels)), np.ones(len(levels)))
    assert labels == levels


def test_missing_vertebra_leaves_a_gap() -> None:
    levels = list(range(ALL_LABELS.index("T6"), ALL_LABELS.index("L2") + 1))
    kept = [x for x in levels if x != ALL_LABELS.index("T10")]
    all_centroids = _column(0, len(levels))
    centroids = np.array([c for c, x in zip(all_centroids, levels, strict=True) if x in kept])
    # ambiguous class evidence: the spacing must decide where the gap is
    probs = _table(kept, sharpness=0.4)
    labels = decode_labels(class_log_probs(probs), centroids, np.ones(len(kept)))
    assert labels == kept


def test_shifted_evidence_is_corrected_by_consensus() -> None:
    levels = list(range(ALL_LABELS.index("T8"), ALL_LABELS.index("L3") + 1))
    probs = _table(levels)
    probs[0] = _table([levels[0] + 1])[0]  # the top vertebra alone looks one level lower
    labels = decode_labels(class_log_probs(probs), _column(0, len(levels)), np.ones(len(levels)))
    assert labels == levels


def test_low_confidence_false_positive_is_dropped() -> None:
    levels = list(range(ALL_LABELS.index("T10"), ALL_LABELS.index("L4") + 1))
    centroids = _column(0, len(levels), 30.0)
    extra = (centroids[2] + centroids[3]) / 2
    centroids = np.insert(centroids, 3, extra, axis=0)
    probs = np.insert(_table(levels), 3, _table([levels[3]])[0], axis=0)
    confidences = np.ones(len(centroids))
    confidences[3] = 0.2
    labels = decode_labels(class_log_probs(probs), centroids, confidences)
    assert labels[3] is None
    assert [x for x in labels if x is not None] == levels


def test_empty() -> None:
    assert decode_labels(np.zeros((0, N)), np.zeros((0, 3)), np.zeros(0)) == []


def test_candidate_in_background_is_dropped_even_when_confident() -> None:
    levels = list(range(ALL_LABELS.index("T10"), ALL_LABELS.index("L4") + 1))
    centroids = _column(0, len(levels), 30.0)
    centroids = np.insert(centroids, 3, (centroids[2] + centroids[3]) / 2, axis=0)
    probs = np.insert(_table(levels), 3, _table([levels[3]])[0], axis=0)
    foreground = np.ones(len(centroids))
    foreground[3] = 0.05
    labels = decode_labels(class_log_probs(probs), centroids, np.ones(len(centroids)), foreground=foreground)
    assert labels[3] is None
    assert [x for x in labels if x is not None] == levels


def _shifted_middle_column() -> tuple[list[int], np.ndarray]:
    """A T1-L1 scan: the bodies at either end read their true levels; every body from T4 to T11
    reads one level too cranial (the error mid-thoracic bodies share)."""
    levels = list(range(ALL_LABELS.index("T1"), ALL_LABELS.index("L1") + 1))
    probs = np.full((len(levels), N + 1), 1e-3)
    for row, level in enumerate(levels):
        shared_error = ALL_LABELS.index("T4") <= level <= ALL_LABELS.index("T11")
        first_rib = level == ALL_LABELS.index("T1")
        probs[row, level + 1] += 0.3 if shared_error else 0.5
        probs[row, level] += 0.6 if shared_error else (0.1 if first_rib else 0.3)
    return levels, probs / probs.sum(axis=1, keepdims=True)


def test_mid_thoracic_bodies_cannot_outvote_the_anchors() -> None:
    levels, probs = _shifted_middle_column()
    labels = decode_labels(class_log_probs(probs), _column(0, len(levels), 20.0), np.ones(len(levels)))
    assert labels == levels


def test_counting_every_body_alike_shifts_that_column() -> None:
    levels, probs = _shifted_middle_column()
    alike = LabelDecoderSettings(weak_weight=1.0)
    labels = decode_labels(class_log_probs(probs), _column(0, len(levels), 20.0), np.ones(len(levels)), alike)
    assert labels == [level - 1 for level in levels]


def test_weak_evidence_is_scaled_by_its_most_likely_level() -> None:
    probs = np.full((2, N), 0.01)
    probs[0, ALL_LABELS.index("T6")] = 0.9  # mid-thoracic: weak
    probs[1, ALL_LABELS.index("L5")] = 0.9  # lumbosacral anchor: full weight
    log_probs = np.log(probs)
    weighted = weigh_level_evidence(log_probs, LabelDecoderSettings(weak_weight=0.5))
    np.testing.assert_allclose(weighted[0], 0.5 * log_probs[0])
    np.testing.assert_allclose(weighted[1], log_probs[1])


def test_where_a_level_is_skipped_stays_a_full_weight_decision() -> None:
    # T10 crushed to a sliver and not detected: T9 and T11 sit 1.6 spacings apart. Only the mid-
    # thoracic bodies above say the gap is there; with their evidence weakened, closing the gap by
    # shifting T6-T9 down one level would be cheaper, so that question is left to full weight.
    levels = [ALL_LABELS.index(name) for name in ("T6", "T7", "T8", "T9", "T11", "T12", "L1", "L2")]
    centroids = np.array([[0.0, 0.0, -z] for z in (0, 20, 40, 60, 92, 114, 138, 164)])
    probs = np.full((len(levels), N + 1), 1e-3)
    for row, level in enumerate(levels):
        probs[row, level + 1] += 0.55
        probs[row, level + 2] += 0.3 if level < ALL_LABELS.index("T11") else 0.05
        probs[row, level] += 0.1
    probs /= probs.sum(axis=1, keepdims=True)
    log_probs = class_log_probs(probs)
    weak_only = LabelDecoderSettings(weak_weight=1.0)
    weakened = weigh_level_evidence(log_probs, LabelDecoderSettings())
    closed = decode_labels(weakened, centroids, np.ones(len(levels)), weak_only)
    assert [ALL_LABELS[x] for x in closed if x is not None][:4] == ["T7", "T8", "T9", "T10"]
    assert decode_labels(log_probs, centroids, np.ones(len(levels))) == levels


def test_column_shift() -> None:
    assert column_shift([1, 2, None, 4], [2, 3, None, 5]) == 1
    assert column_shift([1, 2, 3], [1, 2, 3]) == 0
    assert column_shift([None, None], [None, None]) == 0
    assert column_shift([1, 2, 4], [2, 3, 4]) is None  # a level skipped elsewhere
    assert column_shift([1, 2, 3], [1, None, 3]) is None  # another candidate dropped
