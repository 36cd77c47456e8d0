"""``python -m inference …``: one sub-command per job, each registered by its own package."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

Register = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]


class CliError(Exception):
    """A problem with the user's input: printed as one line on stderr, exit status 2."""


def _registrations() -> list[Register]:
    from inference.benchmark.cli import register as register_benchmark
    from inference.phantom.cli import register as register_phantom
    from inference.phantom.cohort_cli import register as register_cohort
    from inference.pipeline.cli import register as register_analyze
    from inference.training.cli import register as register_train

    return [register_phantom, register_cohort, register_analyze, register_benchmark, register_train]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m inference",
        description="VCF Sentinel inference: phantoms, analysis, training and benchmarks.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in _registrations():
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except CliError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
