"""Exact (Clopper–Pearson) binomial intervals and MedCalc-style printing of proportions."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from scipy.stats import beta

DASH = "–"


def clopper_pearson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact two-sided interval for k successes of n: the beta quantiles, 0 / 1 at the edges."""
    if n <= 0:
        raise ValueError("an interval needs n ≥ 1")
    if not 0 <= k <= n:
        raise ValueError(f"k must lie in 0..n, got {k} of {n}")
    alpha = 1.0 - confidence
    lower = 0.0 if k == 0 else float(beta.ppf(alpha / 2, k, n - k + 1))
    upper = 1.0 if k == n else float(beta.ppf(1 - alpha / 2, k + 1, n - k))
    return lower, upper


def format_percent(value: float) -> str:
    """One decimal, as MedCalc prints (87.0, not 87)."""
    return f"{100 * value:.1f}"


def format_proportion(k: int, n: int) -> str:
    """ "87.0 % (95 % CI 83.8–89.8 %)" for 436 of 501; "–" when there is nothing to divide by."""
    if n == 0:
        return DASH
    lower, upper = clopper_pearson(k, n)
    return f"{format_percent(k / n)} % (95 % CI {format_percent(lower)}–{format_percent(upper)} %)"


@dataclass(frozen=True)
class Proportion:
    """k of n with its exact 95 % interval; estimate and bounds are None when n is 0."""

    k: int
    n: int
    estimate: float | None
    lower: float | None
    upper: float | None
    text: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def proportion(k: int | None, n: int | None) -> Proportion:
    k, n = k or 0, n or 0
    if n == 0:
        return Proportion(k=k, n=0, estimate=None, lower=None, upper=None, text=DASH)
    lower, upper = clopper_pearson(k, n)
    return Proportion(k=k, n=n, estimate=k / n, lower=lower, upper=upper, text=format_proportion(k, n))
