"""Compare vertebra labelling settings on many phantoms from the training generator.

The 40-case benchmark holds too few labelling failures (one or two scans per set) to tell two
settings apart. This runs the shipped detector once over each phantom of a seed set that no
training stage uses, then labels the candidates with every variant below from the same detector
maps, and prints, per variant, how many scans have every vertebra T1-L5 found and labelled right,
the share of vertebrae labelled right (a vertebra not found counts as wrong, as in the benchmark),
the candidates kept that match no vertebra, and the paired count of scans each variant fixes or
breaks against the first one.

    .venv/bin/python scripts/labelling_validation.py --phantoms 300 --set-seed 31337 [--levels FILE]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from inference.benchmark.runner import match_by_distance
from inference.geometry import GRADABLE_LABELS
from inference.nets.checkpoint import load_checkpoint
from inference.nets.level_calibrator import LevelCalibrator, build_calibrator
from inference.pipeline.labelling import LabelDecoderSettings
from inference.pipeline.localise import (
    LocatorSettings,
    VertebraCandidate,
    VertebraLocator,
    candidates_from_maps,
)
from inference.pipeline.skipped_levels import SkippedLevelSettings
from inference.training.detector_data import DetectorData, WorkingSample
from inference.training.train_calibrator import _WorkingVolume

WEIGHTS = Path(__file__).resolve().parents[1] / "inference" / "weights"
_NO_RECOVERY = SkippedLevelSettings(enabled=False)
_ALIKE = LabelDecoderSettings(weak_weight=1.0)  # every body's level evidence counts the same
VARIANTS: dict[str, tuple[LocatorSettings, LabelDecoderSettings]] = {
    "peaks in a 5x5x5 window": (LocatorSettings(local_max_radius_vox=2, skipped=_NO_RECOVERY), _ALIKE),
    "peaks in a 3x3x3 window": (LocatorSettings(local_max_radius_vox=1, skipped=_NO_RECOVERY), _ALIKE),
    # Recovered candidates as the locator proposes them; the Analyzer's landmark check is not run here.
    "3x3x3, skipped levels recovered": (LocatorSettings(local_max_radius_vox=1), _ALIKE),
    "3x3x3, mid-thoracic evidence weighted": (
        LocatorSettings(local_max_radius_vox=1, skipped=_NO_RECOVERY),
        LabelDecoderSettings(),
    ),
    "3x3x3, recovered and weighted (shipped)": (
        LocatorSettings(local_max_radius_vox=1),
        LabelDecoderSettings(),
    ),
}


def score(
    sample: WorkingSample, spacing_mm: float, candidates: list[VertebraCandidate]
) -> tuple[int, int, int]:
    """(vertebrae labelled right, vertebrae T1-L5 in view, kept candidates matching none)."""
    truth = [
        {"label": label, "centroid_lps_mm": c[::-1] * spacing_mm}
        for label, c in zip(sample.labels, sample.centroids_zyx, strict=True)
    ]
    found = [{"label": c.label, "centroid_lps_mm": c.centroid_lps_mm} for c in candidates]
    matched = match_by_distance(truth, found)
    gradable = [t for t, true in enumerate(truth) if true["label"] in GRADABLE_LABELS]
    right = sum(t in matched and matched[t]["label"] == truth[t]["label"] for t in gradable)
    used = {id(guess) for guess in matched.values()}
    unmatched = sum(id(guess) not in used and guess["label"] in GRADABLE_LABELS for guess in found)
    return right, len(gradable), unmatched


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phantoms", type=int, default=300)
    parser.add_argument("--set-seed", type=int, default=31337, help="a phantom set no training stage uses")
    parser.add_argument("--levels", type=Path, default=WEIGHTS / "levels.pt", help="level calibrator")
    parser.add_argument(
        "--baseline-levels",
        type=Path,
        default=None,
        help="calibrator for the first variant (default --levels)",
    )
    parser.add_argument("--cache", type=Path, default=None, help="where to keep the generated phantoms")
    args = parser.parse_args(argv)
    torch.manual_seed(0)
    locator = VertebraLocator(WEIGHTS / "detector.pt", "cpu", calibrator_path=args.levels)
    baseline, baseline_version = load_checkpoint(args.baseline_levels or args.levels, build_calibrator, "cpu")
    assert isinstance(baseline, LevelCalibrator)
    calibrators = [baseline] + [locator.calibrator] * (len(VARIANTS) - 1)
    data = DetectorData(args.set_seed, args.cache, spacing_mm=locator.config.spacing_mm)
    tallies = {name: np.zeros(3, dtype=int) for name in VARIANTS}
    all_right: dict[str, list[bool]] = {name: [] for name in VARIANTS}
    for index in range(args.phantoms):
        sample = data.sample(index)
        maps = locator.predict_maps(_WorkingVolume(sample, data.spacing_mm))
        for (name, (settings, decoder)), calibrator in zip(VARIANTS.items(), calibrators, strict=True):
            found = candidates_from_maps(maps, settings, decoder, calibrator)
            right, total, unmatched = score(sample, data.spacing_mm, found)
            tallies[name] += (right, total, unmatched)
            all_right[name].append(right == total)
    first = np.array(all_right[next(iter(VARIANTS))])
    versions = f"{baseline_version}, {locator.model_version}"
    print(f"{args.phantoms} phantoms of set {args.set_seed}; calibrators {versions}")
    for name, (right, total, unmatched) in tallies.items():
        scans = np.array(all_right[name])
        print(
            f"{name}: scans entirely right {scans.sum()}/{len(scans)}, vertebrae {right}/{total} "
            f"({100 * right / max(total, 1):.1f} %), unmatched candidates {unmatched}, "
            f"fixes {int((scans & ~first).sum())}, breaks {int((first & ~scans).sum())}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
