"""Sagittal patches: exact LPS mapping, trilinear sampling on oblique grids, planes that follow the spine."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from inference.geometry import LANDMARK_NAMES, heights_from_landmarks
from inference.phantom import FractureSpec, Phantom, PhantomSpec, generate_phantom
from inference.pipeline.sagittal import (
    SagittalSampler,
    VertebraFrame,
    VoxelSampler,
    local_frames,
    refine_frame,
)


def _oblique_affine() -> np.ndarray:
    angle = np.radians(20.0)
    rotation = np.array(
        [[np.cos(angle), 0.0, np.sin(angle)], [0.0, 1.0, 0.0], [-np.sin(angle), 0.0, np.cos(angle)]]
    )
    affine = np.eye(4)
    affine[:3, :3] = rotation @ np.diag([0.7, 0.9, 2.5])  # columns: i, j, k spacing
    affine[:3, 3] = [-20.0, -30.0, -40.0]
    return affine


def test_lps_round_trip_is_exact() -> None:
    frame = VertebraFrame.build(
        np.array([3.0, 40.0, 120.0]), np.array([0.1, 0.2, 1.0]), np.array([0.0, -1.0, 0.1]), 30
    )
    patch = SagittalSampler().sample(np.zeros((4, 4, 4), np.int16), np.eye(4), frame)
    rows, cols = np.array([0.0, 10.25, 63.0]), np.array([5.5, 31.5, 0.0])
    back = patch.from_lps(patch.to_lps(rows, cols))
    np.testing.assert_allclose(back[0], rows, atol=1e-9)
    np.testing.assert_allclose(back[1], cols, atol=1e-9)
    point = np.array([[4.0, 38.0, 125.0]])
    r, c = patch.from_lps(point)
    projected = patch.to_lps(r, c)
    np.testing.assert_allclose(
        projected + patch.out_of_plane_mm(point)[:, None] * frame.lateral, point, atol=1e-9
    )
    np.testing.assert_allclose(np.cross(frame.superior, frame.anterior), frame.lateral)


def test_trilinear_sampling_on_an_oblique_anisotropic_grid() -> None:
    affine = _oblique_affine()
    k, j, i = np.meshgrid(np.arange(40), np.arange(60), np.arange(60), indexing="ij")
    ijk = np.stack([i, j, k, np.ones_like(i)], axis=-1).astype(float)
    lps = ijk @ affine.T
    volume = (2.0 * lps[..., 0] - 1.0 * lps[..., 1] + 0.5 * lps[..., 2]).astype(np.float32)
    centre = (affine @ np.array([30.0, 30.0, 20.0, 1.0]))[:3]
    frame = VertebraFrame.build(centre, np.array([0.2, 0.1, 1.0]), np.array([0.1, -1.0, 0.0]), 12.0)
    patch = SagittalSampler(size=(24, 20)).sample(volume, affine, frame)
    rows, cols = np.meshgrid(np.arange(24), np.arange(20), indexing="ij")
    points = patch.to_lps(rows.ravel(), cols.ravel())
    expected = 2.0 * points[:, 0] - points[:, 1] + 0.5 * points[:, 2]
    np.testing.assert_allclose(patch.pixels.ravel(), expected, atol=1e-2)


@functools.lru_cache(maxsize=2)
def _phantom(scoliosis: float) -> Phantom:
    spec = PhantomSpec(
        seed=11,
        levels=("T8", "L2"),
        size=256,
        pixel_mm=1.0,
        slice_mm=2.0,
        scoliosis_deg=scoliosis,
        fractures=(FractureSpec("T12", "wedge", 40.0),),
    )
    return generate_phantom(spec)


@pytest.mark.parametrize("scoliosis", [0.0, 30.0])
def test_planes_follow_the_spine_on_phantoms(scoliosis: float) -> None:
    phantom = _phantom(scoliosis)
    entries = phantom.truth["vertebrae"]
    frames = local_frames([np.asarray(e["centroid_lps_mm"]) for e in entries], phantom.hu, phantom.affine)
    sampler = SagittalSampler()
    for entry, frame in zip(entries, frames, strict=True):
        truth = np.array([entry["landmarks_lps_mm"][name] for name in LANDMARK_NAMES])
        patch = sampler.sample(phantom.hu, phantom.affine, frame)
        assert np.abs(patch.out_of_plane_mm(truth)).max() < 1.0, entry["label"]
        rows, cols = patch.from_lps(truth)
        assert rows.min() > 2 and cols.min() > 2 and rows.max() < 61 and cols.max() < 61
        in_plane = patch.to_lps(rows, cols)
        heights = heights_from_landmarks(dict(zip(LANDMARK_NAMES, in_plane, strict=True)))
        for measured, true in zip(heights.as_dict().values(), entry["heights_mm"].values(), strict=True):
            assert measured == pytest.approx(true, abs=0.1)
        assert 0.35 <= patch.pixel_mm <= 1.6


def test_refinement_corrects_offset_rotation_and_tilt() -> None:
    phantom = _phantom(30.0)
    voxels = VoxelSampler(phantom.hu, phantom.affine)
    for entry, frame in zip(
        phantom.truth["vertebrae"][1:-1],
        local_frames(
            [np.asarray(e["centroid_lps_mm"]) for e in phantom.truth["vertebrae"]], phantom.hu, phantom.affine
        )[1:-1],
        strict=True,
    ):
        truth = np.array([entry["landmarks_lps_mm"][name] for name in LANDMARK_NAMES])
        wrong = VertebraFrame.build(
            frame.centre + 3.0 * frame.lateral, frame.superior, frame.anterior, frame.spacing_mm
        )
        wrong = wrong.rotated(0.0, np.radians(10.0))
        wrong = VertebraFrame.build(
            wrong.centre, wrong.superior + 0.1 * wrong.lateral, wrong.anterior, wrong.spacing_mm
        )
        fixed = wrong
        for round_ in range(3):
            fixed = refine_frame(voxels, fixed, coarse=round_ == 0)
        assert np.abs((truth - wrong.centre) @ wrong.lateral).max() > 2.0
        assert np.abs((truth - fixed.centre) @ fixed.lateral).max() < 1.0, entry["label"]
