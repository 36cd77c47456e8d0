"""Synthetic CT phantoms of the trunk with known vertebral landmarks, fractures and confounders.

``generate_phantom(spec)`` renders a volume and its ground truth; ``write_phantom`` writes it as a
DICOM series with truth.json. See docs/phantoms.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from inference.phantom.identity import SeriesIdentity, default_identity
from inference.phantom.spec import FractureSpec, PhantomSpec, PhantomSpecError
from inference.phantom.writer import write_phantom

__all__ = [
    "FractureSpec",
    "Phantom",
    "PhantomSpec",
    "PhantomSpecError",
    "SeriesIdentity",
    "default_identity",
    "generate_phantom",
    "write_phantom",
]


@dataclass
class Phantom:
    hu: np.ndarray  # int16, (slices, rows, columns) = [k, j, i]
    affine: np.ndarray  # 4x4: (i, j, k, 1) -> LPS mm; k increases superiorly
    truth: dict[str, Any]  # "vcf-truth/1"; study_uid/series_uid are filled by the writer
    spec: PhantomSpec
    # Vertebral-body label map (uint8, same shape as hu): truth["label_codes"] gives the values.
    labels: np.ndarray | None = field(default=None, repr=False)


def generate_phantom(spec: PhantomSpec) -> Phantom:
    """Render the CT volume and its ground truth. Raises PhantomSpecError for an impossible spec."""
    from inference.phantom.render import render
    from inference.phantom.scanner import Scanner
    from inference.phantom.scene import build_scene
    from inference.phantom.truth import build_truth

    scene = build_scene(spec)
    hu, labels = render(scene, Scanner.for_spec(spec))
    return Phantom(hu=hu, affine=scene.grid.affine(), truth=build_truth(scene), spec=spec, labels=labels)
