#!/usr/bin/env python
"""Time ``load_series`` against the plain-pydicom floor on an uncompressed int16 CT series.

Floor: ``for f in files: ds = pydicom.dcmread(f); ds.pixel_array`` then ``np.stack``. Both run on
the same files with a warm page cache, alternating; each figure is the best of ``--repeat`` runs.

    .venv/bin/python scripts/bench_loader.py --slices 500 --size 512 --repeat 3 --dir var/bench/loader
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import PYDICOM_IMPLEMENTATION_UID, CTImageStorage, ExplicitVRLittleEndian, generate_uid

from inference.dicom import load_series

STUDY_UID = "1.2.826.0.1.3680043.8.498.424242"
SPACING_MM = 0.7
STEP_MM = 1.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--slices", type=int, default=500)
    parser.add_argument("--size", type=int, default=512, help="rows = columns")
    parser.add_argument("--repeat", type=int, default=3, help="runs per method; the best one counts")
    parser.add_argument("--dir", type=Path, default=Path("var/bench/loader"))
    return parser.parse_args()


def slice_dataset(k: int, pixels: np.ndarray, series_uid: str) -> Dataset:
    sop_uid = generate_uid()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage
    meta.MediaStorageSOPInstanceUID = sop_uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = sop_uid
    ds.StudyInstanceUID = STUDY_UID
    ds.SeriesInstanceUID = series_uid
    ds.Modality = "CT"
    ds.PatientID = "BENCH"
    ds.PatientAge = "070Y"
    ds.StudyDate = "20250101"
    ds.SeriesNumber = 1
    ds.InstanceNumber = k + 1
    ds.ConvolutionKernel = "B30f"
    ds.SliceThickness = STEP_MM
    ds.ImagePositionPatient = [-179.0, -179.0, -250.0 + k * STEP_MM]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.PixelSpacing = [SPACING_MM, SPACING_MM]
    ds.RescaleSlope = 1
    ds.RescaleIntercept = -1024
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 1
    ds.PixelData = pixels.astype("<i2").tobytes()
    return ds


def write_series(folder: Path, *, slices: int, size: int) -> list[Path]:
    """Write the series unless an identical one is already there; returns the files."""
    marker = folder / f"complete-{slices}x{size}"
    files = [folder / f"IM{k:05d}.dcm" for k in range(slices)]
    if marker.exists():
        return files
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.iterdir():
        stale.unlink()
    rng = np.random.default_rng(0)
    series_uid = generate_uid()
    for k, path in enumerate(files):
        pixels = rng.integers(0, 2000, size=(size, size), dtype=np.int16)
        slice_dataset(k, pixels, series_uid).save_as(path, enforce_file_format=True)
    marker.touch()
    return files


def floor(files: list[Path]) -> np.ndarray:
    arrays = []
    for f in files:
        ds = pydicom.dcmread(f)
        arrays.append(ds.pixel_array)
    return np.stack(arrays)


def best_times(repeat: int, runs: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Best time of each run; the runs alternate so that both see the same machine load."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        for name, run in runs.items():
            gc.collect()
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def main() -> None:
    args = parse_args()
    files = write_series(args.dir, slices=args.slices, size=args.size)
    floor(files)  # warm the page cache
    best = best_times(args.repeat, {"floor": lambda: floor(files), "load": lambda: load_series(args.dir)})
    floor_s, load_s = best["floor"], best["load"]
    volume = load_series(args.dir)
    assert volume.hu.shape == (args.slices, args.size, args.size), volume.hu.shape
    machine = platform.processor() or platform.machine()
    print(f"machine: {machine}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"series: {args.slices} slices of {args.size}x{args.size} int16, uncompressed, {args.dir}")
    print(f"floor (dcmread + pixel_array + np.stack): {floor_s:.3f} s (best of {args.repeat})")
    print(f"load_series: {load_s:.3f} s (best of {args.repeat}, hu dtype {volume.hu.dtype})")
    print(f"ratio: {load_s / floor_s:.2f}x")


if __name__ == "__main__":
    main()
