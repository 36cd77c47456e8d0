from pathlib import Path

import torch

from inference.nets.checkpoint import load_checkpoint, read_checkpoint_header, save_checkpoint
from inference.nets.detector import N_CLASSES, DetectorConfig, VertebraDetector, build_detector


def test_forward_shapes_on_a_small_odd_sized_input() -> None:
    torch.manual_seed(0)
    config = DetectorConfig(base_channels=4, depth=3)
    model = VertebraDetector(config).eval()
    x = torch.randn(2, 2, 16, 24, 8)
    with torch.no_grad():
        heat, classes = model(x)
    assert heat.shape == (2, 1, 16, 24, 8)
    assert classes.shape == (2, N_CLASSES, 16, 24, 8)
    assert config.size_multiple == 4


def test_default_detector_is_small() -> None:
    model = VertebraDetector()
    megabytes = sum(p.numel() for p in model.parameters()) * 4 / 1e6
    assert megabytes < 5.0


def test_checkpoint_rebuilds_the_same_detector(tmp_path: Path) -> None:
    torch.manual_seed(1)
    config = DetectorConfig(base_channels=4, depth=2)
    model = VertebraDetector(config).eval()
    path = save_checkpoint(tmp_path / "detector.pt", model, version="detector-test", config=config.to_dict())
    assert read_checkpoint_header(path)[1] == config.to_dict()
    loaded, version = load_checkpoint(path, build_detector, "cpu")
    assert version == "detector-test"
    assert isinstance(loaded, VertebraDetector) and loaded.config == config
    x = torch.randn(1, 2, 8, 8, 8)
    with torch.no_grad():
        assert all(torch.equal(a, b) for a, b in zip(model(x), loaded(x), strict=True))
