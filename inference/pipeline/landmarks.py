"""Stage: the six SPEC landmarks of every vertebra, in LPS mm, with a test-time-augmentation spread.

``LandmarkPredictor`` loads the landmark network once. ``predict`` samples a sagittal patch per
vertebra frame (see ``inference.pipeline.sagittal``), runs the network on the patch and on a fixed
set of perturbed copies (small in-plane shifts/rotations, pixel-size scale, intensity jitter), maps
every prediction back to LPS and reports the mean position and per-landmark spread (RMS distance to
the mean, mm). A second pass re-centres each patch on the body found in the first one, so a
centroid a few millimetres off still gives a well-centred patch.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from inference.geometry import LANDMARK_NAMES
from inference.nets.checkpoint import load_checkpoint
from inference.nets.landmarks import LandmarkNet, build_landmark_net, normalise_hu, soft_argmax
from inference.pipeline.sagittal import (
    SagittalPatch,
    SagittalSampler,
    VertebraFrame,
    VoxelSampler,
    refine_frame,
)


@dataclass(frozen=True)
class LandmarkResult:
    landmarks_lps_mm: dict[str, np.ndarray]
    spread_mm: dict[str, float]
    patch: SagittalPatch  # the final (re-centred) unperturbed patch


@dataclass(frozen=True)
class TestTimeAugment:
    __test__ = False  # not a pytest class

    views: int = 4  # perturbed copies besides the plain patch
    shift_mm: float = 1.5
    rotation_deg: float = 4.0
    scale: float = 0.05  # log pixel-size std
    hu_shift: float = 20.0
    hu_scale: float = 0.05
    seed: int = 0


def sampler_from_config(config: dict[str, Any]) -> SagittalSampler:
    size = config.get("patch_size", (64, 64))
    extent = config.get("patch_extent", (1.8, 1.8))
    return SagittalSampler(
        size=(int(size[0]), int(size[1])),
        extent=(float(extent[0]), float(extent[1])),
        slab_mm=float(config.get("slab_mm", 2.0)),
        slab_samples=int(config.get("slab_samples", 3)),
    )


def sampler_config(sampler: SagittalSampler) -> dict[str, Any]:
    return {
        "patch_size": list(sampler.size),
        "patch_extent": list(sampler.extent),
        "slab_mm": sampler.slab_mm,
        "slab_samples": sampler.slab_samples,
    }


def spread(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(V, K, 3) predictions of V views -> (mean (K, 3), RMS distance to the mean (K,))."""
    mean = points.mean(axis=0)
    rms = np.sqrt(((points - mean) ** 2).sum(axis=-1).mean(axis=0))
    return mean, rms


class LandmarkPredictor:
    """Loads the landmark network once and predicts many vertebrae."""

    def __init__(
        self,
        weights_path: Path | str,
        device: torch.device | str = "cpu",
        *,
        tta: TestTimeAugment | None = None,
        recentre: bool = True,
    ) -> None:
        configs: list[dict[str, Any]] = []

        def build(config: dict[str, Any]) -> LandmarkNet:
            configs.append(config)
            return build_landmark_net(config)

        model, version = load_checkpoint(weights_path, build, device)
        assert isinstance(model, LandmarkNet)
        self._setup(model, version, sampler_from_config(configs[0]), device, tta, recentre)

    @classmethod
    def from_model(
        cls,
        model: LandmarkNet,
        *,
        version: str = "untrained",
        sampler: SagittalSampler | None = None,
        device: torch.device | str = "cpu",
        tta: TestTimeAugment | None = None,
        recentre: bool = True,
    ) -> LandmarkPredictor:
        self = cls.__new__(cls)
        self._setup(model.eval(), version, sampler or SagittalSampler(), device, tta, recentre)
        return self

    def _setup(
        self,
        model: LandmarkNet,
        version: str,
        sampler: SagittalSampler,
        device: torch.device | str,
        tta: TestTimeAugment | None,
        recentre: bool,
    ) -> None:
        self.device = torch.device(device)
        self.model = model.to(self.device).eval()
        self.version = version
        self.sampler = sampler
        self.tta = tta if tta is not None else TestTimeAugment()
        self.recentre = recentre

    def predict(
        self, volume_hu: np.ndarray, affine: np.ndarray, frames: list[VertebraFrame]
    ) -> list[LandmarkResult]:
        if not frames:
            return []
        voxels = VoxelSampler(volume_hu, affine)
        results = self._predict(voxels, frames)
        if self.recentre:
            # The body centre from the first pass puts the symmetry sections inside the body.
            frames = [
                refine_frame(voxels, _recentred(r, f), coarse=False)
                for r, f in zip(results, frames, strict=True)
            ]
            results = self._predict(voxels, frames)
        return results

    def _views(self, frame: VertebraFrame) -> list[tuple[VertebraFrame, float, float, float]]:
        """(frame, pixel-size factor, HU scale, HU shift) of the plain and perturbed views."""
        t = self.tta
        rng = np.random.default_rng(t.seed)
        views = [(frame, 1.0, 1.0, 0.0)]
        for _ in range(t.views):
            shift = rng.normal(0.0, t.shift_mm, 2)
            moved = VertebraFrame.build(
                frame.centre + shift[0] * frame.superior + shift[1] * frame.anterior,
                frame.superior,
                frame.anterior,
                frame.spacing_mm,
            ).rotated(np.radians(rng.normal(0.0, t.rotation_deg)))
            views.append(
                (
                    moved,
                    float(np.exp(rng.normal(0.0, t.scale))),
                    float(1.0 + rng.normal(0.0, t.hu_scale)),
                    float(rng.normal(0.0, t.hu_shift)),
                )
            )
        return views

    def _predict(self, voxels: VoxelSampler, frames: list[VertebraFrame]) -> list[LandmarkResult]:
        patches: list[SagittalPatch] = []
        inputs: list[np.ndarray] = []
        per_frame = self.tta.views + 1
        for frame in frames:
            for view, scale, hu_scale, hu_shift in self._views(frame):
                patch = self.sampler.sample(voxels, None, view, pixel_mm=self.sampler.pixel_mm(view) * scale)
                patches.append(patch)
                inputs.append(normalise_hu(patch.pixels * hu_scale + hu_shift))
        coords = self._coordinates(np.stack(inputs))
        results = []
        for index in range(len(frames)):
            views = patches[index * per_frame : (index + 1) * per_frame]
            points = np.stack(
                [
                    p.to_lps(coords[index * per_frame + v, :, 0], coords[index * per_frame + v, :, 1])
                    for v, p in enumerate(views)
                ]
            )
            mean, rms = spread(points)
            plain = views[0]
            in_plane = plain.to_lps(*plain.from_lps(mean))  # the perturbed views share the plane
            results.append(
                LandmarkResult(
                    landmarks_lps_mm={n: in_plane[k] for k, n in enumerate(LANDMARK_NAMES)},
                    spread_mm={n: float(rms[k]) for k, n in enumerate(LANDMARK_NAMES)},
                    patch=plain,
                )
            )
        return results

    @torch.no_grad()
    def _coordinates(self, batch: np.ndarray) -> np.ndarray:
        x = torch.from_numpy(batch[:, None].astype(np.float32)).to(self.device)
        coords, _ = soft_argmax(self.model(x).float())
        return coords.cpu().numpy().astype(float)


def _recentred(result: LandmarkResult, frame: VertebraFrame) -> VertebraFrame:
    """The frame moved in-plane to the body centre the landmarks imply (orientation kept)."""
    points = np.stack([result.landmarks_lps_mm[n] for n in LANDMARK_NAMES])
    offset = points.mean(axis=0) - frame.centre
    offset -= np.dot(offset, frame.lateral) * frame.lateral
    limit = 0.5 * frame.spacing_mm  # a wild first guess must not drag the patch to a neighbour
    norm = float(np.linalg.norm(offset))
    if norm > limit:
        offset *= limit / norm
    return VertebraFrame.build(frame.centre + offset, frame.superior, frame.anterior, frame.spacing_mm)
