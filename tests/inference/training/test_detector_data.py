import numpy as np

from inference.geometry import ALL_LABELS
from inference.phantom import PhantomSpec
from inference.training.detector_data import DetectorData, crop, heatmap_for, make_working_sample, random_spec


def test_same_seed_same_spec_and_patch() -> None:
    a = random_spec(np.random.default_rng(5), seed=5)
    b = random_spec(np.random.default_rng(5), seed=5)
    assert a == b
    data = DetectorData(3, cache_dir=None)
    assert data.spec(2)[0] == DetectorData(3, cache_dir=None).spec(2)[0]
    assert data.spec(2)[0] != data.spec(3)[0]


def test_heatmap_peaks_at_the_centroid_voxel() -> None:
    centres = np.array([[5.2, 6.0, 7.4], [14.0, 3.0, 3.0]])
    heat = heatmap_for((20, 12, 12), centres, 1.5)
    assert np.unravel_index(np.argmax(heat[:10]), heat[:10].shape) == (5, 6, 7)
    assert heat[14, 3, 3] == 1.0
    assert heat[10, 0, 0] < 0.01


def test_working_sample_targets_match_the_phantom(tmp_path: object) -> None:
    spec = PhantomSpec(seed=2, levels=("T11", "L2"), size=96, pixel_mm=4.0, slice_mm=4.0)
    sample = make_working_sample(spec, np.eye(3), 4.0)
    assert sample.labels == ("T11", "T12", "L1", "L2")
    for label, centre in zip(sample.labels, sample.centroids_zyx, strict=True):
        voxel = tuple(np.round(centre).astype(int))
        assert sample.classes[voxel] == ALL_LABELS.index(label) + 1
    rng_a, rng_b = np.random.default_rng(0), np.random.default_rng(0)
    patch_a = crop(sample, rng_a, (16, 32, 32), 1.5)
    patch_b = crop(sample, rng_b, (16, 32, 32), 1.5)
    assert patch_a.image.shape == (2, 16, 32, 32)
    assert np.array_equal(patch_a.image, patch_b.image) and np.array_equal(patch_a.heatmap, patch_b.heatmap)
    if patch_a.heatmap.max() > 0.99:
        peak = np.unravel_index(np.argmax(patch_a.heatmap), patch_a.heatmap.shape)
        assert patch_a.classes[peak] > 0
