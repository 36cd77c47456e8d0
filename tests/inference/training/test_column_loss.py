"""The column-shift loss: low when the true column outscores its shifts, high when a shifted reading
wins, impossible shifts (beyond C7 or S1) left out, and it trains a model."""

from __future__ import annotations

import numpy as np
import torch

from inference.training.column_loss import ColumnShiftLoss

LEVELS = 6


def log_probs_reading(levels: list[int], confidence: float = 0.9) -> torch.Tensor:
    probs = torch.full((len(levels), LEVELS), (1.0 - confidence) / (LEVELS - 1))
    for row, level in enumerate(levels):
        probs[row, level] = confidence
    return probs.log()


def test_a_column_read_right_costs_little() -> None:
    loss = ColumnShiftLoss([np.array([1, 2, 3])], LEVELS)
    assert float(loss(log_probs_reading([1, 2, 3]))) < 0.01


def test_a_column_read_one_level_off_costs_much() -> None:
    loss = ColumnShiftLoss([np.array([1, 2, 3])], LEVELS)
    assert float(loss(log_probs_reading([2, 3, 4]))) > 5.0


def test_shifts_past_the_ends_of_the_column_are_not_alternatives() -> None:
    # Truth 0..5 fills every level: no shift is possible, so nothing competes with the truth.
    loss = ColumnShiftLoss([np.arange(LEVELS)], LEVELS)
    assert float(loss(log_probs_reading([1, 2, 3, 4, 5, 0], confidence=0.5))) == 0.0


def test_columns_are_scored_separately_and_averaged() -> None:
    first, second = log_probs_reading([1, 2]), log_probs_reading([4, 5])  # the second read one off
    together = ColumnShiftLoss([np.array([1, 2]), np.array([3, 4])], LEVELS)(torch.cat([first, second]))
    alone = [
        ColumnShiftLoss([np.array([1, 2])], LEVELS)(first),
        ColumnShiftLoss([np.array([3, 4])], LEVELS)(second),
    ]
    assert float(alone[1]) > 1.0 > float(alone[0])
    assert torch.isclose(together, (alone[0] + alone[1]) / 2)


def test_it_trains_a_model_out_of_a_shifted_reading() -> None:
    torch.manual_seed(0)
    logits = log_probs_reading([2, 3, 4]).clone().requires_grad_(True)
    loss = ColumnShiftLoss([np.array([1, 2, 3])], LEVELS)
    optimiser = torch.optim.Adam([logits], lr=0.1)
    for _ in range(100):
        value = loss(torch.log_softmax(logits, dim=1))
        optimiser.zero_grad()
        value.backward()
        optimiser.step()
    assert list(logits.argmax(dim=1)) == [1, 2, 3]
