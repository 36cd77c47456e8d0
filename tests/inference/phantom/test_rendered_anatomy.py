"""The rendered volume agrees with the truth: landmarks in bone, trabecular HU, ribs, cement, lesions."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from inference.phantom import FractureSpec

from .helpers import fine, phantom, sample_cube, small, to_index, vertebra

FRACTURED = fine(
    fractures=(
        FractureSpec("T12", "wedge", 40.0),
        FractureSpec("L1", "biconcave", 35.0),
        FractureSpec("L2", "crush", 45.0),
    )
)


def test_every_landmark_segment_runs_through_its_own_body() -> None:
    ph = phantom(FRACTURED)
    assert ph.labels is not None
    for entry in ph.truth["vertebrae"]:
        code = ph.truth["label_codes"][entry["label"]]
        mask = (ph.labels == code).astype(np.float32)
        marks = {k: np.array(v) for k, v in entry["landmarks_lps_mm"].items()}
        for segment in ("anterior", "middle", "posterior"):
            top, bottom = marks[f"{segment}_superior"], marks[f"{segment}_inferior"]
            for t in (0.2, 0.5, 0.8):
                point = top + t * (bottom - top)
                if segment != "middle":
                    toward_middle = 0.5 * (marks["middle_superior"] + marks["middle_inferior"]) - 0.5 * (
                        top + bottom
                    )
                    point = point + 0.15 * toward_middle
                inside = ndimage.map_coordinates(mask, to_index(ph, point)[:, None], order=1)[0]
                assert inside > 0.5, (entry["label"], segment, t)


def test_centroids_lie_in_their_bodies_and_in_the_volume() -> None:
    ph = phantom(FRACTURED)
    assert ph.labels is not None
    for entry in ph.truth["vertebrae"]:
        k, j, i = np.rint(to_index(ph, entry["centroid_lps_mm"])).astype(int)
        assert ph.labels[k, j, i] == ph.truth["label_codes"][entry["label"]]


@pytest.mark.parametrize("trabecular_hu", [70.0, 210.0])
def test_trabecular_bone_has_the_requested_density(trabecular_hu: float) -> None:
    ph = phantom(fine(trabecular_hu=trabecular_hu, seed=3))
    means = []
    for entry in ph.truth["vertebrae"]:
        marks = entry["landmarks_lps_mm"]
        middle = 0.5 * (np.array(marks["middle_superior"]) + np.array(marks["middle_inferior"]))
        front = 0.5 * (np.array(marks["anterior_superior"]) + np.array(marks["anterior_inferior"]))
        cube = sample_cube(ph.hu, to_index(ph, middle + 0.4 * (front - middle)), half=2)
        means.append(float(cube.mean()))
        assert cube.mean() == pytest.approx(trabecular_hu, abs=25.0)
    assert np.mean(means) == pytest.approx(trabecular_hu, abs=10.0)


def _bone_far_from_spine(label: str) -> tuple[bool, bool]:
    ph = phantom(small(levels=("T5", "L3"), seed=13, noise_hu=8.0))
    entry = vertebra(ph.truth, label)
    k = round(float(to_index(ph, entry["centroid_lps_mm"])[0]))
    x = ph.affine[0, 3] + ph.affine[0, 0] * np.arange(ph.hu.shape[2])
    lateral = x - entry["centroid_lps_mm"][0]
    dense = (ph.hu[k - 1 : k + 2] > 350).any(axis=(0, 1))
    return bool(dense[lateral < -75].any()), bool(dense[lateral > 75].any())


@pytest.mark.parametrize("label", ["T6", "T9"])
def test_ribs_on_both_sides_at_thoracic_levels(label: str) -> None:
    assert _bone_far_from_spine(label) == (True, True)


def test_no_ribs_at_lumbar_levels() -> None:
    assert _bone_far_from_spine("L2") == (False, False)
    assert _bone_far_from_spine("L3") == (False, False)


def test_cement_is_brighter_than_2000_hu_and_excludes_the_level() -> None:
    ph = phantom(small(cement=("L1",)))
    assert ph.labels is not None
    entry = vertebra(ph.truth, "L1")
    assert entry["status"] == "excluded_cement" and entry["grade"] is None
    body = ph.hu[ph.labels == ph.truth["label_codes"]["L1"]]
    assert (body >= 2000).sum() >= 10
    assert ph.hu.max() <= 3071


def test_sclerotic_lesion_is_dense_but_keeps_the_heights() -> None:
    plain, sclerotic = phantom(small()), phantom(small(sclerotic=("L2",)))
    assert sclerotic.labels is not None
    assert vertebra(sclerotic.truth, "L2")["heights_mm"] == vertebra(plain.truth, "L2")["heights_mm"]
    body = sclerotic.hu[sclerotic.labels == sclerotic.truth["label_codes"]["L2"]]
    assert np.percentile(body, 99) > 450


def test_lytic_lesion_is_darker_than_trabecular_bone() -> None:
    plain, lytic = phantom(fine()), phantom(fine(lytic=("L2",)))
    assert lytic.labels is not None
    code = lytic.truth["label_codes"]["L2"]
    body = lytic.labels == code
    dark = lytic.truth["trabecular_hu"] - 100.0
    assert (lytic.hu[body] < dark).sum() > (plain.hu[body] < dark).sum() + 150
