"""Fitting the level calibrator (``inference.nets.level_calibrator``) to a trained detector.

The detector runs over a fresh set of phantoms it never trained on (same generator and
augmentations, another seed); every heat-map peak that lies within ``MATCH_MM`` of a true centroid
becomes one example (features of the peak and its neighbours → true level). The multinomial
logistic regression is fitted full-batch with Adam, an L2 penalty and a loss against reading whole
columns shifted by a level, deterministically.

    python -m inference.training.train_calibrator --detector DIR/detector.pt --out DIR --seed 0
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from inference.geometry import ALL_LABELS
from inference.nets.checkpoint import save_checkpoint
from inference.nets.level_calibrator import CalibratorConfig, LevelCalibrator, level_features
from inference.pipeline.localise import VertebraLocator, candidate_evidence
from inference.pipeline.rib_context import N_RINGS
from inference.training.column_loss import ColumnShiftLoss
from inference.training.detector_data import DetectorData, WorkingSample
from inference.training.train_detector import DEFAULT_CACHE

log = logging.getLogger(__name__)

SEED_OFFSET = 7919  # the calibration phantoms are a different set from the detector's
MATCH_MM = 12.0


@dataclass(frozen=True)
class CalibratorSettings:
    phantoms: int = 200
    steps: int = 3000
    lr: float = 0.005
    l2: float = 1e-3
    column_weight: float = 1.0


class _WorkingVolume:
    """A working-grid sample seen as a CT volume (hu[k, j, i] with an isotropic affine)."""

    def __init__(self, sample: WorkingSample, spacing_mm: float) -> None:
        self.hu = sample.hu
        self.affine = np.diag([spacing_mm, spacing_mm, spacing_mm, 1.0])


CONFIG = CalibratorConfig(rib_rings=N_RINGS)


def examples(
    locator: VertebraLocator, sample: WorkingSample, spacing_mm: float
) -> tuple[np.ndarray, np.ndarray]:
    maps = locator.predict_maps(_WorkingVolume(sample, spacing_mm))
    evidence = candidate_evidence(maps, locator.settings, with_rib_profiles=True)
    if evidence is None:
        return np.zeros((0, CONFIG.n_features), np.float32), np.zeros(0, np.int64)
    features = level_features(evidence.class_probs, evidence.confidences, evidence.rib_profiles)
    centroids = evidence.centroids_lps_mm
    truth = sample.centroids_zyx[:, ::-1] * spacing_mm  # (x, y, z) mm on the same isotropic grid
    rows, labels = [], []
    for k, centroid in enumerate(centroids):
        distances = np.linalg.norm(truth - centroid, axis=1)
        nearest = int(np.argmin(distances))
        if distances[nearest] <= MATCH_MM:
            rows.append(features[k])
            labels.append(ALL_LABELS.index(sample.labels[nearest]))
    return np.array(rows, np.float32).reshape(-1, features.shape[1]), np.array(labels, np.int64)


def fit(
    columns: Sequence[tuple[np.ndarray, np.ndarray]],
    settings: CalibratorSettings,
    seed: int,
    config: CalibratorConfig = CONFIG,
) -> LevelCalibrator:
    """Fit on (features, true levels) of each training column: per-vertebra cross-entropy plus
    ``settings.column_weight`` times the column-shift loss (``inference.training.column_loss``)."""
    torch.manual_seed(seed)
    model = LevelCalibrator(config)
    optimiser = torch.optim.Adam(model.parameters(), lr=settings.lr)
    x = torch.from_numpy(np.concatenate([features for features, _ in columns]))
    y = torch.from_numpy(np.concatenate([labels for _, labels in columns]))
    column_loss = ColumnShiftLoss([labels for _, labels in columns], config.n_levels)
    for step in range(settings.steps):
        log_probs = torch.log_softmax(model(x), dim=1)
        loss = F.nll_loss(log_probs, y) + settings.l2 * (model.linear.weight**2).sum()
        if settings.column_weight:
            loss = loss + settings.column_weight * column_loss(log_probs)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        if (step + 1) % 1000 == 0:
            accuracy = float((model(x).argmax(dim=1) == y).float().mean())
            log.info("calibrator step %d  loss %.4f  accuracy %.3f", step + 1, loss.item(), accuracy)
    return model.eval()


def train_calibrator(
    out: Path,
    *,
    detector_path: Path,
    seed: int,
    device: torch.device | str = "cpu",
    settings: CalibratorSettings | None = None,
    cache_dir: Path | None = DEFAULT_CACHE,
) -> Path:
    settings = settings or CalibratorSettings()
    locator = VertebraLocator(detector_path, device)
    data = DetectorData(seed + SEED_OFFSET, cache_dir, spacing_mm=locator.config.spacing_mm)
    columns = [examples(locator, data.sample(index), data.spacing_mm) for index in range(settings.phantoms)]
    log.info("calibrator: %d examples from %d phantoms", sum(len(c[1]) for c in columns), settings.phantoms)
    model = fit(columns, settings, seed)
    window = 2 * locator.settings.local_max_radius_vox + 1  # which heat-map peaks it was fitted on
    version = f"levels-lr-ribs{CONFIG.rib_rings}-peaks{window}-column-{settings.phantoms}ph-seed{seed}"
    config = CONFIG.to_dict()
    return save_checkpoint(Path(out) / "levels.pt", model, version=version, config=config)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detector", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--phantoms", type=int, default=CalibratorSettings.phantoms)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    path = train_calibrator(
        args.out,
        detector_path=args.detector,
        seed=args.seed,
        settings=CalibratorSettings(phantoms=args.phantoms),
    )
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
