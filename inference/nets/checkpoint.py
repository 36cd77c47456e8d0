"""Saving and loading network weights together with a model-version string and the architecture
hyper-parameters, so that a checkpoint file alone rebuilds its network."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from torch import nn

FORMAT = "vcf-checkpoint/1"


class CheckpointError(ValueError):
    """The file is not a checkpoint this code can read."""


def save_checkpoint(path: Path | str, model: nn.Module, *, version: str, config: dict[str, Any]) -> Path:
    """Write ``model``'s weights (on CPU), ``version`` and ``config`` to ``path`` atomically."""
    if not version:
        raise ValueError("a checkpoint needs a non-empty model-version string")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {name: tensor.detach().cpu() for name, tensor in model.state_dict().items()}
    payload = {"format": FORMAT, "version": version, "config": dict(config), "state_dict": state}
    tmp = path.with_name(path.name + ".tmp")
    torch.save(payload, tmp)
    tmp.replace(path)
    return path


def read_checkpoint_header(path: Path | str) -> tuple[str, dict[str, Any]]:
    """The version string and config of a checkpoint, without building the network."""
    payload = _read(Path(path))
    return str(payload["version"]), dict(payload["config"])


def load_checkpoint(
    path: Path | str, build: Callable[[dict[str, Any]], nn.Module], device: torch.device | str
) -> tuple[nn.Module, str]:
    """Rebuild the network with ``build(config)``, load the weights, move it to ``device`` and put
    it in eval mode. Returns ``(model, version)``."""
    payload = _read(Path(path))
    model = build(dict(payload["config"]))
    model.load_state_dict(payload["state_dict"])
    model.to(torch.device(device))
    model.eval()
    return model, str(payload["version"])


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint not found: {path}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for corrupt/foreign files
        raise CheckpointError(f"cannot read checkpoint {path}: {exc}") from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a {FORMAT} file")
    for key in ("version", "config", "state_dict"):
        if key not in payload:
            raise CheckpointError(f"{path} lacks '{key}'")
    return payload
