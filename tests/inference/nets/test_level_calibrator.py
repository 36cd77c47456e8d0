"""The level calibrator: neighbour features line up, fitting is deterministic and learns a mapping."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from inference.geometry import ALL_LABELS
from inference.nets.checkpoint import load_checkpoint, save_checkpoint
from inference.nets.detector import DetectorConfig, VertebraDetector
from inference.nets.level_calibrator import (
    N_LEVELS,
    CalibratorConfig,
    build_calibrator,
    level_features,
)
from inference.pipeline.localise import VertebraLocator
from inference.training.detector_data import DetectorData
from inference.training.train_calibrator import CalibratorSettings, examples, fit


def one_hot_probs(levels: list[int]) -> np.ndarray:
    probs = np.full((len(levels), N_LEVELS + 1), 1e-3)
    for row, level in enumerate(levels):
        probs[row, 1 + level] = 1.0
    return probs / probs.sum(axis=1, keepdims=True)


def test_features_carry_the_neighbours_in_order() -> None:
    features = level_features(one_hot_probs([3, 4, 5]), np.array([0.9, 0.8, 0.7]))
    assert features.shape == (3, CalibratorConfig().n_features)
    own, above, below = (features[:, i * N_LEVELS : (i + 1) * N_LEVELS] for i in range(3))
    assert list(own.argmax(axis=1)) == [3, 4, 5]
    assert list(above[1:].argmax(axis=1)) == [3, 4] and not above[0].any()
    assert list(below[:2].argmax(axis=1)) == [4, 5] and not below[2].any()
    first, last, heat = features[:, -4], features[:, -3], features[:, -2]
    assert list(first) == [1, 0, 0] and list(last) == [0, 0, 1] and np.allclose(heat, [0.9, 0.8, 0.7])


def test_fit_learns_a_shifted_reading_and_is_deterministic(tmp_path: Path) -> None:
    # A detector that always reads one level too high: the calibrator must learn to shift it back.
    rng = np.random.default_rng(0)
    starts = rng.integers(1, 10, size=60)
    rows, labels = [], []
    for start in starts:
        truth = list(range(int(start), int(start) + 6))
        rows.append(level_features(one_hot_probs([t + 1 for t in truth]), np.full(6, 0.9)))
        labels.extend(truth)
    x, y = np.concatenate(rows), np.array(labels)
    settings = CalibratorSettings(steps=300)
    first, second = fit(x, y, settings, seed=1), fit(x, y, settings, seed=1)
    assert torch.equal(first.linear.weight, second.linear.weight)
    test = level_features(one_hot_probs([6, 7, 8]), np.full(3, 0.9))
    assert list(first.log_probs(one_hot_probs([6, 7, 8]), np.full(3, 0.9)).argmax(axis=1)) == [5, 6, 7]
    assert test.shape[1] == first.config.n_features
    path = save_checkpoint(
        tmp_path / "levels.pt", first, version="levels-test", config=first.config.to_dict()
    )
    loaded, version = load_checkpoint(path, build_calibrator, "cpu")
    assert version == "levels-test" and torch.equal(loaded.linear.weight, first.linear.weight)


def test_examples_come_from_detector_peaks_matched_to_truth(tmp_path: Path) -> None:
    detector = VertebraDetector(DetectorConfig(base_channels=2, depth=2))
    path = save_checkpoint(tmp_path / "detector.pt", detector, version="d", config=detector.config.to_dict())
    locator = VertebraLocator(path, "cpu")
    sample = DetectorData(3, cache_dir=None).sample(0)
    features, labels = examples(locator, sample, 4.0)
    assert features.shape[0] == labels.shape[0]
    assert set(labels.tolist()) <= set(range(len(ALL_LABELS)))
