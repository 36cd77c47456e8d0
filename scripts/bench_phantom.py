"""Time phantom generation and DICOM writing for a full-size series.

    .venv/bin/python scripts/bench_phantom.py --size 512 --slice-mm 1.25 --repeat 3

Prints the best time of each step and the slice count; the target is well under 10 s for a
512x512x400 series on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inference.phantom import FractureSpec, PhantomSpec, generate_phantom, write_phantom


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--pixel-mm", type=float, default=0.8)
    parser.add_argument("--slice-mm", type=float, default=1.25)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("var/bench/phantom"))
    args = parser.parse_args()
    spec = PhantomSpec(
        seed=1,
        size=args.size,
        pixel_mm=args.pixel_mm,
        slice_mm=args.slice_mm,
        fractures=(FractureSpec("L1", "wedge", 35.0),),
        sclerotic=("L3",),
    )
    generate_times, write_times = [], []
    slices = 0
    for _ in range(args.repeat):
        shutil.rmtree(args.dir, ignore_errors=True)
        started = time.perf_counter()
        phantom = generate_phantom(spec)
        generated = time.perf_counter()
        write_phantom(phantom, args.dir)
        generate_times.append(generated - started)
        write_times.append(time.perf_counter() - generated)
        slices = phantom.hu.shape[0]
    total = min(g + w for g, w in zip(generate_times, write_times, strict=True))
    print(f"series: {args.size}x{args.size}x{slices} ({args.pixel_mm} mm pixels, {args.slice_mm} mm slices)")
    generate, write = min(generate_times), min(write_times)
    print(f"generate: {generate:.2f} s   write DICOM: {write:.2f} s   total: {total:.2f} s")
    print(f"share of the 10 s target: {total / 10.0:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
