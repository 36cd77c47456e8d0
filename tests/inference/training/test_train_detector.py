from pathlib import Path

import torch

from inference.nets.checkpoint import load_checkpoint
from inference.nets.detector import DetectorConfig, build_detector
from inference.training.train_detector import TrainSettings, train_detector


def test_tiny_training_is_deterministic_and_saves_a_versioned_checkpoint(tmp_path: Path) -> None:
    settings = TrainSettings(phantoms=1, batch=1, patch=(16, 32, 32), log_every=1)
    config = DetectorConfig(base_channels=2, depth=2)
    paths = [
        train_detector(
            tmp_path / name,
            seed=4,
            minutes=None,
            steps=2,
            device="cpu",
            settings=settings,
            config=config,
            cache_dir=tmp_path / "cache",
            smoke=True,
        )
        for name in ("a", "b")
    ]
    models = [load_checkpoint(path, build_detector, "cpu") for path in paths]
    assert models[0][1].startswith("detector-smoke-") and models[0][1].endswith("-seed4")
    for a, b in zip(models[0][0].state_dict().values(), models[1][0].state_dict().values(), strict=True):
        assert torch.equal(a, b)
    assert not torch.are_deterministic_algorithms_enabled()  # the global switch is restored
