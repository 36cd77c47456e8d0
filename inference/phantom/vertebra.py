"""Paint one vertebra (body, lesions, posterior elements) and one disc, each in its own local frame."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from inference.phantom.canvas import Box, Canvas, local_coords, ramp, ramp_width_along, world_bounds
from inference.phantom.confounders import CEMENT_HU, DISC_HU, Blob, Lesions
from inference.phantom.posterior import Capsule, PosteriorDims, paint_capsules, posterior_capsules
from inference.phantom.shapes import BodyShape, DiscShape
from inference.phantom.spine import Pose
from inference.phantom.textures import Texture

CORTEX_HU = 1250.0
POSTERIOR_SHELL_HU = 1150.0
OSTEOPHYTE_HU = 750.0
FUSED_DISC_HU = 320.0
VEIN_HU = 45.0
TEXTURE_HU = 48.0  # std of the trabecular grain before the scanner blur
BODY_WAIST = 0.05


@dataclass(frozen=True, eq=False)
class VertebraModel:
    label: str
    shape: BodyShape
    pose: Pose
    posterior: PosteriorDims
    lesions: Lesions
    trabecular_hu: float
    code: int  # value in the body-label map (0: unlabelled)
    fracture_kind: str = "none"


@dataclass(frozen=True)
class _Local:
    box: Box
    u: np.ndarray
    v: np.ndarray
    w: np.ndarray
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray


def _local_grid(
    canvas: Canvas, pose: Pose, lo: tuple[float, float, float], hi: tuple[float, float, float]
) -> _Local | None:
    wlo, whi = world_bounds(pose.centre, pose.frame, lo, hi)
    box = canvas.box(wlo, whi)
    if box is None:
        return None
    x, y, z = canvas.coords(box)
    u, v, w = local_coords(x, y, z, pose.centre, pose.frame)
    return _Local(box, u, v, w, x, y, z)


def _blob_occupancy(local: _Local, blob: Blob, px: float, lumpy: np.ndarray | None = None) -> np.ndarray:
    (cu, cv, cw), (ru, rv, rw) = blob.centre, blob.radii
    du, dv, dw = (local.u - cu) * (1.0 / ru), (local.v - cv) * (1.0 / rv), (local.w - cw) * (1.0 / rw)
    rho2 = du * du + dv * dv + dw * dw
    if lumpy is not None:
        rho2 += np.float32(0.25) * lumpy
    return ramp((1.0 - rho2) * np.float32(0.5 * min(ru, rv, rw)), px)


def paint_body(canvas: Canvas, model: VertebraModel, grain: Texture) -> None:
    shape, lesions = model.shape, model.lesions
    margin = 2.0 + lesions.osteophyte_mm
    hu, hv, hw = shape.extent()
    local = _local_grid(
        canvas,
        model.pose,
        (-hu - margin, -hv - margin, -hw - margin),
        (hu + margin, hv + margin, hw + margin),
    )
    if local is None:
        return
    px = canvas.grid.pixel_mm
    wz = ramp_width_along(model.pose.frame[:, 2], canvas.grid)
    u, v, w = local.u, local.v, local.w
    # The body's walls are slightly concave (a "waist") between the endplates.
    pinch = np.float32(1.0) - np.float32(BODY_WAIST) * np.clip(
        1.0 - (w * np.float32(2.0 / shape.mid_height)) ** 2, 0.0, 1.0
    )
    radial = -shape.outline_distance(u / pinch, v / pinch) * pinch
    top = shape.superior(u, v) - w
    bottom = w - shape.inferior(u, v)
    body = ramp(radial, px) * ramp(top, wz) * ramp(bottom, wz)
    inner = (
        ramp(radial - shape.cortex, px) * ramp(top - shape.endplate, wz) * ramp(bottom - shape.endplate, wz)
    )
    if lesions.osteophyte_mm > 0:
        np.maximum(body, _osteophytes(shape, lesions.osteophyte_mm, u, v, w, radial, px, wz), out=body)
    canvas.composite(local.box, body, CORTEX_HU)
    texture = grain.sample(local.x, local.y, local.z)
    trabecular = model.trabecular_hu + np.float32(TEXTURE_HU) * texture
    canvas.composite(local.box, inner, trabecular)
    if model.fracture_kind != "none":
        # Impacted trabeculae under a collapsed endplate look denser (a sclerotic band).
        band = ramp(6.0 - top, 2.0)
        if model.fracture_kind == "biconcave":
            np.maximum(band, ramp(6.0 - bottom, 2.0), out=band)
        canvas.composite(local.box, inner * band * np.float32(0.6), trabecular + 160.0)
    _paint_vein(canvas, local, shape, body, px)
    _paint_lesions(canvas, local, lesions, inner, body, texture, px)
    canvas.labels[local.box.index][body > 0.5] = model.code


def _paint_vein(canvas: Canvas, local: _Local, shape: BodyShape, body: np.ndarray, px: float) -> None:
    vein = Blob((0.0, -0.5 * shape.depth + 0.18 * shape.depth, 0.0), (1.6, 0.2 * shape.depth, 1.3), VEIN_HU)
    canvas.composite(local.box, body * _blob_occupancy(local, vein, px), VEIN_HU)


def _paint_lesions(
    canvas: Canvas,
    local: _Local,
    lesions: Lesions,
    inner: np.ndarray,
    body: np.ndarray,
    texture: np.ndarray,
    px: float,
) -> None:
    for blob in lesions.sclerotic:
        canvas.composite(
            local.box, inner * _blob_occupancy(local, blob, px, texture), blob.hu + 60.0 * texture
        )
    for blob in lesions.lytic:
        canvas.composite(
            local.box, inner * _blob_occupancy(local, blob, px, texture), blob.hu + 8.0 * texture
        )
    for blob in lesions.cement:
        canvas.composite(local.box, inner * _blob_occupancy(local, blob, px, texture), blob.hu)
    if lesions.schmorl is not None:
        node = lesions.schmorl
        ru, rv, rw = node.radii
        rim = Blob(node.centre, (ru + 1.2, rv + 1.2, rw + 1.2), 0.0)
        canvas.composite(local.box, body * _blob_occupancy(local, rim, px), 650.0)
        canvas.composite(local.box, body * _blob_occupancy(local, node, px), DISC_HU)


def _osteophytes(
    shape: BodyShape,
    size: float,
    u: np.ndarray,
    v: np.ndarray,
    w: np.ndarray,
    radial: np.ndarray,
    px: float,
    wz: float,
) -> np.ndarray:
    """Beak-shaped spurs on the anterior and lateral rims of both endplates, curving toward the disc.

    In (distance out of the wall, height past the endplate) a spur is the triangle
    (0, -1.2 size), (0, 0.4), (size, 0.5 size).
    """
    out = -radial
    lower_slope, upper_slope = 1.7, (0.5 * size - 0.4) / size
    lower_norm = np.float32(1.0 / np.hypot(1.0, lower_slope))
    upper_norm = np.float32(1.0 / np.hypot(1.0, upper_slope))
    front = ramp(v + np.float32(0.15 * shape.depth), 3.0)
    total = np.zeros_like(u)
    for rim, sign in ((shape.superior(u, v), 1.0), (shape.inferior(u, v), -1.0)):
        past = (w - rim) * np.float32(sign)
        lower = (past + np.float32(1.2 * size) - out * np.float32(lower_slope)) * lower_norm
        upper = (np.float32(0.4) + out * np.float32(upper_slope) - past) * upper_norm
        inside = np.minimum(np.minimum(lower, upper), np.float32(size) - out)
        np.maximum(total, ramp(inside, px), out=total)
    return total * front


def paint_posterior(canvas: Canvas, model: VertebraModel) -> None:
    capsules = posterior_capsules(model.label, model.shape, model.posterior)
    core = model.trabecular_hu + 60.0
    paint_capsules(canvas, capsules, model.pose, cortex=1.2, shell_hu=POSTERIOR_SHELL_HU, core_hu=core)
    if model.lesions.needle_sides:
        dims = model.posterior
        xp = dims.canal_half_width + 0.9 * dims.pedicle_radius
        back = -0.5 * model.shape.depth
        level = 0.18 * model.shape.posterior_height
        tracks = [
            Capsule(
                (side * xp, back - 2.0 * dims.canal_half_depth, level),
                (side * 0.3 * xp, back + 8.0, 0.3 * level),
                1.3,
            )
            for side in model.lesions.needle_sides
        ]
        paint_capsules(
            canvas, tracks, model.pose, cortex=0.0, shell_hu=CEMENT_HU - 400.0, core_hu=CEMENT_HU - 400.0
        )


def paint_disc(canvas: Canvas, disc: DiscShape, pose: Pose, upper: BodyShape, lower: BodyShape) -> None:
    """Disc between two bodies; it reaches into their endplate depressions so no gap is left."""
    reach = 1.5 + max(upper.concavity + upper.biconcavity, lower.concavity + lower.biconcavity)
    tilt = 2.0 * disc.half_width * abs(math.tan(disc.coronal_bend / 2.0))
    hu, hv = disc.half_width * 1.04 + 1.0, 0.52 * disc.depth + 1.0
    hw = (
        0.5 * disc.mid_height
        + reach
        + tilt
        + 0.5 * disc.depth * abs(math.tan(disc.sagittal_bend / 2.0))
        + 1.0
    )
    local = _local_grid(canvas, pose, (-hu, -hv, -hw), (hu, hv, hw))
    if local is None:
        return
    px = canvas.grid.pixel_mm
    wz = ramp_width_along(pose.frame[:, 2], canvas.grid)
    u, v, w = local.u, local.v, local.w
    bulge = np.float32(1.0 / 1.03)
    radial = -disc.outline_distance(u * bulge, v * bulge)
    half = disc.height(u, v) * np.float32(0.5)
    top = half + np.float32(1.5) + upper.depression(u, v) - w
    bottom = w + half + np.float32(1.5) + lower.depression(u, v)
    occupancy = ramp(radial, px) * ramp(top, wz) * ramp(bottom, wz)
    if disc.fused:
        canvas.composite(local.box, occupancy, FUSED_DISC_HU)
        return
    # Annulus a little denser than the nucleus.
    value = np.float32(DISC_HU - 12.0) + np.float32(20.0) * ramp(3.0 - radial, 4.0)
    canvas.composite(local.box, occupancy, value)
