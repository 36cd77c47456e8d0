from __future__ import annotations

import pytest

from inference.pipeline.measure import ColumnEntry, measure_column
from tests.inference.pipeline.shapes import box

# Exact decimal boundaries are nudged by EPS so that 1 − min/max lands on the intended side of
# floating-point rounding (1 − 0.8 is 0.19999999999999996 in binary).
EPS = 1e-9


def entry(label: str, heights: tuple[float, float, float] | None, z: float = 0.0, excluded: bool = False):
    return ColumnEntry(label, None if heights is None else box(z, *heights), excluded)


@pytest.mark.parametrize(
    ("pct", "nudge", "grade"),
    [(19.9, 0.0, 0), (20.0, -EPS, 1), (25.0, EPS, 1), (25.1, 0.0, 2), (40.0, EPS, 2), (40.1, 0.0, 3)],
)
def test_intra_loss_boundaries_from_landmarks(pct: float, nudge: float, grade: int) -> None:
    anterior = 25.0 * (1 - pct / 100) + nudge
    result = measure_column([entry("L1", (anterior, 25.0, 25.0))])[0]
    assert result.height_loss_pct == pytest.approx(pct, abs=1e-6)
    assert result.grade == grade
    assert result.inter_loss == 0.0 and result.reference_labels == ()


@pytest.mark.parametrize(
    ("pct", "nudge", "grade"),
    [(19.9, 0.0, 0), (20.0, -EPS, 1), (25.0, EPS, 1), (25.1, 0.0, 2), (40.0, EPS, 2), (40.1, 0.0, 3)],
)
def test_inter_loss_boundaries_from_landmarks(pct: float, nudge: float, grade: int) -> None:
    h = 25.0 * (1 - pct / 100) + nudge  # uniformly short body: only the inter-vertebral loss counts
    column = [entry("T12", (25.0,) * 3, 60), entry("L1", (h, h, h), 30), entry("L2", (25.0,) * 3, 0)]
    result = measure_column(column)[1]
    assert result.intra_loss == pytest.approx(0.0)
    assert result.height_loss_pct == pytest.approx(pct, abs=1e-6)
    assert result.grade == grade
    assert result.reference_labels == ("T12", "L2")


def test_one_above_and_one_below() -> None:
    column = [entry(lbl, (h,) * 3) for lbl, h in (("T11", 40.0), ("T12", 20.0), ("L1", 15.0), ("L2", 30.0))]
    result = measure_column(column)[2]
    assert result.reference_labels == ("T12", "L2")
    assert result.height_loss_pct == pytest.approx(100 * (1 - 15.0 / 25.0))


@pytest.mark.parametrize(("index", "expected"), [(0, ("T12", "L1")), (2, ("T12", "T11"))])
def test_two_on_one_side_at_column_ends(index: int, expected: tuple[str, str]) -> None:
    column = [entry(lbl, (20.0,) * 3) for lbl in ("T11", "T12", "L1")]
    assert measure_column(column)[index].reference_labels == expected


def test_excluded_and_deformed_neighbours_are_skipped() -> None:
    column = [
        entry("T10", (22.0,) * 3),
        entry("T11", None, excluded=True),  # cement
        entry("T12", (14.0, 20.0, 20.0)),  # L_intra 0.30: target itself, graded
        entry("L1", (15.0, 20.0, 21.0)),  # L_intra ≥ 0.20: not a reference
        entry("L2", (26.0,) * 3),
    ]
    results = measure_column(column)
    assert results[2].reference_labels == ("T10", "L2")
    assert results[1].grade is None and results[1].heights is None and results[1].height_loss_pct is None


def test_no_valid_neighbour_means_no_inter_loss() -> None:
    column = [entry("T12", None, excluded=True), entry("L1", (10.0,) * 3), entry("L2", (14.0, 20.0, 20.0))]
    result = measure_column(column)[1]
    assert result.reference_labels == () and result.inter_loss == 0.0 and result.grade == 0


def test_c7_and_s1_reported_never_graded_nor_references() -> None:
    column = [entry("C7", (40.0,) * 3), entry("T1", (20.0,) * 3), entry("T2", (20.0,) * 3)]
    column += [entry("L5", (20.0,) * 3), entry("S1", (40.0,) * 3)]
    results = measure_column(column)
    assert results[0].heights is not None and results[0].grade is None
    assert results[4].heights is not None and results[4].grade is None
    assert results[1].reference_labels == ("T2", "L5")
    assert results[3].reference_labels == ("T2", "T1")
    assert all(r.grade == 0 for r in results[1:4])


def test_vertebra_without_landmarks_is_not_graded() -> None:
    results = measure_column([entry("T12", (20.0,) * 3), entry("L1", None), entry("L2", (10.0,) * 3)])
    assert results[1].grade is None and results[1].heights is None
    assert results[2].reference_labels == ("T12",)
    assert results[2].grade == 3
