"""The paper's Table 1 on the hand-built cohort; every mean and SD worked out here."""

from __future__ import annotations

from studies.statistics.cohort import cohort_table
from tests.statistics.conftest import ALL


def test_flagged_column(cohort) -> None:
    flagged = cohort_table(ALL)["flagged"]
    # A1–A4 (A5 is a repeat).
    assert flagged["cases"] == 4
    # L1 HU 100, 140, 160 (A4 unknown): mean 133.3; SD √((33.3² + 6.7² + 26.7²)/2) = √933.3 = 30.6.
    assert flagged["l1_hu"] == {"mean": 133.3, "sd": 30.6, "n": 3}
    # Ages: P1 born 1950-06-15 at 2025-01-10 → 74 (birthday not yet); P2 1960-01-01 at 2025-02-01 → 65;
    # P4 1940-12-31 at 2025-03-05 → 84; P3 unknown. Mean 74.3; SD √((0.33² + 9.33² + 9.67²)/2) = 9.5.
    assert flagged["age"] == {"mean": 74.3, "sd": 9.5, "n": 3}
    # Women: P1, P3 of P1, P2, P3 (P4 unknown) → 2/3.
    assert flagged["women"] == {"k": 2, "n": 3, "percent": 66.7}
    assert flagged["bone_metastases"] == {"k": 1, "n": 2, "percent": 50.0}  # P1 yes, P2 no
    assert flagged["osteoporosis"] == {"k": 1, "n": 2, "percent": 50.0}  # P2 yes, P1 no
    assert flagged["prior_vertebroplasty"] == {"k": 0, "n": 1, "percent": 0.0}  # P1 no


def test_true_positive_columns(cohort) -> None:
    table = cohort_table(ALL)
    tp = table["true_positive"]  # A1, A2
    assert tp["cases"] == 2
    assert tp["l1_hu"] == {"mean": 120.0, "sd": 28.3, "n": 2}  # 100, 140: SD √(2·20²/1) = 28.28
    assert tp["age"] == {"mean": 69.5, "sd": 6.4, "n": 2}  # 74, 65: SD √(2·4.5²) = 6.36
    assert tp["women"] == {"k": 1, "n": 2, "percent": 50.0}
    low = table["true_positive_grade_1_2"]  # A2 alone: no SD from one value
    assert low["cases"] == 1
    assert low["l1_hu"] == {"mean": 140.0, "sd": None, "n": 1}
    assert low["age"] == {"mean": 65.0, "sd": None, "n": 1}
    high = table["true_positive_grade_3"]  # A1 alone
    assert high["l1_hu"]["mean"] == 100.0
    assert high["bone_metastases"] == {"k": 1, "n": 1, "percent": 100.0}


def test_empty(db) -> None:
    flagged = cohort_table(ALL)["flagged"]
    assert flagged["cases"] == 0
    assert flagged["l1_hu"] == {"mean": None, "sd": None, "n": 0}
    assert flagged["women"]["percent"] is None
