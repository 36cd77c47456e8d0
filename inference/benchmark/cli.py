"""``python -m inference benchmark --cases N --seed S [--json FILE]``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from inference.benchmark.runner import BenchmarkReport, run_benchmark
from inference.cli import CliError
from inference.device import DeviceError
from inference.pipeline.analyzer import WEIGHTS_DIR, Analyzer

TARGETS = {
    "vertebra_sensitivity": ">= 98 %",
    "vertebra_specificity": ">= 99.5 %",
    "labelling_accuracy": ">= 99 %",
    "vhl_limits_pct": "within ±4 %",
    "hu_mae": "<= 8 HU",
    "case_ppv": ">= 97 %",
}


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "benchmark",
        help="accuracy and speed on held-out phantoms",
        description="Generates phantoms with seeds never used in training and compares results with truth.",
    )
    parser.add_argument("--cases", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument(
        "--cut-ends",
        action="store_true",
        help="cut every series inside its first and/or last body, as real series are",
    )
    parser.add_argument("--device", default="auto")
    parser.add_argument("--weights", type=Path, default=WEIGHTS_DIR)
    parser.set_defaults(handler=run)


def format_report(report: BenchmarkReport) -> str:
    agreement = report.vhl_agreement
    vhl = (
        "n/a"
        if agreement is None
        else f"bias {agreement.bias:+.2f} %, limits [{agreement.lower:+.2f}, {agreement.upper:+.2f}] %"
    )

    def aim(key: str) -> str:
        return f"   target {TARGETS[key]}"

    centroid = report.centroid_error_mm
    kappa = report.grade_kappa
    hu = "n/a" if report.hu_mae is None else f"{report.hu_mae:.1f} HU"
    rows = [
        ("model", report.model_version),
        ("cases", f"{report.cases}{', cut inside an end body' if report.cut_ends else ''}"),
        (
            "per-vertebra sensitivity (grade >= 1)",
            f"{report.vertebra_sensitivity}{aim('vertebra_sensitivity')}",
        ),
        ("per-vertebra specificity", f"{report.vertebra_specificity}{aim('vertebra_specificity')}"),
        ("per-case sensitivity", str(report.case_sensitivity)),
        ("per-case specificity", str(report.case_specificity)),
        ("per-case PPV", f"{report.case_ppv}{aim('case_ppv')}"),
        ("labelling accuracy", f"{report.labelling}{aim('labelling_accuracy')}"),
        ("centroid error (mean)", "n/a" if centroid is None else f"{centroid:.2f} mm"),
        ("grade agreement (linear kappa)", "n/a" if kappa is None else f"{kappa:.3f}"),
        ("VHL agreement", f"{vhl}{aim('vhl_limits_pct')}"),
        ("HU mean absolute error", f"{hu}{aim('hu_mae')}"),
        ("marked uncertain", str(report.uncertain_share)),
        ("seconds per case", ", ".join(f"{k} {v:.2f}" for k, v in report.seconds_per_stage.items())),
        ("peak memory (process)", f"{report.peak_memory_mb:.0f} MB"),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.cases <= 1000:
        raise CliError("--cases must be between 1 and 1000")
    try:
        analyzer = Analyzer(weights_dir=args.weights, device=args.device)
    except (DeviceError, FileNotFoundError) as error:
        raise CliError(str(error)) from None
    report = run_benchmark(analyzer, cases=args.cases, seed=args.seed, cut_ends=args.cut_ends)
    print(format_report(report))
    if args.json:
        args.json.write_text(json.dumps(report.to_json_dict(), indent=2) + "\n")
    return 0
