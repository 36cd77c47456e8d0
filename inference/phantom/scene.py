"""Everything about one phantom before voxels exist: anatomy, poses, grid and the paint order."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from inference.geometry import ALL_LABELS, GRADABLE_LABELS
from inference.phantom.anatomy import CHAIN, Proportions, natural_spine, sample_proportions
from inference.phantom.body import BodyModel, SpineCurve, trunk_layers
from inference.phantom.canvas import Grid
from inference.phantom.column import VertebraLayer, body_bounds, canal_layers, disc_layers
from inference.phantom.confounders import Lesions, make_lesions
from inference.phantom.deformities import solve_fractures
from inference.phantom.lungs import Diaphragm, Lungs
from inference.phantom.organs import Anchors, Enhancement, abdominal_organs, bowel, muscles
from inference.phantom.posterior import posterior_dims
from inference.phantom.primitives import Layer
from inference.phantom.shapes import BodyShape
from inference.phantom.skeleton import make_sternum, pelvis, ribs
from inference.phantom.spec import PhantomSpec, levels_in_view, validate
from inference.phantom.spine import Scoliosis, Spine, build_spine
from inference.phantom.textures import Textures, make_textures
from inference.phantom.vertebra import VertebraModel
from inference.phantom.vessels import airway, aorta, heart, venae_cavae

Z_MARGIN_MM = 3.0  # beyond the first and last body: less than any disc, so no extra body fits


@dataclass(frozen=True, eq=False)
class Scene:
    spec: PhantomSpec
    props: Proportions
    spine: Spine
    vertebrae: dict[str, VertebraModel]
    body: BodyModel
    grid: Grid
    scoliosis: Scoliosis | None
    layers: list[Layer]


def label_code(label: str) -> int:
    """Value of a vertebral body in the label map (0 for unlabelled segments)."""
    return ALL_LABELS.index(label) + 1 if label in ALL_LABELS else 0


def _placed_spine(spine: Spine, shapes: dict[str, BodyShape], props: Proportions, male: bool) -> Spine:
    """Centre the sacrum at x = 0 and the trunk (T1-L5 average) at y = 0."""
    first = BodyModel(SpineCurve.from_spine(spine, shapes), props, male)
    zs = np.array([spine.vertebrae[label].centre[2] for label in GRADABLE_LABELS])
    offset = np.array([-spine.vertebrae["S1"].centre[0], -float(np.mean(first.centre_y(zs))), 0.0])
    return spine.translated(offset)


def _vertebra_models(
    spec: PhantomSpec, spine: Spine, shapes: dict[str, BodyShape], props: Proportions
) -> dict[str, VertebraModel]:
    fractures = {f.level: f.kind for f in spec.fractures}
    models = {}
    for index, label in enumerate(CHAIN):
        lesions = make_lesions(spec, label, shapes[label], index) if label in ALL_LABELS else Lesions()
        models[label] = VertebraModel(
            label=label,
            shape=shapes[label],
            pose=spine.vertebrae[label],
            posterior=posterior_dims(label, props.vertebra_scale),
            lesions=lesions,
            trabecular_hu=spec.trabecular_hu,
            code=label_code(label),
            fracture_kind=fractures.get(label, "none"),
        )
    return models


def _grid(spec: PhantomSpec, models: dict[str, VertebraModel], body: BodyModel) -> Grid:
    first, last = spec.levels
    z_hi = float(body_bounds(models[first])[1][2]) + Z_MARGIN_MM
    z_lo = float(body_bounds(models[last])[0][2]) - Z_MARGIN_MM
    slices = max(2, math.ceil((z_hi - z_lo) / spec.slice_mm - 1e-9) + 1)
    zs = z_lo + spec.slice_mm * np.arange(slices)
    centre_y = float(np.mean(body.centre_y(zs)))
    half = 0.5 * (spec.size - 1) * spec.pixel_mm
    return Grid(spec.size, spec.size, slices, spec.pixel_mm, spec.slice_mm, (-half, centre_y - half, z_lo))


def _layers(
    scene_parts: tuple[PhantomSpec, Spine, dict[str, VertebraModel], BodyModel, Proportions, Textures],
) -> list[Layer]:
    spec, spine, models, body, props, textures = scene_parts
    anchors = Anchors(body)
    enhancement = Enhancement.for_contrast(props.contrast)
    diaphragm = Diaphragm.for_body(body, props.dome_offset_mm)
    z_all = (float(spine.vertebrae["S5"].centre[2]) - 40.0, float(spine.vertebrae["C5"].centre[2]) + 40.0)
    sternum = make_sternum(body, spec.trabecular_hu + 40.0)
    shapes = {label: model.shape for label, model in models.items()}
    layers: list[Layer] = [
        *trunk_layers(body, z_all),
        *abdominal_organs(anchors, diaphragm, enhancement, textures),
        *muscles(anchors),
        *bowel(anchors, enhancement, textures, props),
        Lungs.build(body, diaphragm, textures),
        *heart(anchors, enhancement),
        *aorta(anchors, enhancement),
        *venae_cavae(anchors, enhancement),
        *airway(anchors),
        *canal_layers(models),
        *disc_layers(spine, shapes),
        *(VertebraLayer.of(model, textures.trabecular) for model in models.values()),
        *ribs(models, body, sternum),
        sternum,
        *pelvis(body, spec.trabecular_hu + 30.0),
    ]
    return layers


def build_scene(spec: PhantomSpec) -> Scene:
    validate(spec)
    props = sample_proportions(spec, np.random.default_rng([spec.seed, 1]))
    plan = natural_spine(props, trabecular_hu=spec.trabecular_hu)
    column = [label for label in levels_in_view(spec) if label in GRADABLE_LABELS]
    shapes = solve_fractures(column, plan.shapes, spec.fractures, set(spec.cement))
    plan = replace(plan, shapes=shapes)
    scoliosis = None
    if spec.scoliosis_deg > 0:
        scoliosis = Scoliosis(
            spec.scoliosis_deg, props.scoliosis_upper, props.scoliosis_lower, props.scoliosis_convex_right
        )
    male = spec.sex == "M"
    spine = _placed_spine(build_spine(plan, scoliosis, props.lean_deg), shapes, props, male)
    body = BodyModel(SpineCurve.from_spine(spine, shapes), props, male)
    models = _vertebra_models(spec, spine, shapes, props)
    grid = _grid(spec, models, body)
    textures = make_textures(spec.seed)
    layers = _layers((spec, spine, models, body, props, textures))
    return Scene(spec, props, spine, models, body, grid, scoliosis, layers)
