"""PPV per case and per vertebra, by grade, on the hand-built cohort."""

from __future__ import annotations

from studies.statistics.accuracy import ppv_per_case, ppv_per_vertebra
from studies.statistics.intervals import format_proportion
from tests.statistics.conftest import ALL


def test_per_case(cohort) -> None:
    ppv = ppv_per_case(ALL)
    # Reviewed flagged first studies: A1 (g3, tp), A2 (g2, tp), A3 (g1, fp); A4 open, A5 a repeat.
    assert (ppv["overall"].k, ppv["overall"].n) == (2, 3)
    assert (ppv["grade_1_2"].k, ppv["grade_1_2"].n) == (1, 2)  # A2 of A2, A3
    assert (ppv["grade_3"].k, ppv["grade_3"].n) == (1, 1)  # A1
    assert ppv["overall"].text == format_proportion(2, 3) == "66.7 % (95 % CI 9.4–99.2 %)"


def test_per_vertebra(cohort) -> None:
    ppv = ppv_per_vertebra(ALL)
    # Flagged levels: A1 L1 (tool g3, fracture), A1 T12 (g1, no), A2 T8 (g2, fracture), A3 L2 (g1, no).
    assert (ppv["overall"].k, ppv["overall"].n) == (2, 4)
    assert (ppv["grade_1_2"].k, ppv["grade_1_2"].n) == (1, 3)  # T8 of T12, T8, L2
    assert (ppv["grade_3"].k, ppv["grade_3"].n) == (1, 1)  # L1
    assert ppv["overall"].text == "50.0 % (95 % CI 6.8–93.2 %)"


def test_no_reviews_gives_dashes(db) -> None:
    assert ppv_per_case(ALL)["overall"].text == "–"
    assert ppv_per_vertebra(ALL)["grade_3"].n == 0
