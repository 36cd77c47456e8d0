"""``python -m inference analyze SERIES_DIR [--out FILE] [--device auto|cpu|cuda] [--ignore-protocol]``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from inference.cli import CliError
from inference.device import DeviceError
from inference.dicom import DicomLoadError
from inference.pipeline.analyzer import WEIGHTS_DIR, Analyzer
from inference.pipeline.schema import validate_result


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="analyse one CT series and print the vcf-analysis/1 result",
        description="Exit 0 with a result (eligible or not); exit 2 when the input cannot be read.",
    )
    parser.add_argument("series_dir", type=Path, metavar="SERIES_DIR")
    parser.add_argument("--out", type=Path, help="write the JSON here instead of standard output")
    parser.add_argument("--device", default="auto", help="auto (CUDA when available), cpu or cuda")
    parser.add_argument("--ignore-protocol", action="store_true", help="analyse ineligible series too")
    parser.add_argument("--series-uid", help="the series to analyse when the folder holds several")
    parser.add_argument("--weights", type=Path, default=WEIGHTS_DIR, help="folder with the model weights")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if not args.series_dir.is_dir():
        raise CliError(f"{args.series_dir} is not a folder")
    try:
        analyzer = Analyzer(weights_dir=args.weights, device=args.device)
    except (DeviceError, FileNotFoundError) as error:
        raise CliError(str(error)) from None
    try:
        result = analyzer.analyze_folder(
            args.series_dir, series_uid=args.series_uid, ignore_protocol=args.ignore_protocol
        )
    except DicomLoadError as error:
        raise CliError(f"cannot read {args.series_dir}: {error}") from None
    data = result.to_json_dict()
    validate_result(data)
    text = json.dumps(data, indent=2)
    if args.out:
        args.out.write_text(text + "\n")
    else:
        print(text)
    return 0
