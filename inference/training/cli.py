"""``python -m inference train --out DIR``: reproduce the shipped weights from scratch.

Both networks train on phantoms generated on the fly from fixed seeds, so the same command on the
same machine gives the same weights. The detector runs first, then its level calibrator (fitted on
phantoms the detector never saw), then the landmark network; the three files land in ``DIR`` and
replace ``inference/weights/`` when copied there.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path
from typing import Any

from inference.cli import CliError
from inference.device import DeviceError, resolve_device

DETECTOR_STEPS = 1400
LANDMARK_STEPS = 3000


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train the detector and landmark networks from scratch (CPU, ~45 min)",
        description="Reproduces inference/weights/ deterministically from the seed.",
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for detector.pt and landmarks.pt")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu", help="cpu (reproducible), cuda or auto")
    parser.add_argument("--detector-steps", type=int, default=DETECTOR_STEPS)
    parser.add_argument("--landmark-steps", type=int, default=LANDMARK_STEPS)
    parser.add_argument(
        "--minutes", type=float, default=None, help="cap on each training loop (makes the run non-exact)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from inference.training.train_calibrator import train_calibrator
    from inference.training.train_detector import train_detector
    from inference.training.train_landmarks import train_landmarks

    try:
        device = resolve_device(args.device)
    except DeviceError as error:
        raise CliError(str(error)) from None
    if args.detector_steps < 1 or args.landmark_steps < 1:
        raise CliError("step counts must be positive")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    detector = train_detector(
        args.out, seed=args.seed, minutes=args.minutes, steps=args.detector_steps, device=device
    )
    print(f"detector: {detector} ({(time.perf_counter() - started) / 60:.1f} min)", flush=True)
    levels = train_calibrator(args.out, detector_path=detector, seed=args.seed, device=device)
    print(f"level calibrator: {levels} ({(time.perf_counter() - started) / 60:.1f} min)", flush=True)
    landmarks = train_landmarks(
        args.out / "landmarks.pt",
        seed=args.seed,
        minutes=args.minutes,
        steps=args.landmark_steps,
        device=device,
    )
    print(f"landmarks: {landmarks} ({(time.perf_counter() - started) / 60:.1f} min in all)")
    files = " ".join(f"{args.out}/{name}" for name in ("detector.pt", "levels.pt", "landmarks.pt"))
    print(f"to ship them: cp {files} inference/weights/")
    return 0
