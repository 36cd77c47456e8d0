from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

from inference.nets.checkpoint import (
    CheckpointError,
    load_checkpoint,
    read_checkpoint_header,
    save_checkpoint,
)


def _build(config: dict[str, Any]) -> nn.Module:
    return nn.Sequential(
        nn.Linear(config["n_in"], config["hidden"]), nn.ReLU(), nn.Linear(config["hidden"], 1)
    )


def test_round_trip_keeps_version_config_and_weights(tmp_path: Path) -> None:
    torch.manual_seed(0)
    config = {"n_in": 3, "hidden": 5}
    model = _build(config)
    path = save_checkpoint(tmp_path / "w" / "m.pt", model, version="test-1", config=config)
    assert read_checkpoint_header(path) == ("test-1", config)
    loaded, version = load_checkpoint(path, _build, "cpu")
    assert version == "test-1"
    assert not loaded.training
    x = torch.randn(4, 3)
    assert torch.equal(loaded(x), model(x))


def test_foreign_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.pt"
    torch.save({"hello": 1}, path)
    with pytest.raises(CheckpointError):
        load_checkpoint(path, _build, "cpu")
    with pytest.raises(FileNotFoundError):
        load_checkpoint(tmp_path / "missing.pt", _build, "cpu")
