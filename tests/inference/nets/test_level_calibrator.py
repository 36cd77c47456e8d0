"""The level calibrator: neighbour features line up, fitting is deterministic and learns a mapping."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
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
    columns = []
    for start in starts:
        truth = list(range(int(start), int(start) + 6))
        columns.append(
            (level_features(one_hot_probs([t + 1 for t in truth]), np.full(6, 0.9)), np.array(truth))
        )
    settings = CalibratorSettings(steps=300)
    config = CalibratorConfig()
    first, second = fit(columns, settings, 1, config), fit(columns, settings, 1, config)
    assert torch.equal(first.linear.weight, second.linear.weight)
    test = level_features(one_hot_probs([6, 7, 8]), np.full(3, 0.9))
    assert list(first.log_probs(one_hot_probs([6, 7, 8]), np.full(3, 0.9)).argmax(axis=1)) == [5, 6, 7]
    assert test.shape[1] == first.config.n_features
    path = save_checkpoint(
        tmp_path / "levels.pt", first, version="levels-test", config=first.config.to_dict()
    )
    loaded, version = load_checkpoint(path, build_calibrator, "cpu")
    assert version == "levels-test" and torch.equal(loaded.linear.weight, first.linear.weight)


def test_rib_profiles_place_the_last_rib_bearing_vertebra() -> None:
    # A detector that cannot tell the levels apart at all: only the rib profiles (bone beside the
    # thoracic bodies, none beside the lumbar ones) say where T12 is.
    flat = np.full((6, N_LEVELS + 1), 1.0 / (N_LEVELS + 1))
    t12 = ALL_LABELS.index("T12")
    columns = []
    for start in range(t12 - 5, t12 + 1):
        truth = list(range(start, start + 6))
        ribs = np.array([[0.0 if level <= t12 else -6.0] * 4 for level in truth])
        columns.append((level_features(flat, np.full(6, 0.9), ribs), np.array(truth)))
    config = CalibratorConfig(rib_rings=4)
    model = fit(columns, CalibratorSettings(steps=400), 0, config)
    ribs = np.array([[0.0] * 4] * 3 + [[-6.0] * 4] * 3)
    predicted = model.log_probs(flat, np.full(6, 0.9), ribs).argmax(axis=1)
    assert predicted[2] == t12 and predicted[3] == t12 + 1


def test_rib_features_are_relative_to_the_column() -> None:
    # Denser or thinner ribs in another patient shift every profile alike; the features do not move.
    probs = one_hot_probs([10, 11, 12])
    ribs = np.array([[-3.0, -4.0], [-3.5, -6.0], [-3.2, -6.5]])
    assert np.array_equal(
        level_features(probs, np.full(3, 0.9), ribs), level_features(probs, np.full(3, 0.9), ribs - 1.5)
    )


def test_a_calibrator_with_rib_rings_refuses_to_run_without_profiles() -> None:
    model = build_calibrator(CalibratorConfig(rib_rings=4).to_dict())
    probs = one_hot_probs([3, 4])
    assert model.log_probs(probs, np.full(2, 0.9), np.zeros((2, 4))).shape == (2, N_LEVELS)
    with pytest.raises(ValueError, match="rib profiles"):
        model.log_probs(probs, np.full(2, 0.9))


def test_examples_come_from_detector_peaks_matched_to_truth(tmp_path: Path) -> None:
    detector = VertebraDetector(DetectorConfig(base_channels=2, depth=2))
    path = save_checkpoint(tmp_path / "detector.pt", detector, version="d", config=detector.config.to_dict())
    locator = VertebraLocator(path, "cpu")
    sample = DetectorData(3, cache_dir=None).sample(0)
    features, labels = examples(locator, sample, 4.0)
    assert features.shape[0] == labels.shape[0]
    assert features.shape[1] == CalibratorConfig(rib_rings=4).n_features
    assert set(labels.tolist()) <= set(range(len(ALL_LABELS)))
