from __future__ import annotations

import pytest

from inference.benchmark.metrics import Proportion, bland_altman, linear_weighted_kappa, mean_absolute_error


def test_kappa_is_one_for_perfect_agreement_and_zero_for_chance() -> None:
    assert linear_weighted_kappa([0, 1, 2, 3], [0, 1, 2, 3]) == pytest.approx(1.0)
    # Every prediction constant: agreement no better than chance.
    assert linear_weighted_kappa([0, 1, 2, 3], [1, 1, 1, 1]) == pytest.approx(0.0)


def test_kappa_known_value() -> None:
    # 2x2 table [[20, 5], [10, 15]]; with two categories linear weights equal unweighted kappa = 0.4.
    truth = [0] * 25 + [1] * 25
    predicted = [0] * 20 + [1] * 5 + [0] * 10 + [1] * 15
    assert linear_weighted_kappa(truth, predicted, categories=2) == pytest.approx(0.4)


def test_kappa_penalises_far_disagreement_more() -> None:
    near = linear_weighted_kappa([0, 1, 2, 3, 3], [0, 1, 2, 2, 3])
    far = linear_weighted_kappa([0, 1, 2, 3, 3], [0, 1, 2, 0, 3])
    assert near is not None and far is not None and near > far


def test_bland_altman_limits() -> None:
    agreement = bland_altman([10.0, 20.0, 30.0, 40.0], [11.0, 19.0, 31.0, 39.0])
    assert agreement is not None
    assert agreement.bias == pytest.approx(0.0)
    assert agreement.upper == pytest.approx(1.96 * 1.1547, rel=1e-3)
    assert bland_altman([1.0], [2.0]) is None


def test_proportion_and_mae() -> None:
    assert str(Proportion(436, 501)) == "87.0 % (436/501)"
    assert Proportion(0, 0).value is None
    assert mean_absolute_error([100.0, 120.0], [104.0, 114.0]) == pytest.approx(5.0)
