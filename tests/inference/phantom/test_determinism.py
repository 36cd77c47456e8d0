"""Same seed, same phantom and UIDs; another seed, another phantom."""

from __future__ import annotations

import numpy as np

from inference.phantom import default_identity, generate_phantom

from .helpers import small


def test_same_seed_gives_identical_voxels_truth_and_uids() -> None:
    spec = small(seed=31, levels=("L1", "L2"))
    first, again = generate_phantom(spec), generate_phantom(spec)
    assert np.array_equal(first.hu, again.hu)
    assert np.array_equal(first.affine, again.affine)
    assert first.truth == again.truth
    assert default_identity(spec) == default_identity(spec)


def test_another_seed_gives_another_patient() -> None:
    first, other = small(seed=31, levels=("L1", "L2")), small(seed=32, levels=("L1", "L2"))
    a, b = generate_phantom(first), generate_phantom(other)
    assert a.hu.shape != b.hu.shape or not np.array_equal(a.hu, b.hu)
    ids_a, ids_b = default_identity(first), default_identity(other)
    assert ids_a.study_instance_uid != ids_b.study_instance_uid
    assert ids_a.series_instance_uid != ids_b.series_instance_uid
    assert ids_a.patient_id != ids_b.patient_id


def test_volume_geometry_and_hu_range() -> None:
    spec = small(seed=5, levels=("T12", "L2"))
    ph = generate_phantom(spec)
    assert ph.hu.dtype == np.int16 and ph.hu.shape[1:] == (spec.size, spec.size)
    assert ph.hu.min() >= -1024 and ph.hu.max() <= 3071
    assert ph.affine[0, 0] == ph.affine[1, 1] == spec.pixel_mm and ph.affine[2, 2] == spec.slice_mm
    corner = ph.affine @ np.array([0, 0, 0, 1.0])
    far = ph.affine @ np.array([spec.size - 1, spec.size - 1, 0, 1.0])
    assert abs(corner[0] + far[0]) < 1e-6  # columns centred on x = 0
    zs = [v["centroid_lps_mm"][2] for v in ph.truth["vertebrae"]]
    assert zs == sorted(zs, reverse=True)  # cranial to caudal
    assert [v["label"] for v in ph.truth["vertebrae"]] == ["T12", "L1", "L2"]
