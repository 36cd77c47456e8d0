"""PNG previews: a curved mid-sagittal reformat along the spine (bone window) and an axial slice."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image, ImageDraw

if TYPE_CHECKING:
    from inference.phantom import Phantom

BONE_WINDOW = (400.0, 1800.0)  # centre, width
SOFT_WINDOW = (40.0, 400.0)


def windowed(hu: np.ndarray, window: tuple[float, float]) -> np.ndarray:
    centre, width = window
    scaled = (hu.astype(np.float32) - (centre - width / 2.0)) * (255.0 / width)
    return np.clip(scaled, 0, 255).astype(np.uint8)


def _spine_columns(phantom: Phantom) -> np.ndarray:
    """Column index of the spine's midline in every slice (follows a scoliotic curve)."""
    affine = phantom.affine
    centres = np.array([v["centroid_lps_mm"] for v in phantom.truth["vertebrae"]])
    zs = affine[2, 3] + affine[2, 2] * np.arange(phantom.hu.shape[0])
    if len(centres) == 0:
        return np.full(len(zs), phantom.hu.shape[2] // 2)
    order = np.argsort(centres[:, 2])
    x = np.interp(zs, centres[order, 2], centres[order, 0])
    return np.clip(np.rint((x - affine[0, 3]) / affine[0, 0]).astype(int), 1, phantom.hu.shape[2] - 2)


def sagittal(phantom: Phantom) -> tuple[Image.Image, float]:
    """Mid-sagittal reformat (anterior left, superior up), resampled to square pixels; and its z scale."""
    columns = _spine_columns(phantom)
    ks = np.arange(phantom.hu.shape[0])
    plane = np.mean([phantom.hu[ks, :, columns + d] for d in (-1, 0, 1)], axis=0)[::-1]
    image = Image.fromarray(windowed(plane, BONE_WINDOW))
    scale = float(phantom.affine[2, 2] / phantom.affine[1, 1])
    height = max(1, round(plane.shape[0] * scale))
    return image.resize((plane.shape[1], height), Image.Resampling.BILINEAR), scale


def _mark_landmarks(image: Image.Image, phantom: Phantom, scale: float) -> Image.Image:
    marked = image.convert("RGB")
    draw = ImageDraw.Draw(marked)
    affine = phantom.affine
    top = affine[2, 3] + affine[2, 2] * (phantom.hu.shape[0] - 1)
    for vertebra in phantom.truth["vertebrae"]:
        marks: dict[str, Any] | None = vertebra["landmarks_lps_mm"]
        for point in (marks or {}).values():
            col = (point[1] - affine[1, 3]) / affine[1, 1]
            row = (top - point[2]) / affine[2, 2] * scale
            draw.ellipse((col - 1.5, row - 1.5, col + 1.5, row + 1.5), fill=(255, 60, 40))
    return marked


def axial_index(phantom: Phantom) -> int:
    """The slice through L1's centroid, else through the middle vertebra of the truth."""
    vertebrae = phantom.truth["vertebrae"]
    chosen = next(
        (v for v in vertebrae if v["label"] == "L1"), vertebrae[len(vertebrae) // 2] if vertebrae else None
    )
    if chosen is None:
        return phantom.hu.shape[0] // 2
    k = round((chosen["centroid_lps_mm"][2] - phantom.affine[2, 3]) / phantom.affine[2, 2])
    return int(np.clip(k, 0, phantom.hu.shape[0] - 1))


def axial(phantom: Phantom, window: tuple[float, float] = SOFT_WINDOW) -> Image.Image:
    return Image.fromarray(windowed(phantom.hu[axial_index(phantom)], window))


def _fit(image: Image.Image, max_size: int | None) -> Image.Image:
    if max_size is None or max(image.size) <= max_size:
        return image
    factor = max_size / max(image.size)
    return image.resize(
        (max(1, round(image.width * factor)), max(1, round(image.height * factor))), Image.Resampling.LANCZOS
    )


def write_previews(phantom: Phantom, out_dir: Path, *, max_size: int | None = None) -> list[Path]:
    """preview_sagittal.png (clean), preview_sagittal_landmarks.png and preview_axial.png."""
    out_dir.mkdir(parents=True, exist_ok=True)
    image, scale = sagittal(phantom)
    outputs = {
        "preview_sagittal.png": image,
        "preview_sagittal_landmarks.png": _mark_landmarks(image, phantom, scale),
        "preview_axial.png": axial(phantom),
    }
    paths = []
    for name, picture in outputs.items():
        path = out_dir / name
        _fit(picture, max_size).save(path, optimize=True)
        paths.append(path)
    return paths
