"""Whether a vertebral body lies wholly inside the scanned volume.

A scan that starts or ends inside a body (common on real CT: a chest series ending in L1, an abdomen
series starting in T11) shows only part of it. The landmark network still places six points, the
missing endplate ends up at the edge of the data, and the body reads as a fracture. Such a body is
listed but not measured: its landmarks, moved outwards along the body axis by a small margin (the
endplate's own edge has to be seen with something beyond it), must all lie within the slice centres
and the in-plane grid of the volume. Where the data stops, the network puts the missing endplate
within about a slice of the last slice centre, so the margin is at least one slice. A body cut
deeper may get all six points inside its visible part instead; ``inference.pipeline.assess`` leaves
such a body unmeasured too when it ends the column, its landmarks are in doubt and there is no room
for another body between them and the data edge (``AssessConfig.edge_doubt_mm``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from inference.geometry import LANDMARK_NAMES
from inference.pipeline.bodyframe import BodyFrame

Point = Sequence[float]


class ScanExtent:
    """The region of a ``[k, j, i]`` volume where data exists: between its first and last voxel centres."""

    def __init__(self, shape: tuple[int, ...], affine: np.ndarray) -> None:
        self.upper = np.asarray(shape[::-1], dtype=float) - 1.0  # (i, j, k)
        self.inverse = np.linalg.inv(np.asarray(affine, dtype=float))
        self.slice_mm = float(np.linalg.norm(np.asarray(affine, dtype=float)[:3, 2]))

    def contains(self, points_lps: np.ndarray) -> np.ndarray:
        """(N, 3) LPS mm -> (N,) bool."""
        ijk = np.atleast_2d(points_lps) @ self.inverse[:3, :3].T + self.inverse[:3, 3]
        tolerance = 1e-6
        return np.all((ijk >= -tolerance) & (ijk <= self.upper + tolerance), axis=1)

    def holds_body(self, landmarks: Mapping[str, Point], *, margin_mm: float) -> bool:
        """True when every landmark, moved ``margin_mm`` outwards along the body axis, is inside."""
        try:
            superior = BodyFrame.from_landmarks(landmarks).superior
        except (ValueError, KeyError):
            superior = np.array([0.0, 0.0, 1.0])
        points = np.stack(
            [
                np.asarray(landmarks[name], dtype=float)
                + (margin_mm if name.endswith("_superior") else -margin_mm) * superior
                for name in LANDMARK_NAMES
            ]
        )
        return bool(self.contains(points).all())
