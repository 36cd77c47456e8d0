"""Agreement statistics: proportions, linear-weighted kappa, Bland–Altman limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Proportion:
    successes: int
    total: int

    @property
    def value(self) -> float | None:
        return self.successes / self.total if self.total else None

    def __str__(self) -> str:
        if not self.total:
            return "n/a (0/0)"
        return f"{100.0 * self.successes / self.total:.1f} % ({self.successes}/{self.total})"


def linear_weighted_kappa(
    truth: Sequence[int], predicted: Sequence[int], categories: int = 4
) -> float | None:
    """Cohen's kappa with linear weights over ordinal grades 0..categories-1."""
    if len(truth) != len(predicted):
        raise ValueError("truth and predicted differ in length")
    if not truth:
        return None
    observed = np.zeros((categories, categories))
    for t, p in zip(truth, predicted, strict=True):
        observed[t, p] += 1
    observed /= observed.sum()
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    index = np.arange(categories)
    weights = np.abs(index[:, None] - index[None, :]) / (categories - 1)
    denominator = float((weights * expected).sum())
    if denominator == 0.0:
        return 1.0 if float((weights * observed).sum()) == 0.0 else 0.0
    return 1.0 - float((weights * observed).sum()) / denominator


@dataclass(frozen=True)
class Agreement:
    """Bland–Altman: mean difference (predicted − truth) and its 95 % limits of agreement."""

    n: int
    bias: float
    lower: float
    upper: float


def bland_altman(truth: Sequence[float], predicted: Sequence[float]) -> Agreement | None:
    if len(truth) < 2:
        return None
    differences = np.asarray(predicted, dtype=float) - np.asarray(truth, dtype=float)
    bias = float(differences.mean())
    spread = 1.96 * float(differences.std(ddof=1))
    return Agreement(n=len(differences), bias=bias, lower=bias - spread, upper=bias + spread)


def mean_absolute_error(truth: Sequence[float], predicted: Sequence[float]) -> float | None:
    if not truth:
        return None
    return float(np.mean(np.abs(np.asarray(predicted, dtype=float) - np.asarray(truth, dtype=float))))
