from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from inference.phantom import generate_phantom
from inference.pipeline.bodyframe import BodyFrame
from inference.pipeline.cement import CementDetector
from tests.inference.pipeline.shapes import CONFOUNDED_SPEC


@pytest.fixture(scope="module")
def phantom():
    return generate_phantom(replace(CONFOUNDED_SPEC, noise_hu=15))


def _pitch(vertebrae: list[dict], index: int) -> float:
    centre = np.asarray(vertebrae[index]["centroid_lps_mm"])
    near = [vertebrae[j]["centroid_lps_mm"] for j in (index - 1, index + 1) if 0 <= j < len(vertebrae)]
    return float(np.mean([np.linalg.norm(centre - np.asarray(q)) for q in near]))


def test_cement_level_detected_only(phantom) -> None:
    detector = CementDetector(phantom.hu, phantom.affine)
    vertebrae = phantom.truth["vertebrae"]
    for index, vertebra in enumerate(vertebrae):
        frame = BodyFrame.from_centroid(vertebra["centroid_lps_mm"], spacing_mm=_pitch(vertebrae, index))
        finding = detector.detect(frame)
        assert finding.excluded == (vertebra["status"] == "excluded_cement"), vertebra["label"]
        if vertebra["landmarks_lps_mm"] is not None:  # the landmark-based frame agrees
            assert not detector.detect(BodyFrame.from_landmarks(vertebra["landmarks_lps_mm"])).excluded


def test_sclerotic_level_is_not_cement(phantom) -> None:
    detector = CementDetector(phantom.hu, phantom.affine)
    l1 = next(v for v in phantom.truth["vertebrae"] if v["label"] == "L1")
    finding = detector.detect(BodyFrame.from_landmarks(l1["landmarks_lps_mm"]))
    assert "sclerotic" in l1["confounders"] and not finding.excluded
    assert 600 < finding.max_hu < 1800 and finding.dense_volume_mm3 == 0


def _block_with_aorta(aorta_hu: int) -> tuple[np.ndarray, np.ndarray, BodyFrame]:
    """Normal body (150 HU in a 1200 HU cortex) with a contrast-filled aorta touching it."""
    spacing = np.array([0.8, 0.8, 1.5])  # i, j, k
    shape = (40, 90, 90)
    affine = np.diag([*spacing, 1.0])
    affine[:3, 3] = -spacing * (np.array(shape[::-1]) - 1) / 2
    k, j, i = np.meshgrid(*(np.arange(n) for n in shape), indexing="ij")
    x, y, z = (affine[a, a] * idx + affine[a, 3] for a, idx in enumerate((i, j, k)))
    hu = np.full(shape, 40, dtype=np.int16)
    body = (x / 22) ** 2 + (y / 16) ** 2 <= 1
    hu[body & (np.abs(z) <= 13)] = 1200
    hu[((x / 20) ** 2 + (y / 14) ** 2 <= 1) & (np.abs(z) <= 11)] = 150
    hu[((x - 18) ** 2 + (y + 26) ** 2 <= 11**2)] = aorta_hu  # anterior-left, touching the cortex
    frame = BodyFrame.build(np.zeros(3), np.array([0, 0, 1.0]), np.array([0, -1.0, 0]), 32.0, 24.0)
    return hu, affine, frame


@pytest.mark.parametrize("aorta_hu", [350, 650])
def test_contrast_aorta_and_cortex_do_not_fire(aorta_hu: int) -> None:
    hu, affine, frame = _block_with_aorta(aorta_hu)
    assert not CementDetector(hu, affine).detect(frame).excluded


def test_small_dense_specks_do_not_fire_but_a_cement_cloud_does() -> None:
    hu, affine, frame = _block_with_aorta(350)
    rng = np.random.default_rng(0)
    specks = hu.copy()
    for _ in range(6):  # isolated one-voxel bright specks (noise, calcified fleck)
        specks[20, rng.integers(40, 50), rng.integers(40, 50)] = 3000
    assert not CementDetector(specks, affine).detect(frame).excluded
    cement = hu.copy()
    cement[17:23, 40:50, 40:50] = 2800  # 9 × 8 × 8 mm
    finding = CementDetector(cement, affine).detect(frame)
    assert finding.excluded and finding.dense_volume_mm3 > 300
