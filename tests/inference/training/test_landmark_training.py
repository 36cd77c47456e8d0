"""A tiny end-to-end training run: the checkpoint loads into the predictor and is deterministic."""

from __future__ import annotations

from pathlib import Path

import torch

from inference.nets.checkpoint import read_checkpoint_header
from inference.pipeline.landmarks import LandmarkPredictor
from inference.pipeline.sagittal import SagittalSampler
from inference.training.landmark_data import PatchAugment
from inference.training.train_landmarks import LandmarkTrainConfig, train_landmarks


def test_tiny_training_run_round_trips(tmp_path: Path) -> None:
    threads = torch.get_num_threads()
    config = LandmarkTrainConfig(
        phantoms=1,
        batch=4,
        width=4,
        depth=2,
        workers=1,
        threads=1,
        tag="landmarks-test",
        sampler=SagittalSampler(size=(32, 32)),
        augment=PatchAugment(patches_per_vertebra=1, fractured_extra=0),
    )
    try:
        paths = [
            train_landmarks(
                tmp_path / f"{i}.pt",
                seed=3,
                minutes=None,
                steps=3,
                config=config,
                cache_dir=tmp_path,
                log=lambda _: None,
            )
            for i in range(2)
        ]
    finally:
        torch.set_num_threads(threads)
    version, saved = read_checkpoint_header(paths[0])
    assert version == "landmarks-test-unet4x2-heights0.25-3steps-seed3"
    assert saved["training"]["height_weight"] == 0.25
    assert saved["patch_size"] == [32, 32] and saved["training"]["seed"] == 3
    first, second = (torch.load(p, weights_only=True)["state_dict"] for p in paths)
    assert all(torch.equal(first[k], second[k]) for k in first)
    predictor = LandmarkPredictor(paths[0], "cpu")
    assert predictor.sampler.size == (32, 32) and predictor.version == version
