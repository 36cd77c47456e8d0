"""VHL and Genant grade exactly as SPEC.md defines them."""

from __future__ import annotations

import pytest

from inference.geometry import (
    Heights,
    VertebraHeights,
    column_height_loss,
    genant_grade,
    heights_from_landmarks,
    intra_vertebral_loss,
    reference_neighbours,
)


def box_landmarks(anterior: float, middle: float, posterior: float, *, depth: float = 30.0) -> dict:
    """Landmarks of a body in the y–z plane; anterior at y=0, posterior at y=depth."""
    return {
        "anterior_superior": (0.0, 0.0, anterior),
        "anterior_inferior": (0.0, 0.0, 0.0),
        "middle_superior": (0.0, depth / 2, middle),
        "middle_inferior": (0.0, depth / 2, 0.0),
        "posterior_superior": (0.0, depth, posterior),
        "posterior_inferior": (0.0, depth, 0.0),
    }


def test_heights_are_segment_lengths() -> None:
    heights = heights_from_landmarks(box_landmarks(18.0, 20.0, 21.0))
    assert heights == Heights(anterior=18.0, middle=20.0, posterior=21.0)


def test_heights_need_all_six_finite_points() -> None:
    landmarks = box_landmarks(1, 1, 1)
    del landmarks["middle_inferior"]
    with pytest.raises(ValueError, match="middle_inferior"):
        heights_from_landmarks(landmarks)
    with pytest.raises(ValueError, match="finite"):
        heights_from_landmarks(box_landmarks(1, 1, 1) | {"anterior_superior": (0.0, float("nan"), 1.0)})


@pytest.mark.parametrize(
    ("pct", "grade"),
    [(0, 0), (19.999, 0), (20, 1), (25, 1), (25.001, 2), (40, 2), (40.001, 3), (95, 3)],
)
def test_genant_boundaries(pct: float, grade: int) -> None:
    assert genant_grade(pct) == grade


def test_genant_rejects_negative_or_nan() -> None:
    for bad in (-1.0, float("nan")):
        with pytest.raises(ValueError):
            genant_grade(bad)


def test_intra_loss_of_a_wedge() -> None:
    assert intra_vertebral_loss(Heights(14.0, 18.0, 20.0)) == pytest.approx(0.30)


def column(*posterior_heights: float | None, excluded: set[int] | None = None) -> list[VertebraHeights]:
    labels = ["T10", "T11", "T12", "L1", "L2", "L3"]
    return [
        VertebraHeights(
            label=labels[i],
            heights=None if h is None else Heights(h, h, h),
            excluded=i in (excluded or set()),
        )
        for i, h in enumerate(posterior_heights)
    ]


def test_crush_is_found_by_inter_vertebral_loss() -> None:
    spine = column(20.0, 22.0, 13.2, 22.0, 24.0)
    losses = column_height_loss(spine)
    crushed = losses[2]
    assert crushed is not None
    assert crushed.reference_labels == ("T11", "L1")
    assert crushed.intra == pytest.approx(0.0)
    assert crushed.percent == pytest.approx(40.0)
    assert crushed.grade == 2


def test_wedge_is_found_by_intra_vertebral_loss() -> None:
    spine = [
        VertebraHeights("T12", Heights(22.0, 22.0, 22.0)),
        VertebraHeights("L1", Heights(15.4, 20.0, 22.0)),
        VertebraHeights("L2", Heights(22.0, 22.0, 22.0)),
    ]
    loss = column_height_loss(spine)[1]
    assert loss is not None and loss.percent == pytest.approx(30.0) and loss.grade == 2


def test_reference_skips_excluded_and_deformed_neighbours() -> None:
    spine = [
        VertebraHeights("T11", Heights(20.0, 20.0, 20.0)),
        VertebraHeights("T12", Heights(21.0, 21.0, 21.0), excluded=True),  # cement
        VertebraHeights("L1", Heights(12.0, 12.0, 12.0)),
        VertebraHeights("L2", Heights(10.0, 16.0, 16.0)),  # own L_intra 0.375: not a reference
        VertebraHeights("L3", Heights(24.0, 24.0, 24.0)),
    ]
    assert [n.label for n in reference_neighbours(spine, 2)] == ["T11", "L3"]
    loss = column_height_loss(spine)[2]
    assert loss is not None and loss.reference_height_mm == pytest.approx(22.0)
    assert column_height_loss(spine)[1] is None


def test_two_nearest_on_one_side_at_the_end_of_the_column() -> None:
    spine = column(14.0, 20.0, 22.0, 30.0)
    neighbours = reference_neighbours(spine, 0)
    assert [n.label for n in neighbours] == ["T11", "T12"]
    loss = column_height_loss(spine)[0]
    assert loss is not None and loss.inter == pytest.approx(1 - 14.0 / 21.0)


def test_taller_than_reference_is_no_loss_and_lonely_vertebra_has_no_inter_loss() -> None:
    assert column_height_loss(column(20.0, 30.0, 20.0))[1].inter == 0.0  # type: ignore[union-attr]
    lonely = column_height_loss([VertebraHeights("L1", Heights(10.0, 10.0, 10.0))])[0]
    assert lonely is not None and lonely.inter == 0.0 and lonely.reference_labels == ()
