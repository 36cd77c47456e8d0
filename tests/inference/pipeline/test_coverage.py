"""Whether a body lies wholly inside the scanned slices (a scan may start or end inside a body)."""

from __future__ import annotations

import numpy as np
import pytest

from inference.pipeline.coverage import ScanExtent
from tests.inference.pipeline.shapes import box


def extent(slices: int = 41, slice_mm: float = 2.0, flip: bool = False) -> ScanExtent:
    """A 64×64 grid of 1 mm pixels; slice centres from z = 0 to z = (slices − 1) × slice_mm."""
    affine = np.diag([1.0, 1.0, slice_mm, 1.0])
    affine[:3, 3] = (-32.0, -32.0, 0.0)
    if flip:  # slices stored head first: index 0 is the top
        affine[2, 2], affine[2, 3] = -slice_mm, (slices - 1) * slice_mm
    return ScanExtent((slices, 64, 64), affine)


@pytest.mark.parametrize("flip", [False, True])
def test_points_between_the_first_and_last_slice_centres_are_inside(flip: bool) -> None:
    scan = extent(flip=flip)
    inside = scan.contains(np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 80.0], [31.0, -32.0, 40.0]]))
    outside = scan.contains(np.array([[0.0, 0.0, -0.1], [0.0, 0.0, 80.1], [31.5, 0.0, 40.0]]))
    assert inside.tolist() == [True, True, True]
    assert outside.tolist() == [False, False, False]
    assert scan.slice_mm == pytest.approx(2.0)


def test_a_body_with_room_beyond_both_endplates_is_held() -> None:
    assert extent().holds_body(box(40.0, 24.0, 24.0, 24.0), margin_mm=2.0)


@pytest.mark.parametrize(
    ("centre_z", "held"),
    [
        (80.0 - 12.0 - 2.0, True),  # superior endplate exactly the margin below the last slice centre
        (80.0 - 12.0 - 1.9, False),  # 1.9 mm of room: the scan may end inside the disc or the body
        (80.0 - 6.0, False),  # the top half of the body is missing
        (12.0 + 2.0, True),
        (12.0 + 1.9, False),  # the same at the first slice
    ],
)
def test_a_body_the_scan_ends_in_or_at_is_not_held(centre_z: float, held: bool) -> None:
    assert extent().holds_body(box(centre_z, 24.0, 24.0, 24.0), margin_mm=2.0) is held


def test_the_margin_follows_the_body_axis() -> None:
    """A body tilted by 60° reaches only half the margin further along z."""
    body = box(0.0, 24.0, 24.0, 24.0)
    turn = np.array([[1.0, 0.0, 0.0], [0.0, 0.5, -np.sqrt(3) / 2], [0.0, np.sqrt(3) / 2, 0.5]])
    top = max(p[2] for p in (turn @ np.asarray(q) for q in body.values()))
    tilted = {
        name: (turn @ np.asarray(point) + [0.0, 0.0, 80.0 - top - 1.5]).tolist()
        for name, point in body.items()
    }
    assert extent().holds_body(tilted, margin_mm=2.0)  # 2 mm along the axis is 1 mm along z
    assert not extent().holds_body(tilted, margin_mm=4.0)
