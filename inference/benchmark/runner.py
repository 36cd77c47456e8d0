"""Runs the Analyzer over held-out phantoms written as DICOM and compares every output with truth."""

from __future__ import annotations

import resource
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from inference.benchmark.cases import benchmark_specs
from inference.benchmark.cut_scans import cut_phantom, cut_rng
from inference.benchmark.metrics import (
    Agreement,
    Proportion,
    bland_altman,
    linear_weighted_kappa,
    mean_absolute_error,
)
from inference.geometry import GRADABLE_LABELS
from inference.phantom import PhantomSpec, generate_phantom, write_phantom
from inference.pipeline.analyzer import Analyzer
from inference.pipeline.uncertainty import NOT_FULLY_IMAGED

MATCH_DISTANCE_MM = 12.0  # a prediction within this distance of a true centroid is that vertebra


@dataclass
class Tally:
    vertebra_tp: int = 0
    vertebra_fn: int = 0
    vertebra_tn: int = 0
    vertebra_fp: int = 0
    case_tp: int = 0
    case_fn: int = 0
    case_tn: int = 0
    case_fp: int = 0
    labels_right: int = 0
    labels_total: int = 0
    uncertain: int = 0
    reported: int = 0
    centroid_errors: list[float] = field(default_factory=list)
    grades: list[tuple[int, int]] = field(default_factory=list)
    vhl: list[tuple[float, float]] = field(default_factory=list)
    hu: list[tuple[float, float]] = field(default_factory=list)
    stage_seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[dict[str, Any]] = field(default_factory=list)  # one entry per wrong vertebra, for analysis


def match_by_distance(
    truth: list[dict[str, Any]], predicted: list[dict[str, Any]]
) -> dict[int, dict[str, Any]]:
    """Truth index → the nearest unused prediction within MATCH_DISTANCE_MM (greedy by distance)."""
    pairs = sorted(
        (float(np.linalg.norm(np.subtract(t["centroid_lps_mm"], p["centroid_lps_mm"]))), ti, pi)
        for ti, t in enumerate(truth)
        for pi, p in enumerate(predicted)
    )
    matched: dict[int, dict[str, Any]] = {}
    used: set[int] = set()
    for distance, ti, pi in pairs:
        if distance > MATCH_DISTANCE_MM or ti in matched or pi in used:
            continue
        matched[ti] = predicted[pi]
        used.add(pi)
    return matched


def score_case(tally: Tally, truth: dict[str, Any], result: dict[str, Any], case: str = "") -> None:
    def error(kind: str, true: dict[str, Any], guess: dict[str, Any] | None) -> None:
        entry = {"case": case, "kind": kind, "label": true["label"], "true_vhl_pct": true["height_loss_pct"]}
        if guess is not None:
            entry |= {"predicted_label": guess["label"], "measured_vhl_pct": guess["height_loss_pct"]}
            entry |= {"status": guess["status"], "uncertain": guess["uncertain"]}
        tally.errors.append(entry)

    true_vertebrae = [v for v in truth["vertebrae"] if v["label"] in GRADABLE_LABELS]
    predicted = result["vertebrae"]
    matched = match_by_distance(true_vertebrae, predicted)
    tally.reported += len(predicted)
    tally.uncertain += sum(bool(v["uncertain"]) for v in predicted)
    for index, true in enumerate(true_vertebrae):
        guess = matched.get(index)
        if true["status"] == NOT_FULLY_IMAGED:
            _score_cut_body(tally, true, guess, error)
            continue
        tally.labels_total += 1
        if guess is None:
            error("not_found", true, None)
            if true["status"] == "measured" and (true["grade"] or 0) >= 1:
                tally.vertebra_fn += 1
            elif true["status"] == "measured":
                tally.vertebra_tn += 1
            continue
        tally.labels_right += guess["label"] == true["label"]
        if guess["label"] != true["label"]:
            error("mislabelled", true, guess)
        tally.centroid_errors.append(
            float(np.linalg.norm(np.subtract(true["centroid_lps_mm"], guess["centroid_lps_mm"])))
        )
        if true["status"] != "measured":
            continue
        true_positive = (true["grade"] or 0) >= 1
        guessed_positive = _reports_fracture(guess)
        if true_positive:
            tally.vertebra_tp += guessed_positive
            tally.vertebra_fn += not guessed_positive
        else:
            tally.vertebra_fp += guessed_positive
            tally.vertebra_tn += not guessed_positive
        if true_positive != guessed_positive:
            error("fracture_missed" if true_positive else "false_fracture", true, guess)
        if guess["grade"] is not None:
            tally.grades.append((int(true["grade"]), int(guess["grade"])))
            tally.vhl.append((float(true["height_loss_pct"]), float(guess["height_loss_pct"])))
        if true["mean_hu"] is not None and guess["mean_hu"] is not None:
            tally.hu.append((float(true["mean_hu"]), float(guess["mean_hu"])))
    _score_unmatched(tally, predicted, {id(guess) for guess in matched.values()}, case)
    if truth["positive"]:
        tally.case_tp += bool(result["positive"])
        tally.case_fn += not result["positive"]
    else:
        tally.case_fp += bool(result["positive"])
        tally.case_tn += not result["positive"]
    for stage, seconds in result["timings_s"].items():
        tally.stage_seconds[stage].append(float(seconds))


def _reports_fracture(guess: dict[str, Any]) -> bool:
    return guess["status"] == "measured" and (guess["grade"] or 0) >= 1


def _score_unmatched(tally: Tally, predicted: list[dict[str, Any]], matched_ids: set[int], case: str) -> None:
    """A fracture reported where no true body lies within MATCH_DISTANCE_MM is a false fracture too
    (e.g. a partly imaged body found at the edge of the data, away from its true centre)."""
    for guess in predicted:
        graded = guess["label"] in GRADABLE_LABELS and _reports_fracture(guess)
        if id(guess) in matched_ids or not graded:
            continue
        tally.vertebra_fp += 1
        tally.errors.append(
            {
                "case": case,
                "kind": "false_fracture_unmatched",
                "label": None,
                "true_vhl_pct": None,
                "predicted_label": guess["label"],
                "measured_vhl_pct": guess["height_loss_pct"],
                "status": guess["status"],
                "uncertain": guess["uncertain"],
            }
        )


def _score_cut_body(
    tally: Tally,
    true: dict[str, Any],
    guess: dict[str, Any] | None,
    error: Callable[[str, dict[str, Any], dict[str, Any] | None], None],
) -> None:
    """A body the series cuts through: missing it is fine; found, its level must be right, and
    grading it (any grade >= 1 from a partial body) is a false fracture."""
    if guess is None:
        return
    tally.labels_total += 1
    tally.labels_right += guess["label"] == true["label"]
    if guess["label"] != true["label"]:
        error("mislabelled", true, guess)
    graded = _reports_fracture(guess)
    tally.vertebra_fp += graded
    tally.vertebra_tn += not graded
    if graded:
        error("false_fracture", true, guess)


@dataclass(frozen=True)
class BenchmarkReport:
    cases: int
    vertebra_sensitivity: Proportion
    vertebra_specificity: Proportion
    case_sensitivity: Proportion
    case_specificity: Proportion
    case_ppv: Proportion
    labelling: Proportion
    centroid_error_mm: float | None
    grade_kappa: float | None
    vhl_agreement: Agreement | None
    hu_mae: float | None
    uncertain_share: Proportion
    seconds_per_stage: dict[str, float]
    peak_memory_mb: float
    model_version: str
    cut_ends: bool = False
    errors: tuple[dict[str, Any], ...] = ()

    def to_json_dict(self) -> dict[str, Any]:
        def proportion(p: Proportion) -> dict[str, Any]:
            return {"value": p.value, "successes": p.successes, "total": p.total}

        agreement = self.vhl_agreement
        return {
            "cases": self.cases,
            "cut_ends": self.cut_ends,
            "model_version": self.model_version,
            "vertebra_sensitivity": proportion(self.vertebra_sensitivity),
            "vertebra_specificity": proportion(self.vertebra_specificity),
            "case_sensitivity": proportion(self.case_sensitivity),
            "case_specificity": proportion(self.case_specificity),
            "case_ppv": proportion(self.case_ppv),
            "labelling_accuracy": proportion(self.labelling),
            "centroid_error_mm": self.centroid_error_mm,
            "grade_kappa_linear": self.grade_kappa,
            "vhl_bias_pct": None if agreement is None else agreement.bias,
            "vhl_limits_pct": None if agreement is None else [agreement.lower, agreement.upper],
            "hu_mae": self.hu_mae,
            "uncertain_share": proportion(self.uncertain_share),
            "seconds_per_case": self.seconds_per_stage,
            "peak_memory_mb": self.peak_memory_mb,
            "errors": list(self.errors),
        }


def summarise(tally: Tally, *, cases: int, model_version: str, cut_ends: bool = False) -> BenchmarkReport:
    grades_true = [t for t, _ in tally.grades]
    grades_guess = [p for _, p in tally.grades]
    return BenchmarkReport(
        cases=cases,
        vertebra_sensitivity=Proportion(tally.vertebra_tp, tally.vertebra_tp + tally.vertebra_fn),
        vertebra_specificity=Proportion(tally.vertebra_tn, tally.vertebra_tn + tally.vertebra_fp),
        case_sensitivity=Proportion(tally.case_tp, tally.case_tp + tally.case_fn),
        case_specificity=Proportion(tally.case_tn, tally.case_tn + tally.case_fp),
        case_ppv=Proportion(tally.case_tp, tally.case_tp + tally.case_fp),
        labelling=Proportion(tally.labels_right, tally.labels_total),
        centroid_error_mm=float(np.mean(tally.centroid_errors)) if tally.centroid_errors else None,
        grade_kappa=linear_weighted_kappa(grades_true, grades_guess),
        vhl_agreement=bland_altman([t for t, _ in tally.vhl], [p for _, p in tally.vhl]),
        hu_mae=mean_absolute_error([t for t, _ in tally.hu], [p for _, p in tally.hu]),
        uncertain_share=Proportion(tally.uncertain, tally.reported),
        seconds_per_stage={k: round(float(np.mean(v)), 3) for k, v in tally.stage_seconds.items()},
        peak_memory_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
        model_version=model_version,
        cut_ends=cut_ends,
        errors=tuple(tally.errors),
    )


def run_benchmark(
    analyzer: Analyzer, *, cases: int, seed: int, cut_ends: bool = False, progress: bool = True
) -> BenchmarkReport:
    """``cut_ends``: every series starts and/or ends inside a body (``inference.benchmark.cut_scans``)."""
    tally = Tally()
    specs: list[PhantomSpec] = benchmark_specs(cases=cases, seed=seed)
    with tempfile.TemporaryDirectory(prefix="vcf-benchmark-") as scratch:
        for number, spec in enumerate(specs, start=1):
            started = time.perf_counter()
            phantom = generate_phantom(spec)
            if cut_ends:
                phantom = cut_phantom(phantom, cut_rng(seed=seed, index=number - 1))
            folder = Path(scratch) / f"case-{number:04d}"
            write_phantom(phantom, folder)
            truth = phantom.truth
            result = analyzer.analyze_folder(folder, ignore_protocol=True).to_json_dict()
            score_case(tally, truth, result, case=f"{number}: seed {spec.seed}, {_field_of_view(truth)}")
            if progress:
                took = time.perf_counter() - started
                print(f"case {number}/{cases}: seed {spec.seed}, {took:.1f} s", flush=True)
    return summarise(tally, cases=cases, model_version=analyzer.model_version, cut_ends=cut_ends)


def _field_of_view(truth: dict[str, Any]) -> str:
    labels = [v["label"] for v in truth["vertebrae"]]
    return f"{labels[0]}-{labels[-1]}" if labels else "no vertebrae"
