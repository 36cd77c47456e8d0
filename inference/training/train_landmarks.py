"""Train the landmark network on phantom patches (CPU is enough) and evaluate it on held-out phantoms.

Full run (the shipped weights), planned for ~15–18 minutes on 2 CPU cores::

    train_landmarks(Path("inference/weights/landmarks.pt"), seed=0, minutes=None, steps=3000, device="cpu")

with the defaults of ``LandmarkTrainConfig``: 200 training phantoms (about 4.5 k patches of 64×64,
built by 2 worker processes in ~2–3 minutes and cached under ``var/training-cache/``), U-Net width 12,
depth 3 (~0.27 M parameters, 1.1 MB), batch 32, Adam with lr 2e-3 and cosine decay, loss = heat-map
cross-entropy against Gaussian targets (σ 1.5 px) + 0.5 × smooth-L1 of the soft-argmax coordinates
in mm + 0.25 × smooth-L1 of the three heights Ha, Hm, Hp in mm (``height_weight``; docs/benchmarks.md
compares weights 0, 0.25 and 1). Online augmentation: HU scale ×(0.9–1.1), shift ±40 HU,
extra noise 0–15 HU. 3000 steps take ~12–15 minutes with 2 threads (~0.25–0.3 s a step on an idle
machine). Deterministic for a given seed and step count (``minutes`` only caps the training loop).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.nn import functional as F

from inference.geometry import LANDMARK_NAMES, VertebraHeights, column_height_loss, heights_from_landmarks
from inference.nets.checkpoint import save_checkpoint
from inference.nets.landmarks import LandmarkNet, gaussian_heatmaps, normalise_hu, soft_argmax
from inference.phantom import generate_phantom
from inference.pipeline.landmarks import LandmarkPredictor, TestTimeAugment, sampler_config
from inference.pipeline.sagittal import SagittalSampler, local_frames
from inference.training.landmark_data import PatchAugment, build_patches, random_spec

DEFAULT_CACHE = Path(__file__).resolve().parents[2] / "var" / "training-cache"
# (superior, inferior) landmark indices of Ha, Hm and Hp
_HEIGHT_PAIRS = torch.tensor(
    [
        [LANDMARK_NAMES.index(f"{side}_superior"), LANDMARK_NAMES.index(f"{side}_inferior")]
        for side in ("anterior", "middle", "posterior")
    ]
)
HELD_OUT_SEED = 9_999  # phantom set used only for evaluation


@dataclass(frozen=True)
class LandmarkTrainConfig:
    phantoms: int = 200
    batch: int = 32
    lr: float = 2e-3
    width: int = 12
    depth: int = 3
    sigma_px: float = 1.5
    coord_weight: float = 0.5
    height_weight: float = 0.25
    workers: int = 2
    threads: int = 2
    tag: str = "landmarks"
    sampler: SagittalSampler = field(default_factory=SagittalSampler)
    augment: PatchAugment = field(default_factory=PatchAugment)


def _augment_batch(x: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    b = x.shape[0]
    scale = 1.0 + 0.1 * (torch.rand(b, 1, 1, generator=g) - 0.5) * 2.0
    shift = 40.0 * (torch.rand(b, 1, 1, generator=g) - 0.5) * 2.0
    noise = 15.0 * torch.rand(b, 1, 1, generator=g) * torch.randn(x.shape, generator=g)
    return x * scale + shift + noise


def landmark_loss(
    logits: torch.Tensor,
    coords: torch.Tensor,
    pixel_mm: torch.Tensor,
    *,
    sigma_px: float,
    coord_weight: float,
    height_weight: float = 0.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """(total loss, mean coordinate error in mm).

    The optional height term scores what the grade is computed from: Ha, Hm and Hp (superior minus
    inferior landmark of each pair).
    """
    target = gaussian_heatmaps(coords, (logits.shape[-2], logits.shape[-1]), sigma_px)
    log_prob = torch.log_softmax(logits.flatten(2), dim=-1)
    ce = -(target.flatten(2) * log_prob).sum(-1).mean()
    pred, _ = soft_argmax(logits)
    scale = pixel_mm[:, None, None]
    error_mm = (pred - coords) * scale
    loss = ce + coord_weight * F.smooth_l1_loss(error_mm, torch.zeros_like(error_mm), beta=1.0)
    if height_weight > 0.0:
        top, bottom = _HEIGHT_PAIRS[:, 0], _HEIGHT_PAIRS[:, 1]
        predicted = ((pred[:, top] - pred[:, bottom]) * scale).norm(dim=-1)
        true = ((coords[:, top] - coords[:, bottom]) * scale).norm(dim=-1)
        loss = loss + height_weight * F.smooth_l1_loss(predicted, true, beta=1.0)
    return loss, error_mm.norm(dim=-1).mean()


def train_landmarks(
    out: Path,
    *,
    seed: int,
    minutes: float | None,
    steps: int,
    device: torch.device | str = "cpu",
    config: LandmarkTrainConfig | None = None,
    cache_dir: Path | None = DEFAULT_CACHE,
    log: Callable[[str], None] = print,
) -> Path:
    """Train from scratch and write the checkpoint to ``out``; returns ``out``."""
    config = config or LandmarkTrainConfig()
    torch.set_num_threads(config.threads)
    torch.manual_seed(seed)
    start = time.monotonic()
    data = build_patches(
        seed,
        range(config.phantoms),
        sampler=config.sampler,
        augment=config.augment,
        cache_dir=cache_dir,
        workers=config.workers,
    )
    log(f"landmark patches: {len(data)} from {config.phantoms} phantoms in {time.monotonic() - start:.0f} s")
    start = time.monotonic()  # ``minutes`` caps the training loop, not the (cached) data build
    dev = torch.device(device)
    model = LandmarkNet(width=config.width, depth=config.depth).to(dev)
    optimiser = torch.optim.Adam(model.parameters(), lr=config.lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: 0.02 + 0.98 * 0.5 * (1.0 + math.cos(math.pi * min(s, steps) / max(steps, 1)))
    )
    pixels = torch.from_numpy(data.pixels.astype(np.float32))
    coords = torch.from_numpy(data.coords)
    sizes = torch.from_numpy(data.pixel_mm)
    g = torch.Generator().manual_seed(seed)
    done, running = 0, []
    model.train()
    for step in range(steps):
        if minutes is not None and time.monotonic() - start > 60.0 * minutes:
            log(f"time limit reached after {step} steps")
            break
        index = torch.randint(len(data), (config.batch,), generator=g)
        x = normalise_hu(_augment_batch(pixels[index], g))[:, None].to(dev)
        loss, error = landmark_loss(
            model(x),
            coords[index].to(dev),
            sizes[index].to(dev),
            sigma_px=config.sigma_px,
            coord_weight=config.coord_weight,
            height_weight=config.height_weight,
        )
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        running.append(float(error.detach()))
        done = step + 1
        if done % 50 == 0 or done == steps:
            log(f"step {done}: loss {loss.item():.3f}, landmark error {np.mean(running[-50:]):.2f} mm")
    loss_tag = f"-heights{config.height_weight:g}" if config.height_weight > 0 else ""
    version = f"{config.tag}-unet{config.width}x{config.depth}{loss_tag}-{done}steps-seed{seed}"
    checkpoint_config: dict[str, Any] = {**model.config, **sampler_config(config.sampler)}
    checkpoint_config["training"] = {"seed": seed, "steps": done, **_plain(asdict(config))}
    return save_checkpoint(out, model.cpu(), version=version, config=checkpoint_config)


def _plain(value: Any) -> Any:
    """JSON-like copy (checkpoints are loaded with weights_only)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class LandmarkEvaluation:
    vertebrae: int
    landmark_error_mm: float  # mean Euclidean error over all landmarks
    landmark_error_p90_mm: float
    height_error_mm: float  # mean |ΔH| over Ha, Hm, Hp
    vhl_error_pct: float  # mean |ΔVHL| (percentage points)
    grade_accuracy: float
    mean_spread_mm: float
    seconds_per_vertebra: float  # frames + landmarks with test-time augmentation


def evaluate_landmarks(
    predictor: LandmarkPredictor,
    *,
    phantoms: int = 3,
    seed: int = HELD_OUT_SEED,
    centroid_jitter_mm: float = 0.0,
) -> LandmarkEvaluation:
    """Errors on held-out random phantoms with the truth centroids (optionally jittered, like a
    detector's) as input."""
    errors, height_errors, vhl_errors, grade_hits, spreads = [], [], [], [], []
    rng = np.random.default_rng([seed, 5])
    seconds = 0.0
    for index in range(phantoms):
        phantom = generate_phantom(random_spec(seed * 100_000 + index))
        entries = [e for e in phantom.truth["vertebrae"] if e["status"] == "measured"]
        centroids = [np.asarray(e["centroid_lps_mm"]) + rng.normal(0, centroid_jitter_mm, 3) for e in entries]
        started = time.perf_counter()
        frames = local_frames(centroids, phantom.hu, phantom.affine)
        results = predictor.predict(phantom.hu, phantom.affine, frames)
        seconds += time.perf_counter() - started
        column = []
        for entry, result in zip(entries, results, strict=True):
            truth = entry["landmarks_lps_mm"]
            for name in LANDMARK_NAMES:
                errors.append(float(np.linalg.norm(result.landmarks_lps_mm[name] - np.asarray(truth[name]))))
            predicted = heights_from_landmarks({k: v.tolist() for k, v in result.landmarks_lps_mm.items()})
            true = heights_from_landmarks(truth).as_dict()
            height_errors += [abs(v - true[k]) for k, v in predicted.as_dict().items()]
            spreads += list(result.spread_mm.values())
            column.append(VertebraHeights(entry["label"], predicted))
        for entry, loss in zip(entries, column_height_loss(column), strict=True):
            if loss is not None and entry["height_loss_pct"] is not None:
                vhl_errors.append(abs(loss.percent - float(entry["height_loss_pct"])))
                grade_hits.append(loss.grade == entry["grade"])
    return LandmarkEvaluation(
        vertebrae=len(vhl_errors),
        landmark_error_mm=float(np.mean(errors)),
        landmark_error_p90_mm=float(np.percentile(errors, 90)),
        height_error_mm=float(np.mean(height_errors)),
        vhl_error_pct=float(np.mean(vhl_errors)),
        grade_accuracy=float(np.mean(grade_hits)),
        mean_spread_mm=float(np.mean(spreads)),
        seconds_per_vertebra=seconds / max(1, len(vhl_errors)),
    )


def _smoke(out: Path) -> None:  # pragma: no cover - manual experiment
    torch.set_num_threads(1)
    config = LandmarkTrainConfig(phantoms=40, workers=1, threads=1, tag="landmarks-smoke")
    path = train_landmarks(out, seed=0, minutes=2.2, steps=260, device="cpu", config=config)
    predictor = LandmarkPredictor(path, "cpu", tta=TestTimeAugment(views=4))
    print(evaluate_landmarks(predictor, phantoms=3))
    print(evaluate_landmarks(predictor, phantoms=3, centroid_jitter_mm=3.0))


if __name__ == "__main__":  # pragma: no cover
    import sys

    _smoke(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("var/landmarks-smoke.pt"))
