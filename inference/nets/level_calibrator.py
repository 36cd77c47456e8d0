"""A small second stage that turns the detector's level probabilities into calibrated ones.

The detector's level classes are reliable about regions (upper thoracic, the thoracolumbar junction
where the last rib is, lumbar, sacrum) but biased inside them: every mid-thoracic body reads "T8",
the sacrum reads like the junction, and the body at a scan edge reads poorly. This multinomial
logistic regression looks at the class probabilities of a candidate *and of its neighbours* (two
above, two below), whether it is the first or last candidate of the scan, and its heat-map peak, and
predicts its level. It is fitted on phantoms the detector never trained on
(``inference.training.train_calibrator``), so it learns the detector's real confusions.
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

    @property
    def n_features(self) -> int:
        return self.n_levels * (1 + len(NEIGHBOURS)) + 4  # + first, last, heat, bias

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CalibratorConfig:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def level_features(class_probs: np.ndarray, peaks: np.ndarray) -> np.ndarray:
    """(n, n_features) for candidates ordered cranial to caudal; ``class_probs`` is (n, 1 + levels)
    with background first, ``peaks`` (n,) the heat-map peak values."""
    probs = np.asarray(class_probs, dtype=np.float64)[:, 1:] + PROBABILITY_FLOOR
    own = np.log(probs / probs.sum(axis=1, keepdims=True))
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

    @torch.inference_mode()
    def log_probs(self, class_probs: np.ndarray, peaks: np.ndarray) -> np.ndarray:
        """(n, levels) log-probabilities over ALL_LABELS for candidates ordered cranial to caudal."""
        if len(class_probs) == 0:
            return np.zeros((0, self.config.n_levels))
        features = torch.from_numpy(level_features(class_probs, peaks))
        features = features.to(self.linear.weight.device)
        return torch.log_softmax(self.forward(features), dim=1).double().cpu().numpy()


def build_calibrator(config: dict[str, Any]) -> LevelCalibrator:
    return LevelCalibrator(CalibratorConfig.from_dict(config))
