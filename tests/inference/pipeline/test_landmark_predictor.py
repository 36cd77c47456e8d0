"""Landmark predictor: checkpoint round trip, LPS mapping and the test-time-augmentation spread."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from inference.geometry import LANDMARK_NAMES
from inference.nets.checkpoint import save_checkpoint
from inference.nets.landmarks import LandmarkNet
from inference.pipeline.landmarks import LandmarkPredictor, TestTimeAugment, sampler_config, spread
from inference.pipeline.sagittal import SagittalSampler, VertebraFrame


class _FixedPeak(LandmarkNet):
    """Always puts every landmark at the same patch pixel."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits = torch.full((x.shape[0], 6, x.shape[2], x.shape[3]), -50.0)
        logits[:, :, 10, 20] = 50.0
        return logits


def _volume() -> tuple[np.ndarray, np.ndarray, list[VertebraFrame]]:
    rng = np.random.default_rng(0)
    volume = rng.normal(0.0, 100.0, (40, 64, 64)).astype(np.float32)
    affine = np.diag([1.5, 1.5, 2.0, 1.0])
    frames = [
        VertebraFrame.build(
            np.array([48.0, 48.0, z]), np.array([0.0, 0.1, 1.0]), np.array([0.0, -1.0, 0.0]), 20.0
        )
        for z in (30.0, 50.0)
    ]
    return volume, affine, frames


def test_round_trip_through_a_checkpoint(tmp_path: Path) -> None:
    torch.manual_seed(0)
    net = LandmarkNet(width=4, depth=1)
    sampler = SagittalSampler(size=(32, 32))
    path = save_checkpoint(
        tmp_path / "lm.pt", net, version="landmarks-test", config={**net.config, **sampler_config(sampler)}
    )
    predictor = LandmarkPredictor(path, "cpu", tta=TestTimeAugment(views=2))
    assert predictor.version == "landmarks-test" and predictor.sampler == sampler
    volume, affine, frames = _volume()
    results = predictor.predict(volume, affine, frames)
    assert len(results) == 2
    for result, frame in zip(results, frames, strict=True):
        assert set(result.landmarks_lps_mm) == set(LANDMARK_NAMES) == set(result.spread_mm)
        points = np.stack([result.landmarks_lps_mm[n] for n in LANDMARK_NAMES])
        assert np.abs(result.patch.out_of_plane_mm(points)).max() < 1e-6
        rows, cols = result.patch.from_lps(points)
        assert rows.min() >= 0 and cols.max() <= 31
        assert result.patch.pixels.shape == (32, 32)
        assert (
            np.linalg.norm(result.patch.frame.centre - frame.centre) <= 0.5 * frame.spacing_mm + 5.0
        )  # in-plane re-centring + lateral symmetry shift


def test_predictions_map_to_lps_and_tta_spread_measures_disagreement() -> None:
    volume, affine, frames = _volume()
    sampler = SagittalSampler(size=(32, 32))
    plain = LandmarkPredictor.from_model(
        _FixedPeak(width=4, depth=1), sampler=sampler, tta=TestTimeAugment(views=0), recentre=False
    )
    result = plain.predict(volume, affine, frames[:1])[0]
    expected = result.patch.to_lps(np.array([10.0]), np.array([20.0]))[0]
    np.testing.assert_allclose(result.landmarks_lps_mm["anterior_superior"], expected, atol=1e-3)
    assert max(result.spread_mm.values()) < 1e-3
    # A net that ignores the image follows the perturbed patches, so the views disagree.
    jittered = LandmarkPredictor.from_model(
        _FixedPeak(width=4, depth=1), sampler=sampler, tta=TestTimeAugment(views=6), recentre=False
    )
    assert min(jittered.predict(volume, affine, frames[:1])[0].spread_mm.values()) > 0.5


def test_spread_is_the_rms_distance_to_the_mean() -> None:
    points = np.zeros((2, 6, 3))
    points[0, :, 0], points[1, :, 0] = 1.0, -1.0
    mean, rms = spread(points)
    np.testing.assert_allclose(mean, 0.0)
    np.testing.assert_allclose(rms, 1.0)
