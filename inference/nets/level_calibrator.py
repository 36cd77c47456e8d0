"""A small second stage that turns the detector's level probabilities into calibrated ones.

The detector's level classes are reliable about regions (upper thoracic, the thoracolumbar junction
where the last rib is, lumbar, sacrum) but biased inside them: every mid-thoracic body reads "T8",
the sacrum reads like the junction, and the body at a scan edge reads poorly. This multinomial
logistic regression looks at the class probabilities of a candidate *and of its neighbours* (two
above, two below), whether it is the first or last candidate of the scan, and its heat-map peak, and
predicts its level. With ``rib_rings`` set it also sees, for the same five positions, how much bone
lies beside each body (``inference.pipeline.rib_context``: the rib cage, the pelvis, or neither), so
it can place the last rib-bearing vertebra instead of counting. It is fitted on phantoms the
detector never trained on (``inference.training.train_calibrator``), so it learns the detector's
real confusions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from inference.geometry import ALL_LABELS

N_LEVELS = len(ALL_LABELS)
NEIGHBOURS = (-1, 1, -2, 2)  # positions relative to the candidate, cranial first
PROBABILITY_FLOOR = 1e-4


@dataclass(frozen=True)
class CalibratorConfig:
    n_levels: int = N_LEVELS
    rib_rings: int = 0  # rings of the rib profile per position; 0 in models fitted without it

    @property
    def n_features(self) -> int:
        per_position = self.n_levels + self.rib_rings
        return per_position * (1 + len(NEIGHBOURS)) + 4  # + first, last, heat, bias

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CalibratorConfig:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def level_features(
    class_probs: np.ndarray, peaks: np.ndarray, rib_profiles: np.ndarray | None = None
) -> np.ndarray:
    """(n, n_features) for candidates ordered cranial to caudal; ``class_probs`` is (n, 1 + levels)
    with background first, ``peaks`` (n,) the heat-map peak values, ``rib_profiles`` (n, rings)
    from ``inference.pipeline.rib_context.rib_profiles`` or None for a model without them."""
    probs = np.asarray(class_probs, dtype=np.float64)[:, 1:] + PROBABILITY_FLOOR
    own = np.log(probs / probs.sum(axis=1, keepdims=True))
    if rib_profiles is not None:
        ribs = np.asarray(rib_profiles, dtype=np.float64).reshape(len(own), -1)
        if len(ribs):
            # Relative to the most bone-rich body of the column: rib density differs between people.
            ribs = ribs - ribs.max(axis=0, keepdims=True)
        own = np.hstack([own, ribs])
    n = own.shape[0]
    columns = [own]
    for offset in NEIGHBOURS:
        shifted = np.zeros_like(own)
        source = np.arange(n) + offset
        inside = (source >= 0) & (source < n)
        shifted[inside] = own[source[inside]]
        columns.append(shifted)
    first = np.zeros((n, 1))
    last = np.zeros((n, 1))
    if n:
        first[0] = 1.0
        last[-1] = 1.0
    extras = [first, last, np.asarray(peaks, dtype=np.float64).reshape(n, 1), np.ones((n, 1))]
    return np.hstack(columns + extras).astype(np.float32)


class LevelCalibrator(nn.Module):
    def __init__(self, config: CalibratorConfig | None = None) -> None:
        super().__init__()
        self.config = config or CalibratorConfig()
        self.linear = nn.Linear(self.config.n_features, self.config.n_levels, bias=False)
        nn.init.zeros_(self.linear.weight)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.linear(features)

    @property
    def needs_rib_profiles(self) -> bool:
        return self.config.rib_rings > 0

    @torch.inference_mode()
    def log_probs(
        self, class_probs: np.ndarray, peaks: np.ndarray, rib_profiles: np.ndarray | None = None
    ) -> np.ndarray:
        """(n, levels) log-probabilities over ALL_LABELS for candidates ordered cranial to caudal."""
        if len(class_probs) == 0:
            return np.zeros((0, self.config.n_levels))
        if self.needs_rib_profiles and rib_profiles is None:
            raise ValueError("this level calibrator needs rib profiles")
        profiles = rib_profiles if self.needs_rib_profiles else None
        features = torch.from_numpy(level_features(class_probs, peaks, profiles))
        features = features.to(self.linear.weight.device)
        return torch.log_softmax(self.forward(features), dim=1).double().cpu().numpy()


def build_calibrator(config: dict[str, Any]) -> LevelCalibrator:
    return LevelCalibrator(CalibratorConfig.from_dict(config))
