"""Landmark training data: valid randomised specs, deterministic patches, correct targets, cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from inference.phantom import generate_phantom
from inference.phantom.spec import validate
from inference.pipeline.sagittal import SagittalSampler
from inference.training.landmark_data import PatchAugment, build_patches, phantom_patches, random_spec

_SMALL = SagittalSampler(size=(48, 48), extent=(1.8, 1.8))


def test_random_specs_are_valid_deterministic_and_fractured() -> None:
    specs = [random_spec(s) for s in range(20)]
    assert specs == [random_spec(s) for s in range(20)]
    for spec in specs:
        validate(spec)
        assert 1 <= len(spec.fractures) <= 3
        assert not set(spec.cement) & {f.level for f in spec.fractures}
    assert any(spec.scoliosis_deg > 0 for spec in specs)
    assert sum(f.vhl_pct >= 20 for spec in specs for f in spec.fractures) >= 10


def test_patches_are_deterministic_and_fractures_oversampled() -> None:
    augment = PatchAugment(patches_per_vertebra=1, fractured_extra=2)
    a = phantom_patches(3, seed=1, sampler=_SMALL, augment=augment)
    b = phantom_patches(3, seed=1, sampler=_SMALL, augment=augment)
    np.testing.assert_array_equal(a.pixels, b.pixels)
    np.testing.assert_array_equal(a.coords, b.coords)
    assert a.pixels.shape[1:] == (48, 48) and a.coords.shape[1:] == (6, 2)
    assert int((a.grade > 0).sum()) % 3 == 0  # three patches for each fractured vertebra


def test_targets_match_the_truth_without_jitter() -> None:
    still = PatchAugment(
        centre_jitter_mm=0.0,
        in_plane_deg=0.0,
        out_of_plane_deg=0.0,
        scale=0.0,
        patches_per_vertebra=1,
        fractured_extra=0,
    )
    arrays = phantom_patches(0, seed=2, sampler=_SMALL, augment=still)
    truth = [
        e for e in generate_phantom(random_spec(200_000)).truth["vertebrae"] if e["status"] == "measured"
    ]
    assert len(truth) == len(arrays)
    for entry, coords, px in zip(truth, arrays.coords, arrays.pixel_mm, strict=True):
        rows, cols = coords[:, 0], coords[:, 1]
        assert np.all(rows[0::2] < rows[1::2])  # superior above inferior (rows run downwards)
        assert cols[0] > cols[2] > cols[4]  # anterior, middle, posterior: columns run forwards
        heights = np.hypot(rows[0::2] - rows[1::2], cols[0::2] - cols[1::2]) * px
        np.testing.assert_allclose(heights, list(entry["heights_mm"].values()), atol=0.1)
        assert np.all((coords > 0) & (coords < 47))


def test_cache_round_trip(tmp_path: Path) -> None:
    augment = PatchAugment(patches_per_vertebra=1, fractured_extra=0)
    first = build_patches(5, range(1), sampler=_SMALL, augment=augment, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("landmarks-*.npz"))) == 1
    second = build_patches(5, range(1), sampler=_SMALL, augment=augment, cache_dir=tmp_path)
    np.testing.assert_array_equal(first.pixels, second.pixels)
    np.testing.assert_array_equal(first.coords, second.coords)
    assert first.grade.dtype == second.grade.dtype == np.int8


@pytest.mark.parametrize("seed", [0])
def test_phantom_seeds_do_not_collide(seed: int) -> None:
    assert random_spec(seed * 100_000 + 1).seed != random_spec(seed * 100_000 + 2).seed
