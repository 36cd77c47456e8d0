"""Time the whole analysis of one full-size series with the models already loaded.

    .venv/bin/python scripts/bench_analysis.py --slices 500 --size 512 --repeat 3

Writes a C7–S1 phantom (0.8 mm pixels, 0.85 mm slices, trimmed to ``--slices``) as DICOM once, loads
the Analyzer once, then analyses the folder ``--repeat`` times, DICOM loading included. Prints the
wall time of every run with its stages, the median, and the process's peak resident memory. Targets
(issue 4): <= 15 s and < 4 GB for 512x512x500 on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inference.phantom import FractureSpec, PhantomSpec, generate_phantom, write_phantom
from inference.pipeline.analyzer import Analyzer


def write_series(folder: Path, *, size: int, slices: int) -> None:
    spec = PhantomSpec(
        seed=7,
        levels=("C7", "S1"),
        size=size,
        pixel_mm=0.8 * 512 / size,
        slice_mm=0.85,
        fractures=(FractureSpec("L1", "wedge", 35.0),),
        sclerotic=("L3",),
        cement=("T12",),
    )
    phantom = generate_phantom(spec)
    if phantom.hu.shape[0] < slices:
        raise SystemExit(f"the phantom has only {phantom.hu.shape[0]} slices; ask for fewer")
    labels = None if phantom.labels is None else phantom.labels[:slices]
    trimmed = dataclasses.replace(phantom, hu=phantom.hu[:slices], labels=labels)
    shutil.rmtree(folder, ignore_errors=True)
    write_phantom(trimmed, folder)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--slices", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dir", type=Path, default=Path("var/bench/analysis"))
    args = parser.parse_args()
    write_series(args.dir, size=args.size, slices=args.slices)
    started = time.perf_counter()
    analyzer = Analyzer(device=args.device)
    print(f"models loaded in {time.perf_counter() - started:.2f} s ({analyzer.model_version})")
    totals = []
    for run in range(1, args.repeat + 1):
        started = time.perf_counter()
        result = analyzer.analyze_folder(args.dir, ignore_protocol=True)
        took = time.perf_counter() - started
        totals.append(took)
        stages = ", ".join(f"{name} {seconds:.2f}" for name, seconds in result.timings_s.items())
        print(f"run {run}: {took:.2f} s ({stages}); {len(result.vertebrae)} vertebrae")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(
        f"series {args.size}x{args.size}x{args.slices}: median {statistics.median(totals):.2f} s, "
        f"best {min(totals):.2f} s (target <= 15 s); peak memory {peak_mb:.0f} MB (target < 4096 MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
