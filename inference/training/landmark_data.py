"""Training patches for the landmark network, cut from randomised phantoms with exact truth.

Each phantom is drawn from a seeded generator that varies what the network must not depend on:
pixel and slice spacing, kernel, noise, trabecular density (50–280 HU), scoliosis (0–35°), sclerotic
and lytic lesions, osteophytes, Schmorl nodes and cement at other levels. Fractures are stratified:
every phantom has one to three of them (wedge/biconcave/crush), three quarters with VHL 15–80 % so
grades 1–3 are frequent, and fractured vertebrae get extra patches. Cemented vertebrae are skipped.

Patches follow the inference path: frames from the truth centroids by ``local_frames`` (refined from
the image), then perturbed like a detector would (centre jitter of a few mm, small in-plane and
out-of-plane rotations, pixel-size scale). Targets are the truth landmarks projected into the patch.
Everything is deterministic given the seed and cached as one ``.npz`` under ``var/training-cache/``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

import numpy as np

from inference.geometry import GRADABLE_LABELS, LANDMARK_NAMES
from inference.phantom import FractureSpec, PhantomSpec, generate_phantom
from inference.phantom.spec import PhantomSpecError, validate
from inference.pipeline.sagittal import SagittalSampler, VertebraFrame, VoxelSampler, local_frames

CACHE_FORMAT = "landmark-patches/2"  # bump when the patch geometry changes
_KERNELS = ("SOFT", "STANDARD", "STANDARD", "B20f", "B30f", "Br40", "I30f", "FC13", "BONE", "B60f")


@dataclass(frozen=True)
class PatchAugment:
    centre_jitter_mm: float = 2.5  # std per axis, clipped at 2.5 std
    in_plane_deg: float = 7.0  # std of the rotation about the lateral axis
    out_of_plane_deg: float = 3.0  # std of the rotation about the superior axis
    scale: float = 0.08  # std of the log pixel-size factor
    patches_per_vertebra: int = 3
    fractured_extra: int = 3  # extra patches for a vertebra with grade >= 1


@dataclass(frozen=True)
class LandmarkArrays:
    pixels: np.ndarray  # float16 (N, H, W) HU
    coords: np.ndarray  # float32 (N, 6, 2) truth (row, col) pixels in LANDMARK_NAMES order
    pixel_mm: np.ndarray  # float32 (N,)
    grade: np.ndarray  # int8 (N,)
    height_loss_pct: np.ndarray  # float32 (N,)
    phantom: np.ndarray  # int32 (N,) index of the source phantom

    def __len__(self) -> int:
        return int(self.pixels.shape[0])

    @staticmethod
    def concatenate(parts: Iterable[LandmarkArrays]) -> LandmarkArrays:
        items = list(parts)
        return LandmarkArrays(
            *(np.concatenate([getattr(p, f) for p in items]) for f in LandmarkArrays.__dataclass_fields__)
        )


def random_spec(seed: int) -> PhantomSpec:
    """A valid randomised phantom spec, deterministic in ``seed``."""
    rng = np.random.default_rng([seed, 7301])
    for attempt in range(50):
        spec = _draw_spec(rng, seed * 100 + attempt)
        try:
            validate(spec)
            return spec
        except PhantomSpecError:
            continue
    raise RuntimeError(f"no valid phantom spec for seed {seed}")


def _draw_spec(rng: np.random.Generator, phantom_seed: int) -> PhantomSpec:
    count = int(rng.integers(4, 9))
    first = int(rng.integers(0, len(GRADABLE_LABELS) - count + 1))
    window = GRADABLE_LABELS[first : first + count]
    inner = list(window)
    chosen = list(rng.permutation(inner))
    n_fractures = int(rng.integers(1, 4))
    fractures = []
    for label in chosen[:n_fractures]:
        vhl = float(rng.uniform(15.0, 80.0)) if rng.random() < 0.75 else float(rng.uniform(0.0, 15.0))
        kind = str(rng.choice(["wedge", "biconcave", "crush"]))
        fractures.append(FractureSpec(str(label), kind, round(vhl, 1)))  # type: ignore[arg-type]
    free = chosen[n_fractures:]

    def maybe(p: float) -> tuple[str, ...]:
        return (str(rng.choice(inner)),) if rng.random() < p else ()

    cement = (str(free[0]),) if free and rng.random() < 0.15 else ()
    pixel_mm = float(rng.uniform(0.6, 1.2))
    return PhantomSpec(
        seed=phantom_seed,
        levels=(window[0], window[-1]),
        fractures=tuple(fractures),
        scoliosis_deg=float(rng.uniform(5.0, 35.0)) if rng.random() < 0.4 else 0.0,
        sclerotic=maybe(0.2),
        lytic=maybe(0.2),
        cement=cement,
        osteophytes=maybe(0.3),
        schmorl=maybe(0.3),
        trabecular_hu=float(rng.uniform(50.0, 280.0)),
        slice_mm=float(rng.uniform(0.8, 3.0)),
        pixel_mm=pixel_mm,
        size=int(np.ceil(250.0 / pixel_mm / 16.0) * 16),
        age=int(rng.integers(50, 90)),
        sex="F" if rng.random() < 0.6 else "M",
        kernel=str(rng.choice(_KERNELS)),
        noise_hu=float(rng.uniform(4.0, 30.0)),
    )


def jittered_frame(frame: VertebraFrame, rng: np.random.Generator, augment: PatchAugment) -> VertebraFrame:
    """``frame`` moved and turned the way an imperfect detector would place it."""
    shift = np.clip(
        rng.normal(0.0, augment.centre_jitter_mm, 3),
        -2.5 * augment.centre_jitter_mm,
        2.5 * augment.centre_jitter_mm,
    )
    moved = VertebraFrame.build(frame.centre + shift, frame.superior, frame.anterior, frame.spacing_mm)
    return moved.rotated(
        np.radians(rng.normal(0.0, augment.in_plane_deg)),
        np.radians(rng.normal(0.0, augment.out_of_plane_deg)),
    )


def phantom_patches(index: int, seed: int, sampler: SagittalSampler, augment: PatchAugment) -> LandmarkArrays:
    """All training patches of one phantom (index ``index`` of the set drawn with ``seed``)."""
    phantom_seed = seed * 100_000 + index
    phantom = generate_phantom(random_spec(phantom_seed))
    rng = np.random.default_rng([phantom_seed, 9127])
    entries = phantom.truth["vertebrae"]
    frames = local_frames([np.asarray(e["centroid_lps_mm"]) for e in entries], phantom.hu, phantom.affine)
    voxels = VoxelSampler(phantom.hu, phantom.affine)
    pixels, coords, sizes, grades, losses = [], [], [], [], []
    for entry, frame in zip(entries, frames, strict=True):
        if entry["status"] != "measured" or entry["landmarks_lps_mm"] is None:
            continue
        truth = np.asarray([entry["landmarks_lps_mm"][name] for name in LANDMARK_NAMES], dtype=float)
        grade = int(entry["grade"] or 0)
        repeats = augment.patches_per_vertebra + (augment.fractured_extra if grade >= 1 else 0)
        for _ in range(repeats):
            jittered = jittered_frame(frame, rng, augment)
            px = sampler.pixel_mm(jittered) * float(np.exp(rng.normal(0.0, augment.scale)))
            patch = sampler.sample(voxels, None, jittered, pixel_mm=px)
            rows, cols = patch.from_lps(truth)
            pixels.append(patch.pixels.astype(np.float16))
            coords.append(np.stack([rows, cols], axis=1))
            sizes.append(px)
            grades.append(grade)
            losses.append(float(entry["height_loss_pct"] or 0.0))
    n = len(pixels)
    h, w = sampler.size
    return LandmarkArrays(
        pixels=np.asarray(pixels, dtype=np.float16).reshape(n, h, w),
        coords=np.asarray(coords, dtype=np.float32).reshape(n, len(LANDMARK_NAMES), 2),
        pixel_mm=np.asarray(sizes, dtype=np.float32),
        grade=np.asarray(grades, dtype=np.int8),
        height_loss_pct=np.asarray(losses, dtype=np.float32),
        phantom=np.full(n, index, dtype=np.int32),
    )


def _cache_key(seed: int, phantoms: range, sampler: SagittalSampler, augment: PatchAugment) -> str:
    blob = json.dumps(
        {
            "format": CACHE_FORMAT,
            "seed": seed,
            "phantoms": [phantoms.start, phantoms.stop],
            "sampler": asdict(sampler),
            "augment": asdict(augment),
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def build_patches(
    seed: int,
    phantoms: range,
    *,
    sampler: SagittalSampler | None = None,
    augment: PatchAugment | None = None,
    cache_dir: Path | None = None,
    workers: int = 1,
) -> LandmarkArrays:
    """Patches of phantoms ``phantoms`` (indices) of the set ``seed``; cached when ``cache_dir``."""
    sampler = sampler or SagittalSampler()
    augment = augment or PatchAugment()
    path = None
    if cache_dir is not None:
        path = Path(cache_dir) / f"landmarks-{_cache_key(seed, phantoms, sampler, augment)}.npz"
        if path.is_file():
            with np.load(path) as data:
                return LandmarkArrays(**{f: data[f] for f in LandmarkArrays.__dataclass_fields__})
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        work = partial(phantom_patches, seed=seed, sampler=sampler, augment=augment)
        with ProcessPoolExecutor(workers) as pool:
            parts = list(pool.map(work, phantoms))
    else:
        parts = [phantom_patches(i, seed, sampler, augment) for i in phantoms]
    arrays = LandmarkArrays.concatenate(parts)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.stem + ".tmp.npz")
        np.savez(tmp, **{f: getattr(arrays, f) for f in LandmarkArrays.__dataclass_fields__})
        tmp.replace(path)
    return arrays
