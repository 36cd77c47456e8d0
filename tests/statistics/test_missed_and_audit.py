"""Missed fractures and the audit estimates (Begg–Greenes type, see studies/statistics/accuracy.py)."""

from __future__ import annotations

import pytest

from studies.statistics.accuracy import audit_estimates, missed_fractures
from studies.statistics.intervals import clopper_pearson
from tests.statistics.conftest import ALL


def test_missed_fractures(cohort) -> None:
    # A2 L3 (flagged case, g1) and A7 L4 (audited negative, g3); A5 is a repeat and drops out.
    assert missed_fractures(ALL) == {
        "total": 2,
        "in_flagged_cases": 1,
        "in_audited_cases": 1,
        "grade_1_2": 1,
        "grade_3": 1,
    }


def test_audit_estimates(cohort) -> None:
    audit = audit_estimates(ALL)
    # TP = 2 (A1, A2), FP = 1 (A3); negatives N = 3 (A6, A7, A8); audit a = 2 (A6 tn, A7 fn), fn = 1.
    assert (audit.true_positive, audit.false_positive, audit.negatives) == (2, 1, 3)
    assert (audit.audited, audit.false_negative_cases) == (2, 1)
    # NPV = tn / a = 1 / 2.
    assert (audit.npv.k, audit.npv.n) == (1, 2)
    # p = 1/2: FN* = 3 · 0.5 = 1.5, TN* = 1.5.
    # sensitivity = 2 / (2 + 1.5) = 0.5714; specificity = 1.5 / (1.5 + 1) = 0.6.
    low, high = clopper_pearson(1, 2)  # 0.0126, 0.9874
    assert audit.sensitivity is not None and audit.specificity is not None
    assert audit.sensitivity.estimate == pytest.approx(2 / 3.5)
    assert audit.sensitivity.lower == pytest.approx(2 / (2 + 3 * high))
    assert audit.sensitivity.upper == pytest.approx(2 / (2 + 3 * low))
    assert audit.specificity.estimate == pytest.approx(0.6)
    assert audit.specificity.lower == pytest.approx(3 * (1 - high) / (3 * (1 - high) + 1))
    assert audit.specificity.upper == pytest.approx(3 * (1 - low) / (3 * (1 - low) + 1))
    assert audit.sensitivity.text.startswith("57.1 % (95 % CI ")


def test_without_audit_no_sensitivity(db) -> None:
    audit = audit_estimates(ALL)
    assert audit.sensitivity is None and audit.specificity is None
    assert audit.npv.text == "–"
