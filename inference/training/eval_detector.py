"""Held-out evaluation of detector weights on fresh phantoms: detection recall/precision, centroid
error and labelling accuracy. ``python -m inference.training.eval_detector WEIGHTS --cases 5``."""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inference.phantom import generate_phantom
from inference.pipeline.localise import VertebraLocator
from inference.training.detector_data import random_spec

EVAL_SEED_OFFSET = 1_000_003  # held-out seeds never collide with training sets of small seeds
MATCH_RADIUS_MM = 10.0


@dataclass(frozen=True)
class CaseScore:
    truth: int
    found: int  # candidates with confidence >= threshold
    matched: int  # found candidates within MATCH_RADIUS_MM of a true centroid
    correct_label: int
    mean_error_mm: float
    seconds: float


def evaluate(locator: VertebraLocator, *, cases: int, seed: int, threshold: float = 0.5) -> list[CaseScore]:
    scores = []
    for case in range(cases):
        rng = np.random.default_rng([EVAL_SEED_OFFSET + seed, case])
        phantom = generate_phantom(random_spec(rng, seed=int(rng.integers(2**31 - 1))))
        started = time.perf_counter()
        candidates = [c for c in locator.locate(phantom) if c.confidence >= threshold]
        seconds = time.perf_counter() - started
        truth = phantom.truth["vertebrae"]
        true_xyz = np.array([v["centroid_lps_mm"] for v in truth])
        matched, correct, errors = 0, 0, []
        for candidate in candidates:
            distances = np.linalg.norm(true_xyz - candidate.centroid_lps_mm, axis=1)
            nearest = int(np.argmin(distances))
            if distances[nearest] <= MATCH_RADIUS_MM:
                matched += 1
                errors.append(float(distances[nearest]))
                correct += int(truth[nearest]["label"] == candidate.label)
        scores.append(
            CaseScore(
                len(truth),
                len(candidates),
                matched,
                correct,
                float(np.mean(errors)) if errors else np.nan,
                seconds,
            )
        )
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", type=Path)
    parser.add_argument("--cases", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)
    locator = VertebraLocator(args.weights, args.device)
    print(locator.model_version)
    scores = evaluate(locator, cases=args.cases, seed=args.seed)
    for s in scores:
        print(
            f"truth {s.truth:2d}  found {s.found:2d}  matched {s.matched:2d}  labels ok {s.correct_label:2d}"
            f"  error {s.mean_error_mm:5.1f} mm  {s.seconds:4.1f} s"
        )
    total = {
        name: sum(getattr(s, name) for s in scores) for name in ("truth", "found", "matched", "correct_label")
    }
    recall = total["matched"] / max(total["truth"], 1)
    precision = total["matched"] / max(total["found"], 1)
    accuracy = total["correct_label"] / max(total["matched"], 1)
    print(f"recall {recall:.2f}  precision {precision:.2f}  label accuracy {accuracy:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
