"""Choosing the torch device: CUDA when asked or available, the CPU otherwise."""

from __future__ import annotations

import torch


class DeviceError(ValueError):
    pass


def resolve_device(name: str = "auto") -> torch.device:
    """``auto`` → CUDA if available, else CPU; ``cuda`` fails loudly when there is none."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise DeviceError("CUDA was requested but no CUDA device is available")
        return torch.device(name)
    raise DeviceError(f"unknown device {name!r}; use auto, cpu or cuda")
