"""Rib profiles: bone on the sides at a given distance shows in that ring only; bone in front of the
spine (the aorta with contrast, organs) and outside the scan do not count."""

from __future__ import annotations

import numpy as np

from inference.pipeline.rib_context import N_RINGS, PROFILE_FLOOR, RING_EDGES_MM, rib_profiles

SPACING = 4.0
CENTRE = np.array([[10.0, 40.0, 40.0]])  # (z, y, x) working indices


def soft_tissue() -> np.ndarray:
    return np.full((21, 81, 81), 40.0, dtype=np.float32)


def paint(hu: np.ndarray, *, dy_mm: float, dx_mm: float, value: float) -> None:
    j, i = round(40 + dy_mm / SPACING), round(40 + dx_mm / SPACING)
    hu[7:14, j - 1 : j + 2, i - 1 : i + 2] = value


def test_soft_tissue_alone_gives_the_floor() -> None:
    profile = rib_profiles(soft_tissue(), SPACING, CENTRE)
    assert profile.shape == (1, N_RINGS)
    assert np.allclose(profile, np.log(PROFILE_FLOOR))


def test_a_rib_on_the_side_lights_up_its_ring_only() -> None:
    hu = soft_tissue()
    paint(hu, dy_mm=20.0, dx_mm=-80.0, value=900.0)  # 82 mm away, posterolateral: ring 70-100 mm
    profile = rib_profiles(hu, SPACING, CENTRE)[0]
    ring = int(np.searchsorted(RING_EDGES_MM, np.hypot(20.0, 80.0))) - 1
    assert profile[ring] > np.log(PROFILE_FLOOR) + 1.0
    others = np.delete(profile, ring)
    assert np.allclose(others, np.log(PROFILE_FLOOR))


def test_dense_tissue_in_front_of_the_spine_is_ignored() -> None:
    hu = soft_tissue()
    paint(hu, dy_mm=-40.0, dx_mm=8.0, value=400.0)  # the aorta, enhanced, anterior left
    paint(hu, dy_mm=-90.0, dx_mm=0.0, value=900.0)  # sternum-like bone straight ahead
    assert np.allclose(rib_profiles(hu, SPACING, CENTRE), np.log(PROFILE_FLOOR))


def test_contrast_enhanced_soft_tissue_is_not_bone() -> None:
    hu = soft_tissue()
    paint(hu, dy_mm=40.0, dx_mm=60.0, value=200.0)  # a kidney's cortex in portal venous phase
    assert np.allclose(rib_profiles(hu, SPACING, CENTRE), np.log(PROFILE_FLOOR))


def test_a_centroid_outside_the_volume_gives_the_floor() -> None:
    hu = soft_tissue()
    hu[:] = 900.0
    outside = np.array([[100.0, 40.0, 40.0]])
    assert np.allclose(rib_profiles(hu, SPACING, outside), np.log(PROFILE_FLOOR))
    assert rib_profiles(hu, SPACING, np.zeros((0, 3))).shape == (0, N_RINGS)
