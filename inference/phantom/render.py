"""Paint a scene slab by slab (two threads: numpy and scipy release the GIL) and acquire it."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from inference.phantom.canvas import Canvas
from inference.phantom.scanner import Scanner
from inference.phantom.scene import Scene

SLAB_SLICES = 8
_Z_SLACK_MM = 2.0


def _workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def render(scene: Scene, scanner: Scanner) -> tuple[np.ndarray, np.ndarray]:
    """(HU int16, body labels uint8), both shaped (slices, rows, columns)."""
    grid = scene.grid
    hu = np.empty(grid.shape, np.int16)
    labels = np.zeros(grid.shape, np.uint8)

    def work(first: int) -> None:
        last = min(first + SLAB_SLICES, grid.slices)
        ideal = np.full((last - first, grid.rows, grid.columns), -1000.0, np.float32)
        canvas = Canvas(grid, first, ideal, labels[first:last])
        z_lo, z_hi = canvas.z_range
        for layer in scene.layers:
            lo, hi = layer.z_range
            if hi >= z_lo - _Z_SLACK_MM and lo <= z_hi + _Z_SLACK_MM:
                layer.paint(canvas)
        hu[first:last] = scanner.acquire(canvas.hu, first)

    starts = range(0, grid.slices, SLAB_SLICES)
    if _workers() == 1:
        for first in starts:
            work(first)
    else:
        with ThreadPoolExecutor(max_workers=_workers()) as pool:
            list(pool.map(work, starts))
    return hu, labels
