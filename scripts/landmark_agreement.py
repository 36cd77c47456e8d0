"""Compare landmark networks on the benchmark's phantoms, detector left out.

    .venv/bin/python scripts/landmark_agreement.py inference/weights/landmarks.pt var/other.pt --seed 2

Each network gets the same frames: the true centroids of every measured vertebra, moved by 1.3 mm
(the detector's mean centroid error) in a seeded random direction, refined like the Analyzer does.
Heights, VHL and grades then follow SPEC from the predicted landmarks. Prints, per network: mean
landmark error, VHL bias and 95 % limits of agreement (all vertebrae, and fractured ones),
per-vertebra sensitivity (grade >= 1) with every missed fracture, and false fractures. Used to choose
landmark networks on held-out sets without the detector's and the labelling's errors mixed in.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inference.benchmark.cases import benchmark_specs
from inference.geometry import LANDMARK_NAMES, VertebraHeights, column_height_loss, heights_from_landmarks
from inference.phantom import generate_phantom
from inference.pipeline.landmarks import LandmarkPredictor, LandmarkResult
from inference.pipeline.sagittal import local_frames

CENTROID_ERROR_MM = 1.3


@dataclass
class Agreement:
    landmark_errors: list[float] = field(default_factory=list)
    vhl_differences: list[float] = field(default_factory=list)
    fractured_differences: list[float] = field(default_factory=list)
    found: int = 0
    missed: list[str] = field(default_factory=list)
    false_fractures: int = 0

    def summary(self) -> str:
        d = np.asarray(self.vhl_differences)
        f = np.asarray(self.fractured_differences)
        low, high = d.mean() - 1.96 * d.std(ddof=1), d.mean() + 1.96 * d.std(ddof=1)
        return (
            f"landmark error {np.mean(self.landmark_errors):.3f} mm; VHL bias {d.mean():+.2f} %, "
            f"limits [{low:.2f}, {high:.2f}] %; fractured bias {f.mean():+.2f} % (SD {f.std(ddof=1):.2f}); "
            f"sensitivity {self.found}/{self.found + len(self.missed)}; "
            f"false fractures {self.false_fractures}"
        )


def score(
    agreement: Agreement, entries: list[dict[str, Any]], predictions: list[LandmarkResult], case: str
) -> None:
    column = []
    for entry, prediction in zip(entries, predictions, strict=True):
        marks = prediction.landmarks_lps_mm
        agreement.landmark_errors += [
            float(np.linalg.norm(marks[name] - np.asarray(entry["landmarks_lps_mm"][name])))
            for name in LANDMARK_NAMES
        ]
        heights = heights_from_landmarks({name: marks[name].tolist() for name in LANDMARK_NAMES})
        column.append(VertebraHeights(entry["label"], heights))
    for entry, loss in zip(entries, column_height_loss(column), strict=True):
        if loss is None or entry["height_loss_pct"] is None:
            continue
        true_vhl = float(entry["height_loss_pct"])
        agreement.vhl_differences.append(loss.percent - true_vhl)
        if (entry["grade"] or 0) >= 1:
            agreement.fractured_differences.append(loss.percent - true_vhl)
            if loss.grade >= 1:
                agreement.found += 1
            else:
                agreement.missed.append(
                    f"{case} {entry['label']} {entry['fracture_type']} {true_vhl:.1f} -> {loss.percent:.1f} %"
                )
        elif loss.grade >= 1:
            agreement.false_fractures += 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("weights", nargs="+", type=Path, help="landmarks.pt files to compare")
    parser.add_argument("--seed", type=int, required=True, help="benchmark seed (held-out set)")
    parser.add_argument("--cases", type=int, default=40)
    args = parser.parse_args()
    predictors = {path: LandmarkPredictor(path, "cpu") for path in args.weights}
    results = {path: Agreement() for path in args.weights}
    for index, spec in enumerate(benchmark_specs(cases=args.cases, seed=args.seed)):
        phantom = generate_phantom(spec)
        rng = np.random.default_rng([args.seed, index])
        entries = [e for e in phantom.truth["vertebrae"] if e["status"] == "measured"]
        offsets = rng.normal(size=(len(entries), 3))
        offsets *= CENTROID_ERROR_MM / np.linalg.norm(offsets, axis=1, keepdims=True)
        centroids = [np.asarray(e["centroid_lps_mm"]) + o for e, o in zip(entries, offsets, strict=True)]
        frames = local_frames(centroids, phantom.hu, phantom.affine)
        case = f"case {index + 1} ({spec.pixel_mm} x {spec.slice_mm} mm)"
        for path, predictor in predictors.items():
            score(results[path], entries, predictor.predict(phantom.hu, phantom.affine, frames), case)
    for path, agreement in results.items():
        print(f"{path} (benchmark seed {args.seed}, {args.cases} cases): {agreement.summary()}")
        for miss in agreement.missed:
            print(f"  missed: {miss}")


if __name__ == "__main__":
    main()
