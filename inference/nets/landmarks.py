"""A small 2D U-Net that places the six SPEC landmarks on a sagittal vertebra patch.

Input: (B, 1, H, W) normalised patches (see ``normalise_hu``); output: six heat-map logits
(B, 6, H, W) in ``inference.geometry.LANDMARK_NAMES`` order, turned into sub-pixel (row, col)
coordinates by a spatial soft-argmax. About 0.5 M parameters (~2 MB in float32).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from inference.geometry import LANDMARK_NAMES

# A wide, fixed physical window (HU): air/fat → low, cortical bone → high. Not tuned to any phantom.
_HU_CENTRE, _HU_SCALE, _HU_LOW, _HU_HIGH = 300.0, 500.0, -1000.0, 2000.0


def normalise_hu(pixels: np.ndarray | torch.Tensor) -> Any:
    """HU -> network input (same type as given)."""
    if isinstance(pixels, torch.Tensor):
        return (pixels.clamp(_HU_LOW, _HU_HIGH) - _HU_CENTRE) / _HU_SCALE
    return ((np.clip(pixels, _HU_LOW, _HU_HIGH) - _HU_CENTRE) / _HU_SCALE).astype(np.float32)


def _block(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False),
        nn.GroupNorm(min(8, cout // 4), cout),
        nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False),
        nn.GroupNorm(min(8, cout // 4), cout),
        nn.ReLU(inplace=True),
    )


class LandmarkNet(nn.Module):
    def __init__(self, width: int = 16, depth: int = 3, landmarks: int = len(LANDMARK_NAMES)) -> None:
        super().__init__()
        widths = [width * 2**i for i in range(depth + 1)]
        self.config = {"width": width, "depth": depth, "landmarks": landmarks}
        self.stem = _block(3, widths[0])  # intensity + two coordinate channels
        self.down = nn.ModuleList(_block(widths[i], widths[i + 1]) for i in range(depth))
        self.up = nn.ModuleList(_block(widths[i + 1] + widths[i], widths[i]) for i in reversed(range(depth)))
        self.head = nn.Conv2d(widths[0], landmarks, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, _, h, w = x.shape
        rows = (
            torch.linspace(-1.0, 1.0, h, device=x.device, dtype=x.dtype).view(1, 1, h, 1).expand(b, 1, h, w)
        )
        cols = (
            torch.linspace(-1.0, 1.0, w, device=x.device, dtype=x.dtype).view(1, 1, 1, w).expand(b, 1, h, w)
        )
        skips = [self.stem(torch.cat([x, rows, cols], dim=1))]
        for block in self.down:
            skips.append(block(F.max_pool2d(skips[-1], 2)))
        y = skips.pop()
        for block in self.up:
            skip = skips.pop()
            y = F.interpolate(y, size=skip.shape[-2:], mode="bilinear", align_corners=False)
            y = block(torch.cat([y, skip], dim=1))
        return self.head(y)


def build_landmark_net(config: dict[str, Any]) -> LandmarkNet:
    return LandmarkNet(
        width=int(config.get("width", 16)),
        depth=int(config.get("depth", 3)),
        landmarks=int(config.get("landmarks", len(LANDMARK_NAMES))),
    )


def soft_argmax(logits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(B, K, H, W) logits -> (coordinates (B, K, 2) as (row, col) pixels, probabilities)."""
    b, k, h, w = logits.shape
    prob = torch.softmax(logits.reshape(b, k, h * w), dim=-1).reshape(b, k, h, w)
    rows = torch.arange(h, device=logits.device, dtype=logits.dtype)
    cols = torch.arange(w, device=logits.device, dtype=logits.dtype)
    r = (prob.sum(dim=3) * rows).sum(dim=2)
    c = (prob.sum(dim=2) * cols).sum(dim=2)
    return torch.stack([r, c], dim=-1), prob


def gaussian_heatmaps(coords: torch.Tensor, shape: tuple[int, int], sigma: float) -> torch.Tensor:
    """Normalised Gaussian targets (B, K, H, W) centred at ``coords`` (B, K, 2) in pixels."""
    h, w = shape
    rows = torch.arange(h, dtype=coords.dtype, device=coords.device).view(1, 1, h, 1)
    cols = torch.arange(w, dtype=coords.dtype, device=coords.device).view(1, 1, 1, w)
    d2 = (rows - coords[..., 0, None, None]) ** 2 + (cols - coords[..., 1, None, None]) ** 2
    g = torch.exp(-d2 / (2.0 * sigma**2))
    return g / g.sum(dim=(2, 3), keepdim=True).clamp_min(1e-12)
