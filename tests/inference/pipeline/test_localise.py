from pathlib import Path

import numpy as np
import torch

from inference.geometry import ALL_LABELS
from inference.nets.checkpoint import save_checkpoint
from inference.nets.detector import N_CLASSES, DetectorConfig, VertebraDetector
from inference.pipeline.labelling import LabelDecoderSettings
from inference.pipeline.localise import (
    DetectorMaps,
    LocatorSettings,
    VertebraLocator,
    candidates_from_maps,
    find_peaks,
)
from inference.pipeline.resample import WorkingGrid
from inference.training.detector_data import heatmap_for


def _synthetic_maps(levels: list[str], centres_zyx: np.ndarray, peaks: list[float]) -> DetectorMaps:
    shape = (60, 20, 20)
    heat = np.zeros(shape, dtype=np.float32)
    probs = np.full((N_CLASSES, *shape), 0.01, dtype=np.float32)
    probs[0] = 1.0
    for label, centre, peak in zip(levels, centres_zyx, peaks, strict=True):
        heat = np.maximum(heat, peak * heatmap_for(shape, centre[None], 1.5))
        z = round(centre[0])
        probs[:, z - 2 : z + 3, 8:13, 8:13] = 0.01
        probs[ALL_LABELS.index(label) + 1, z - 2 : z + 3, 8:13, 8:13] = 1.0
    probs /= probs.sum(axis=0, keepdims=True)
    grid = WorkingGrid(origin_lps_mm=(-40.0, -40.0, 0.0), spacing_mm=4.0, shape=shape)
    return DetectorMaps(grid, heat, probs)


def test_peaks_are_refined_below_a_voxel() -> None:
    centres = np.array([[10.3, 9.6, 10.2], [30.0, 10.0, 10.0]])
    heat = heatmap_for((40, 20, 20), centres, 1.5)
    peaks = find_peaks(heat, 4.0, LocatorSettings())
    assert len(peaks) == 2
    found = sorted(p.zyx.tolist() for p in peaks)
    assert np.allclose(found, centres, atol=0.2)


def test_close_upper_thoracic_bodies_whose_heat_merges_are_both_found() -> None:
    # 13 mm apart on the 4 mm grid, the weaker blob sits on the stronger one's shoulder.
    shape = (40, 20, 20)
    strong, weak = np.array([[20.0, 10.0, 10.0]]), np.array([[23.3, 10.0, 10.0]])
    heat = np.maximum(0.95 * heatmap_for(shape, strong, 2.5), 0.8 * heatmap_for(shape, weak, 2.5))
    peaks = find_peaks(heat, 4.0, LocatorSettings())
    assert np.allclose(sorted(p.zyx[0] for p in peaks), [20.0, 23.3], atol=0.5)
    assert len(find_peaks(heat, 4.0, LocatorSettings(local_max_radius_vox=2))) == 1


def test_candidates_are_ordered_labelled_and_keep_weak_ones() -> None:
    levels = ["L1", "L2", "L3", "L4"]
    centres = np.array([[50.0, 10.0, 10.0], [41.0, 10.0, 10.0], [32.0, 10.0, 10.0], [23.0, 10.0, 10.0]])
    maps = _synthetic_maps(levels, centres, [0.95, 0.9, 0.4, 0.9])
    candidates = candidates_from_maps(maps, LocatorSettings(), LabelDecoderSettings())
    assert [c.label for c in candidates] == levels
    assert candidates[2].confidence < 0.5 <= candidates[1].confidence
    z = [c.centroid_lps_mm[2] for c in candidates]
    assert z == sorted(z, reverse=True)
    assert np.allclose(candidates[0].centroid_lps_mm, maps.grid.index_to_lps(centres[0]), atol=0.5)


def test_locator_runs_end_to_end_with_untrained_weights(tmp_path: Path) -> None:
    torch.manual_seed(0)
    config = DetectorConfig(base_channels=2, depth=2)
    path = save_checkpoint(
        tmp_path / "d.pt", VertebraDetector(config), version="detector-test", config=config.to_dict()
    )

    class Volume:
        hu = np.full((30, 40, 40), -1000, dtype=np.int16)
        affine = np.diag([2.0, 2.0, 3.0, 1.0])

    locator = VertebraLocator(path, "cpu", settings=LocatorSettings(max_window_z=8, window_overlap_z=2))
    assert locator.model_version == "detector-test"
    maps = locator.predict_maps(Volume())
    assert maps.heat.shape == maps.grid.shape and maps.class_probs.shape[1:] == maps.grid.shape
    assert np.allclose(maps.class_probs.sum(axis=0), 1.0, atol=1e-4)
    assert isinstance(locator.locate(Volume()), list)
