"""A level the heat map merged into its neighbour is put back only where a body really is."""

import numpy as np

from inference.pipeline.resample import WorkingGrid
from inference.pipeline.skipped_levels import (
    SkippedLevelSettings,
    body_interval,
    overlaps_neighbour,
    skipped_level_points,
    verified_indices,
)
from inference.training.detector_data import heatmap_for

GRID = WorkingGrid(origin_lps_mm=(0.0, 0.0, 0.0), spacing_mm=4.0, shape=(40, 10, 10))
UP = np.array([0.0, 0.0, 1.0])


def heat_at(*z_indices: float) -> np.ndarray:
    centres = np.array([[z, 5.0, 5.0] for z in z_indices])
    return 0.95 * heatmap_for(GRID.shape, centres, 1.5)


def lps(z_index: float) -> np.ndarray:
    return GRID.index_to_lps(np.array([z_index, 5.0, 5.0]))


def test_a_skipped_level_with_body_heat_between_its_neighbours_is_put_back() -> None:
    # T9 at z 26, a crushed T10 at z 20.5 whose heat the detector drew, T11 at z 15 (22 mm apart).
    points = skipped_level_points(
        ["T9", "T11"], np.array([lps(26), lps(15)]), heat_at(26, 20.5, 15), GRID, SkippedLevelSettings()
    )
    assert [(p.before, p.label) for p in points] == [(1, "T10")]
    assert np.allclose(points[0].centroid_lps_mm, lps(20.5))
    assert points[0].heat > 0.85


def test_no_point_where_the_skip_lies_over_a_disc() -> None:
    heat = heat_at(26, 15)  # nothing between the two bodies
    assert (
        skipped_level_points(["T9", "T11"], np.array([lps(26), lps(15)]), heat, GRID, SkippedLevelSettings())
        == []
    )


def test_two_skipped_levels_are_spaced_evenly_and_consecutive_labels_add_nothing() -> None:
    heat = heat_at(34, 28, 22, 16, 10)
    points = skipped_level_points(
        ["T6", "T7", "T10", "T11"],
        np.array([lps(34), lps(28), lps(16), lps(10)]),
        heat,
        GRID,
        SkippedLevelSettings(),
    )
    assert [(p.before, p.label) for p in points] == [(2, "T8"), (2, "T9")]
    assert np.allclose([p.centroid_lps_mm[2] for p in points], [lps(24)[2], lps(20)[2]])


def test_a_point_closer_than_a_body_to_its_neighbours_is_not_put_in() -> None:
    heat = heat_at(20, 18.5, 17)  # 6 mm from each neighbour: no room for a vertebra
    assert (
        skipped_level_points(["T9", "T11"], np.array([lps(20), lps(17)]), heat, GRID, SkippedLevelSettings())
        == []
    )


def test_disabled_recovery_adds_nothing() -> None:
    settings = SkippedLevelSettings(enabled=False)
    assert (
        skipped_level_points(
            ["T9", "T11"], np.array([lps(26), lps(15)]), heat_at(26, 20.5, 15), GRID, settings
        )
        == []
    )


def body(inferior_z: float, superior_z: float, tilt: float = 0.0) -> dict[str, np.ndarray]:
    points = {}
    for name, y in (("anterior", -15.0), ("middle", 0.0), ("posterior", 15.0)):
        points[f"{name}_superior"] = np.array([0.0, y, superior_z + tilt * y])
        points[f"{name}_inferior"] = np.array([0.0, y, inferior_z + tilt * y])
    return points


def test_body_interval_runs_along_the_axis() -> None:
    assert np.allclose(body_interval(body(10.0, 30.0, tilt=0.1), UP), (10.0, 30.0))


def test_a_crushed_body_between_its_neighbours_is_kept() -> None:
    crushed, upper, lower = body(205.7, 210.8), body(215.1, 232.8), body(188.4, 200.9)
    assert not overlaps_neighbour(crushed, [upper, lower], UP, SkippedLevelSettings())


def test_landmarks_that_found_a_neighbour_again_are_rejected() -> None:
    upper, lower = body(215.0, 233.0), body(189.0, 209.0)
    found_lower_again = body(190.0, 208.5)
    assert overlaps_neighbour(found_lower_again, [upper, lower], UP, SkippedLevelSettings())
    assert overlaps_neighbour(body(200.0, 200.0), [upper], UP, SkippedLevelSettings())  # no height at all


def test_only_recovered_bodies_are_checked_and_dropped() -> None:
    column = [
        body(215.0, 233.0),
        body(190.0, 208.5),
        body(189.0, 209.0),
        body(205.7, 210.8),
        body(150.0, 170.0),
    ]
    recovered = [False, True, False, True, False]
    # the second found the third body again; the fourth, a thin body, lies clear of both neighbours
    column[3] = body(171.0, 176.0)
    kept = verified_indices(recovered, column, [UP] * len(column), SkippedLevelSettings())
    assert kept == [0, 2, 3, 4]
    # a detected (not recovered) body is never dropped, however it overlaps
    assert verified_indices(
        [False, False], [body(0.0, 20.0), body(1.0, 21.0)], [UP, UP], SkippedLevelSettings()
    ) == [0, 1]
