"""Clopper–Pearson against closed forms and published values; MedCalc-style printing."""

from __future__ import annotations

import pytest

from studies.statistics.intervals import clopper_pearson, format_proportion, proportion


def test_paper_counts_print_as_medcalc() -> None:
    assert format_proportion(436, 501) == "87.0 % (95 % CI 83.8–89.8 %)"


@pytest.mark.parametrize(
    ("k", "n", "text"),
    [
        (5, 10, "50.0 % (95 % CI 18.7–81.3 %)"),
        (1, 20, "5.0 % (95 % CI 0.1–24.9 %)"),
        (19, 20, "95.0 % (95 % CI 75.1–99.9 %)"),
    ],
)
def test_textbook_values(k: int, n: int, text: str) -> None:
    assert format_proportion(k, n) == text


def test_zero_of_n_has_closed_form_upper_bound() -> None:
    # k = 0: lower 0, upper 1 − (α/2)^(1/n); n = 10 → 1 − 0.025^0.1 = 0.30850
    assert clopper_pearson(0, 10) == (0.0, pytest.approx(1 - 0.025**0.1))
    assert format_proportion(0, 10) == "0.0 % (95 % CI 0.0–30.8 %)"


def test_n_of_n_has_closed_form_lower_bound() -> None:
    # k = n: lower (α/2)^(1/n), upper 1; n = 10 → 0.025^0.1 = 0.69150
    assert clopper_pearson(10, 10) == (pytest.approx(0.025**0.1), 1.0)
    assert format_proportion(10, 10) == "100.0 % (95 % CI 69.2–100.0 %)"


def test_nothing_to_divide_by_prints_a_dash() -> None:
    assert format_proportion(0, 0) == "–"
    empty = proportion(0, 0)
    assert (empty.estimate, empty.lower, empty.upper, empty.text) == (None, None, None, "–")


@pytest.mark.parametrize("n", [1, 2, 7, 30, 501])
def test_symmetry(n: int) -> None:
    # The interval of k/n mirrors that of (n−k)/n: lower(k) = 1 − upper(n−k).
    for k in range(n + 1):
        lower, upper = clopper_pearson(k, n)
        mirror_lower, mirror_upper = clopper_pearson(n - k, n)
        assert lower == pytest.approx(1 - mirror_upper, abs=1e-12)
        assert upper == pytest.approx(1 - mirror_lower, abs=1e-12)
        assert 0.0 <= lower <= k / n <= upper <= 1.0


@pytest.mark.parametrize(("k", "n"), [(-1, 5), (6, 5), (0, 0)])
def test_refuses_impossible_counts(k: int, n: int) -> None:
    with pytest.raises(ValueError):
        clopper_pearson(k, n)


def test_proportion_carries_counts_and_text() -> None:
    p = proportion(436, 501)
    assert (p.k, p.n) == (436, 501)
    assert p.estimate == pytest.approx(0.870259, abs=1e-6)
    assert p.text == "87.0 % (95 % CI 83.8–89.8 %)"
    assert p.as_dict()["text"] == p.text
