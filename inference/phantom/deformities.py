"""Compression fractures: deform a body until SPEC's VHL on its true landmarks is the requested one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from inference.geometry import VertebraHeights, height_loss, reference_neighbours
from inference.phantom.shapes import BodyShape
from inference.phantom.spec import FractureSpec

MAX_SEVERITY = 0.98
_ROUNDS = 6  # Gauss-Seidel passes: fractured neighbours change each other's reference height
_BISECTIONS = 50


def fractured_shape(shape: BodyShape, kind: str, severity: float, base_height: float) -> BodyShape:
    """``severity`` 0 = an intact body of height ``base_height``; 1 = fully collapsed."""
    flat = replace(
        shape, posterior_height=base_height, anterior_height=base_height, concavity=0.0, biconcavity=0.0
    )
    if kind == "wedge":
        return replace(flat, anterior_height=base_height * (1.0 - severity))
    if kind == "crush":
        squashed = base_height * (1.0 - severity)
        return replace(flat, posterior_height=squashed, anterior_height=squashed)
    if kind == "biconcave":
        return replace(flat, biconcavity=0.5 * severity * base_height)
    raise ValueError(f"unknown fracture type {kind!r}")


def _column(
    labels: Sequence[str], shapes: Mapping[str, BodyShape], excluded: set[str]
) -> list[VertebraHeights]:
    return [VertebraHeights(label, shapes[label].heights(), label in excluded) for label in labels]


def _base_height(
    labels: Sequence[str], shapes: Mapping[str, BodyShape], excluded: set[str], level: str
) -> float:
    """Tall enough that the intact body has no inter-vertebral loss against its natural neighbours."""
    column = _column(labels, shapes, excluded)
    own = shapes[level].heights().maximum
    neighbours = reference_neighbours(column, labels.index(level))
    reference = float(np.mean([n.heights.maximum for n in neighbours if n.heights is not None] or [own]))
    return max(own, reference)


def _vhl(labels: Sequence[str], shapes: Mapping[str, BodyShape], excluded: set[str], level: str) -> float:
    return height_loss(_column(labels, shapes, excluded), labels.index(level)).percent


def solve_fractures(
    labels: Sequence[str],
    shapes: Mapping[str, BodyShape],
    fractures: Sequence[FractureSpec],
    excluded: set[str],
) -> dict[str, BodyShape]:
    """Shapes in which each fractured level's VHL (over the column ``labels``) is its requested value."""
    result = dict(shapes)
    base = {f.level: _base_height(labels, shapes, excluded, f.level) for f in fractures}
    severity = {f.level: 0.0 for f in fractures}
    for fracture in fractures:
        result[fracture.level] = fractured_shape(
            shapes[fracture.level], fracture.kind, 0.0, base[fracture.level]
        )
    for _ in range(_ROUNDS if len(fractures) > 1 else 1):
        for fracture in fractures:
            low, high = 0.0, MAX_SEVERITY
            for _ in range(_BISECTIONS):
                mid = 0.5 * (low + high)
                result[fracture.level] = fractured_shape(
                    shapes[fracture.level], fracture.kind, mid, base[fracture.level]
                )
                if _vhl(labels, result, excluded, fracture.level) < fracture.vhl_pct:
                    low = mid
                else:
                    high = mid
            severity[fracture.level] = 0.5 * (low + high)
            result[fracture.level] = fractured_shape(
                shapes[fracture.level], fracture.kind, severity[fracture.level], base[fracture.level]
            )
    return result
