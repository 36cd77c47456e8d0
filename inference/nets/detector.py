"""A small 3D U-Net for vertebra detection on the 4 mm working grid.

Two heads on the full-resolution features: a centroid heat-map (one logit per voxel; the target is a
Gaussian blob at every vertebral-body centroid) and a vertebra-level segmentation (background + C7,
T1-T12, L1-L5, S1 = 20 classes over the vertebral bodies), so that a vertebra's level comes from the
anatomy around it (ribs, the last rib-bearing vertebra, sacrum, pelvis) rather than from counting.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from inference.geometry import ALL_LABELS

N_CLASSES = len(ALL_LABELS) + 1  # class 0 is background; class c is ALL_LABELS[c - 1]


@dataclass(frozen=True)
class DetectorConfig:
    in_channels: int = 2
    base_channels: int = 8
    depth: int = 4  # resolution levels; the input size must be a multiple of 2 ** (depth - 1)
    n_classes: int = N_CLASSES
    spacing_mm: float = 4.0  # the working grid the net was trained on

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DetectorConfig:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)

    @property
    def size_multiple(self) -> int:
        return int(2 ** (self.depth - 1))


class _ConvBlock(nn.Sequential):
    def __init__(self, c_in: int, c_out: int) -> None:
        groups = max(1, c_out // 4)
        super().__init__(
            nn.Conv3d(c_in, c_out, 3, padding=1, bias=False),
            nn.GroupNorm(groups, c_out),
            nn.LeakyReLU(0.1, inplace=True),
            nn.Conv3d(c_out, c_out, 3, padding=1, bias=False),
            nn.GroupNorm(groups, c_out),
            nn.LeakyReLU(0.1, inplace=True),
        )


class VertebraDetector(nn.Module):
    """``forward(x [B, C, Z, Y, X]) -> (heat_logits [B, 1, Z, Y, X], class_logits [B, K, Z, Y, X])``."""

    def __init__(self, config: DetectorConfig | None = None) -> None:
        super().__init__()
        self.config = config or DetectorConfig()
        widths = [self.config.base_channels * 2**level for level in range(self.config.depth)]
        self.encoders = nn.ModuleList()
        c_in = self.config.in_channels
        for width in widths:
            self.encoders.append(_ConvBlock(c_in, width))
            c_in = width
        self.ups = nn.ModuleList()
        self.decoders = nn.ModuleList()
        for level in range(self.config.depth - 2, -1, -1):
            self.ups.append(nn.ConvTranspose3d(widths[level + 1], widths[level], 2, stride=2))
            self.decoders.append(_ConvBlock(2 * widths[level], widths[level]))
        self.heat_head = nn.Conv3d(widths[0], 1, 1)
        self.class_head = nn.Conv3d(widths[0], self.config.n_classes, 1)
        assert self.heat_head.bias is not None
        nn.init.constant_(self.heat_head.bias, -4.0)  # start near "no centroid" everywhere

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        skips: list[torch.Tensor] = []
        for index, encoder in enumerate(self.encoders):
            if index > 0:
                x = F.max_pool3d(x, 2)
            x = encoder(x)
            skips.append(x)
        x = skips.pop()
        for up, decoder in zip(self.ups, self.decoders, strict=True):
            x = decoder(torch.cat([up(x), skips.pop()], dim=1))
        return self.heat_head(x), self.class_head(x)


def build_detector(config: dict[str, Any]) -> VertebraDetector:
    """The builder ``load_checkpoint`` needs."""
    return VertebraDetector(DetectorConfig.from_dict(config))
