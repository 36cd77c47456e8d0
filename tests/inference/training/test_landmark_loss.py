"""The landmark loss: its optional height term scores Ha, Hm, Hp and ignores a shift of both ends."""

from __future__ import annotations

import pytest
import torch

from inference.training.train_landmarks import landmark_loss

SIZE = 32


def peaked_logits(coords: torch.Tensor) -> torch.Tensor:
    """Logits whose soft-argmax is (almost exactly) ``coords`` (integer pixel positions)."""
    logits = torch.full((1, coords.shape[0], SIZE, SIZE), -50.0)
    for k, (row, col) in enumerate(coords.long().tolist()):
        logits[0, k, row, col] = 50.0
    return logits


def truth() -> torch.Tensor:
    # superior/inferior pairs of the anterior, middle and posterior heights (rows grow inferiorly)
    return torch.tensor([[8.0, 10.0], [24.0, 10.0], [9.0, 16.0], [23.0, 16.0], [8.0, 22.0], [24.0, 22.0]])


def loss(predicted: torch.Tensor, height_weight: float) -> float:
    total, _ = landmark_loss(
        peaked_logits(predicted),
        truth()[None],
        torch.tensor([0.8]),
        sigma_px=1.5,
        coord_weight=0.5,
        height_weight=height_weight,
    )
    return float(total)


def test_height_term_is_zero_at_the_truth() -> None:
    assert abs(loss(truth(), 1.0) - loss(truth(), 0.0)) < 1e-4


def test_height_term_penalises_a_shorter_body_but_not_a_shifted_one() -> None:
    shorter = truth().clone()
    shorter[2, 0] += 2.0  # middle_superior 2 px lower: Hm 1.6 mm too short
    shifted = truth().clone()
    shifted[2:4, 0] += 2.0  # both middle points 2 px lower: Hm unchanged
    # smooth-L1 (beta 1 mm) of a 1.6 mm error in one of three heights: (1.6 - 0.5) / 3
    assert loss(shorter, 1.0) - loss(shorter, 0.0) == pytest.approx(1.1 / 3, abs=0.01)
    assert abs(loss(shifted, 1.0) - loss(shifted, 0.0)) < 1e-4
