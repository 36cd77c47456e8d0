import numpy as np

from inference.geometry import ALL_LABELS
from inference.pipeline.labelling import class_log_probs, decode_labels

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
