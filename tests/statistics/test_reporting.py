"""Non-reported rates (overall, by grade, new vs known), vertebroplasty, FP reasons, regions."""

from __future__ import annotations

from datetime import date

from studies.statistics.reporting import (
    false_positive_reasons,
    non_reported_per_case,
    non_reported_per_vertebra,
    regions,
    vertebroplasty,
)
from tests.statistics.cohort import _analysis, _outcome, _patient, _review
from tests.statistics.conftest import ALL


def kn(p) -> tuple[int, int]:
    return p.k, p.n


def test_non_reported_per_case(cohort) -> None:
    rates = non_reported_per_case(ALL)
    # TP cases: A1 (g3, not reported, L1 new), A2 (g2, reported, T8 stable / L3 no prior).
    assert kn(rates["overall"]) == (1, 2)
    assert kn(rates["grade_1_2"]) == (0, 1)
    assert kn(rates["grade_3"]) == (1, 1)
    assert kn(rates["new"]) == (1, 1)  # A1
    assert kn(rates["previously_known"]) == (0, 1)  # A2


def test_non_reported_per_vertebra(cohort) -> None:
    rates = non_reported_per_vertebra(ALL)
    # True positive levels: A1 L1 (g3, not reported, new), A2 T8 (g2, reported, stable).
    assert kn(rates["overall"]) == (1, 2)
    assert kn(rates["grade_1_2"]) == (0, 1)
    assert kn(rates["grade_3"]) == (1, 1)
    assert kn(rates["new"]) == (1, 1)
    assert kn(rates["previously_known"]) == (0, 1)
    assert kn(rates["no_prior"]) == (0, 0) and rates["no_prior"].text == "–"


def test_vertebroplasty(cohort) -> None:
    figures = vertebroplasty(ALL)
    # Grade-3 fractures: A1 L1 (referred, eligible, not reported), A7 L4 (referred, not eligible).
    assert figures["grade_3"] == 2
    assert figures["referred"] == 2
    assert figures["eligible"] == 1
    assert figures["eligible_not_reported"] == 1
    assert kn(figures["referred_rate"]) == (2, 2)
    assert kn(figures["missed_vertebroplasty_rate"]) == (1, 1)


def test_false_positive_reasons(cohort) -> None:
    counts = false_positive_reasons(ALL)
    assert counts["scoliosis"] == 1  # A1 T12
    assert counts["sclerotic_metastasis"] == 1  # A3 L2
    assert sum(counts.values()) == 2
    assert counts["artefact"] == 0


def test_regions(cohort) -> None:
    figures = regions(ALL)
    # True positive levels: T8 (thoracic), L1 (lumbar).
    assert (figures["total"], figures["thoracic"], figures["lumbar"]) == (2, 1, 1)
    assert kn(figures["lumbar_share"]) == (1, 2)


def test_case_with_new_and_known_fractures_counts_once_as_new(cohort) -> None:
    both = _review(_analysis(_patient("P20"), date(2025, 4, 1), max_grade=2), "flagged", "tp", reported=False)
    _outcome(both, "T10", vhl=30.0, grade=2, reported=False, prior="new")
    _outcome(both, "T11", vhl=28.0, grade=2, reported=False, prior="stable")
    twice_known = _review(
        _analysis(_patient("P21"), date(2025, 4, 2), max_grade=2), "flagged", "tp", reported=False
    )
    _outcome(twice_known, "L2", vhl=30.0, grade=2, reported=False, prior="stable")
    _outcome(twice_known, "L3", vhl=30.0, grade=2, reported=False, prior="progressed")
    rates = non_reported_per_case(ALL)
    # A1 (new, not reported) + P20 (new and stable: new); A2 (known, reported) + P21 (two known: once).
    assert kn(rates["new"]) == (2, 2)
    assert kn(rates["previously_known"]) == (1, 2)
    assert kn(rates["overall"]) == (3, 4)
