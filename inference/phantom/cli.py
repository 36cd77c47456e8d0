"""``python -m inference phantom OUT_DIR --seed N [options]`` (SPEC "Command-line contracts").

The cohort command (``phantom-cohort``) is registered separately by inference/phantom/cohort_cli.py.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from inference.cli import CliError
from inference.geometry import ALL_LABELS
from inference.phantom.spec import FRACTURE_KINDS, FractureSpec, PhantomSpec, PhantomSpecError

Subparsers = Any  # argparse._SubParsersAction[argparse.ArgumentParser]


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "phantom",
        help="write one synthetic CT series (DICOM) with its truth.json",
        description="Generate a synthetic trunk CT with known landmarks, fractures and confounders.",
    )
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument(
        "--levels", default="T1-L5", help="first-last vertebra in view, e.g. T1-L5 (C7 and S1 allowed)"
    )
    parser.add_argument(
        "--fracture",
        action="append",
        default=[],
        metavar="LEVEL:TYPE:VHL",
        help="TYPE wedge|biconcave|crush; repeatable",
    )
    parser.add_argument("--scoliosis", type=float, default=0.0, metavar="DEG", help="Cobb angle")
    for option in ("sclerotic", "lytic", "cement", "osteophytes", "schmorl"):
        parser.add_argument(f"--{option}", action="append", default=[], metavar="LEVEL", help="repeatable")
    defaults = PhantomSpec()
    parser.add_argument("--trabecular-hu", type=float, default=defaults.trabecular_hu, metavar="HU")
    parser.add_argument("--slice-mm", type=float, default=defaults.slice_mm)
    parser.add_argument("--pixel-mm", type=float, default=defaults.pixel_mm)
    parser.add_argument("--size", type=int, default=defaults.size, metavar="N")
    parser.add_argument("--age", type=int, default=defaults.age)
    parser.add_argument("--sex", default=defaults.sex, help="F or M")
    parser.add_argument(
        "--kernel", default=defaults.kernel, help="e.g. STANDARD, SOFT, B30f, Br40, BONE, B70f, LUNG"
    )
    parser.add_argument("--noise-hu", type=float, default=defaults.noise_hu, metavar="HU")
    parser.add_argument(
        "--png", action="store_true", help="also write preview_sagittal.png and preview_axial.png"
    )
    parser.set_defaults(handler=run)


def _level(text: str, option: str) -> str:
    level = text.strip().upper()
    if level not in ALL_LABELS:
        raise CliError(f"{option}: unknown level {text!r} (use C7, T1-T12, L1-L5 or S1)")
    return level


def parse_levels(text: str) -> tuple[str, str]:
    parts = text.split("-")
    if len(parts) == 1:
        level = _level(parts[0], "--levels")
        return (level, level)
    if len(parts) != 2:
        raise CliError(f"--levels: expected FIRST-LAST such as T1-L5, got {text!r}")
    return (_level(parts[0], "--levels"), _level(parts[1], "--levels"))


def parse_fracture(text: str) -> FractureSpec:
    parts = text.split(":")
    if len(parts) != 3:
        raise CliError(f"--fracture: expected LEVEL:TYPE:VHL such as L1:wedge:35, got {text!r}")
    level = _level(parts[0], "--fracture")
    kind = parts[1].strip().lower()
    if kind not in FRACTURE_KINDS:
        raise CliError(f"--fracture: unknown type {parts[1]!r} (wedge, biconcave or crush)")
    try:
        vhl = float(parts[2])
    except ValueError:
        raise CliError(f"--fracture: VHL must be a number, got {parts[2]!r}") from None
    return FractureSpec(level=level, kind=kind, vhl_pct=vhl)  # type: ignore[arg-type]


def spec_from_args(args: argparse.Namespace) -> PhantomSpec:
    sex = str(args.sex).strip().upper()
    if sex not in ("F", "M"):
        raise CliError(f"--sex must be F or M, got {args.sex!r}")
    return PhantomSpec(
        seed=args.seed,
        levels=parse_levels(args.levels),
        fractures=tuple(parse_fracture(text) for text in args.fracture),
        scoliosis_deg=args.scoliosis,
        sclerotic=tuple(_level(t, "--sclerotic") for t in args.sclerotic),
        lytic=tuple(_level(t, "--lytic") for t in args.lytic),
        cement=tuple(_level(t, "--cement") for t in args.cement),
        osteophytes=tuple(_level(t, "--osteophytes") for t in args.osteophytes),
        schmorl=tuple(_level(t, "--schmorl") for t in args.schmorl),
        trabecular_hu=args.trabecular_hu,
        slice_mm=args.slice_mm,
        pixel_mm=args.pixel_mm,
        size=args.size,
        age=args.age,
        sex=sex,  # type: ignore[arg-type]
        kernel=args.kernel,
        noise_hu=args.noise_hu,
    )


def run(args: argparse.Namespace) -> int:
    from inference.phantom import generate_phantom, write_phantom
    from inference.phantom.spec import validate

    spec = spec_from_args(args)
    try:
        validate(spec)
    except PhantomSpecError as error:
        raise CliError(str(error)) from None
    started = time.perf_counter()
    phantom = generate_phantom(spec)
    truth_path = write_phantom(phantom, args.out_dir, png=args.png)
    slices = phantom.hu.shape[0]
    print(f"wrote {slices} slices and {truth_path} in {time.perf_counter() - started:.1f} s")
    return 0
