"""``python -m inference phantom-cohort OUT_DIR --cases N --seed S``."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

from inference.cli import CliError
from inference.phantom.cohort import CohortOptions, CohortPlanner
from inference.phantom.cohort_writer import write_cohort
from inference.phantom.spec import PhantomSpecError, validate


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "phantom-cohort",
        help="write a cohort of phantom CT studies with reports and a truth manifest",
        description="Patients with repeats and priors, ineligible series, clinical facts and report texts.",
    )
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    parser.add_argument("--cases", type=int, required=True, help="number of studies")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--size", type=int, default=256, help="rows and columns per slice (default 256)")
    parser.add_argument("--pixel-mm", type=float, default=1.4, help="pixel spacing (default 1.4)")
    parser.add_argument("--slice-mm", type=float, default=2.5, help="slice spacing of eligible series")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel processes")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.cases <= 5000:
        raise CliError("--cases must be between 1 and 5000")
    if args.size < 64 or args.pixel_mm <= 0 or args.slice_mm <= 0:
        raise CliError("--size must be at least 64 and spacings positive")
    if args.out_dir.exists() and any(args.out_dir.iterdir()):
        raise CliError(f"{args.out_dir} is not empty; choose a new folder")
    options = CohortOptions(
        cases=args.cases, seed=args.seed, size=args.size, pixel_mm=args.pixel_mm, slice_mm=args.slice_mm
    )
    started = time.perf_counter()
    plans = CohortPlanner(options).plan()
    try:
        for plan in plans:
            validate(plan.spec)
    except PhantomSpecError as error:
        raise CliError(str(error)) from None
    manifest = write_cohort(plans, args.out_dir, seed=args.seed, jobs=max(1, args.jobs))
    print(f"{len(plans)} studies written to {args.out_dir} in {time.perf_counter() - started:.1f} s")
    print(f"manifest: {manifest}")
    return 0
