from __future__ import annotations

import numpy as np
import pytest

from inference.phantom import PhantomSpec, generate_phantom
from inference.pipeline.bodyframe import BodyFrame
from inference.pipeline.hu_roi import (
    DensityCandidate,
    TrabecularRoi,
    TrabecularRoiMeasurer,
    bone_density,
    density_level_set,
)

INNER = (20.0, 15.0, 12.0)  # trabecular semi-axes: lateral, anterior-posterior, superior half-height
SHELL_MM = 3.0


def rotation(x_deg: float, z_deg: float) -> np.ndarray:
    a, b = np.radians(x_deg), np.radians(z_deg)
    rx = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    rz = np.array([[np.cos(b), -np.sin(b), 0], [np.sin(b), np.cos(b), 0], [0, 0, 1]])
    return rz @ rx


def synthetic_block(spacing_ijk: tuple[float, float, float], tilt: tuple[float, float]):
    """137 HU elliptic cylinder in a 1000 HU shell and 40 HU soft tissue, on an oblique grid."""
    shape = (48, 110, 90)  # k, j, i
    direction = rotation(*tilt)
    affine = np.eye(4)
    affine[:3, :3] = direction * np.asarray(spacing_ijk)
    centre_index = (np.array(shape[::-1]) - 1) / 2  # (i, j, k)
    affine[:3, 3] = -affine[:3, :3] @ centre_index  # world origin at the grid centre
    frame = BodyFrame.build(
        np.zeros(3), np.array([0, 0, 1.0]), np.array([0, -1.0, 0]), 2 * INNER[1], 2 * INNER[2]
    )
    k, j, i = np.meshgrid(*(np.arange(n) for n in shape), indexing="ij")
    world = np.stack([i, j, k, np.ones_like(i)], axis=-1) @ affine.T
    u, v, w = world[..., 0], -world[..., 1], world[..., 2]
    radial = (u / INNER[0]) ** 2 + (v / INNER[1]) ** 2
    outer = (u / (INNER[0] + SHELL_MM)) ** 2 + (v / (INNER[1] + SHELL_MM)) ** 2
    hu = np.full(shape, 40, dtype=np.int16)
    hu[(outer <= 1) & (np.abs(w) <= INNER[2] + SHELL_MM)] = 1000
    hu[(radial <= 1) & (np.abs(w) <= INNER[2])] = 137
    return hu, affine, frame


def ellipse_points(roi: TrabecularRoi, n: int = 360) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    a, b = roi.semi_axes_mm
    return (
        np.asarray(roi.centre_lps_mm)
        + np.outer(a * np.cos(t), roi.lateral_axis)
        + np.outer(b * np.sin(t), roi.anterior_axis)
    )


@pytest.mark.parametrize(
    ("spacing", "tilt"), [((0.7, 0.7, 2.5), (0.0, 0.0)), ((0.9, 0.6, 1.5), (12.0, 20.0))]
)
def test_known_hu_in_a_shell_on_anisotropic_oblique_grids(spacing, tilt) -> None:
    hu, affine, frame = synthetic_block(spacing, tilt)
    roi = TrabecularRoiMeasurer(hu, affine).measure(frame)
    assert roi is not None
    assert roi.mean_hu == pytest.approx(137.0, abs=0.5)
    # Every point of the ellipse is at least 2 mm inside the inner cortex boundary.
    boundary_t = np.linspace(0, 2 * np.pi, 3600)
    boundary = np.stack([INNER[0] * np.cos(boundary_t), INNER[1] * np.sin(boundary_t)], axis=1)
    perimeter = ellipse_points(roi)
    uv = np.stack([perimeter[:, 0], -perimeter[:, 1]], axis=1)
    assert np.all((uv[:, 0] / INNER[0]) ** 2 + (uv[:, 1] / INNER[1]) ** 2 < 1)
    distances = np.linalg.norm(uv[:, None, :] - boundary[None, :, :], axis=2).min(axis=1)
    assert distances.min() >= 2.0
    # Anterior part only: clear of the posterior-central basivertebral vein.
    assert uv[:, 1].min() > -0.1 * INNER[1]
    assert abs(perimeter[:, 2]).max() < 1e-6  # mid-height plane
    assert roi.voxel_count > 50 and roi.std_hu == pytest.approx(0.0, abs=0.5)


def test_thin_body_is_clipped_or_skipped() -> None:
    hu, affine, frame = synthetic_block((0.7, 0.7, 2.5), (0.0, 0.0))
    hu[hu == 137] = 1000  # no trabecular room at all: solid cortex
    assert TrabecularRoiMeasurer(hu, affine).measure(frame) is None


@pytest.fixture(scope="module")
def phantom():
    spec = PhantomSpec(
        seed=11,
        levels=("T9", "L3"),
        size=144,
        pixel_mm=1.6,
        slice_mm=2.5,
        noise_hu=15,
        trabecular_hu=150,
        scoliosis_deg=12,
        lytic=("L2",),
    )
    return generate_phantom(spec)


def test_phantom_roi_matches_truth_within_noise(phantom) -> None:
    measurer = TrabecularRoiMeasurer(phantom.hu, phantom.affine)
    codes = phantom.truth["label_codes"]
    errors = []
    for vertebra in phantom.truth["vertebrae"]:
        roi = measurer.measure(BodyFrame.from_landmarks(vertebra["landmarks_lps_mm"]))
        assert roi is not None, vertebra["label"]
        standard_error = roi.std_hu / np.sqrt(roi.effective_n)
        assert abs(roi.mean_hu - vertebra["mean_hu"]) <= 4 * standard_error + 2.0, vertebra["label"]
        errors.append(roi.mean_hu - vertebra["mean_hu"])
        # The ROI (grown by 2 mm) lies inside this vertebra's body.
        a, b = roi.semi_axes_mm
        grown = TrabecularRoi(
            roi.centre_lps_mm, (a + 2, b + 2), roi.lateral_axis, roi.anterior_axis, 0, 0, 1, 1
        )
        points = ellipse_points(grown)
        ijk = np.rint((points - phantom.affine[:3, 3]) @ np.linalg.inv(phantom.affine[:3, :3]).T).astype(int)
        assert np.all(phantom.labels[ijk[:, 2], ijk[:, 1], ijk[:, 0]] == codes[vertebra["label"]])
    assert abs(np.mean(errors)) < 6.0


def test_density_levels_lumbar_then_thoracic() -> None:
    assert density_level_set(["T12", "L1", "L2"]) == ("L1", "L2", "L3", "L4")
    assert density_level_set(["T7", "T8", "T12"]) == ("T8", "T9", "T10", "T11")


def test_bone_density_skips_fractured_excluded_and_sclerotic() -> None:
    candidates = [
        DensityCandidate("T12", 150.0),
        DensityCandidate("L1", 100.0, grade=1),
        DensityCandidate("L2", 120.0, grade=0),
        DensityCandidate("L3", 130.0, excluded=True),
        DensityCandidate("L4", 140.0, sclerotic=True),
        DensityCandidate("L5", 200.0),
    ]
    result = bone_density(candidates)
    assert result.levels == ("L2",) and result.l1_hu is None and result.mean_hu == 120.0
    result = bone_density([DensityCandidate("L1", 100.0), DensityCandidate("L2", 120.0, grade=0)])
    assert result.levels == ("L1", "L2") and result.l1_hu == 100.0 and result.mean_hu == 110.0
    assert result.to_json_dict() == {"levels": ["L1", "L2"], "l1_hu": 100.0, "mean_hu": 110.0}


def test_bone_density_thoracic_and_empty() -> None:
    result = bone_density([DensityCandidate(f"T{n}", 100.0 + n) for n in range(7, 13)])
    assert result.levels == ("T8", "T9", "T10", "T11") and result.l1_hu is None
    assert result.mean_hu == pytest.approx(109.5)
    empty = bone_density([DensityCandidate("L1", None), DensityCandidate("T10", 150.0)])
    assert empty.levels == () and empty.mean_hu is None and empty.l1_hu is None


def test_focal_lytic_spot_in_the_roi_is_not_averaged() -> None:
    hu, affine, frame = synthetic_block((0.7, 0.7, 2.5), (0.0, 0.0))
    clean = TrabecularRoiMeasurer(hu, affine).measure(frame)
    assert clean is not None
    centre = np.linalg.solve(affine[:3, :3], np.asarray(clean.centre_lps_mm) - affine[:3, 3])
    i, j, k = np.rint(centre).astype(int)
    rng = np.random.default_rng(1)
    noisy = (hu + rng.normal(0, 10, hu.shape)).astype(np.int16)
    noisy[k - 1 : k + 2, j - 3 : j + 3, i - 3 : i + 3] = 30
    roi = TrabecularRoiMeasurer(noisy, affine).measure(frame)
    assert roi is not None and roi.mean_hu == pytest.approx(137.0, abs=1.5)
