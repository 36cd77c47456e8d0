"""Training samples for the vertebra detector, made from randomly specified phantoms.

Each phantom index ``n`` of a ``DetectorData(seed)`` set is generated from its own seeded random
``PhantomSpec`` (noise, kernel, resolution, bone density, sex, scoliosis, fractures of every type and
grade, confounders, partial fields of view), rotated by a small random patient rotation and resampled
to the 4 mm working grid; the result is cached under ``cache_dir`` keyed by the set seed and index.
``crop`` then draws a random patch (random z range: partial fields of view) with HU jitter and a
left-right flip. Everything is deterministic given the seeds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inference.geometry import ALL_LABELS, GRADABLE_LABELS
from inference.phantom import FractureSpec, PhantomSpec, PhantomSpecError, generate_phantom
from inference.phantom.kernels import kernel_names
from inference.phantom.spec import FRACTURE_KINDS, validate
from inference.pipeline.resample import AIR_HU, WorkingGrid, normalise_hu, resample_to_grid

CACHE_VERSION = "detector-data-1"


@dataclass(frozen=True)
class WorkingSample:
    """One phantom on the working grid: HU [z, y, x], level classes [z, y, x] (0 = background,
    c = ALL_LABELS[c - 1]), body centroids in working indices (n, 3) = (z, y, x) and their labels."""

    hu: np.ndarray
    classes: np.ndarray
    centroids_zyx: np.ndarray
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Patch:
    image: np.ndarray  # float32 [2, Z, Y, X], normalised
    heatmap: np.ndarray  # float32 [Z, Y, X]
    classes: np.ndarray  # int64 [Z, Y, X]


def random_spec(rng: np.random.Generator, seed: int) -> PhantomSpec:
    """A random, valid phantom covering the trunk at a coarse (fast) resolution."""
    for _ in range(100):
        spec = _draw_spec(rng, seed)
        try:
            validate(spec)
        except PhantomSpecError:
            continue
        return spec
    raise RuntimeError("could not draw a valid phantom spec")


def _draw_spec(rng: np.random.Generator, seed: int) -> PhantomSpec:
    n = len(ALL_LABELS)
    if rng.random() < 0.5:
        first, last = int(rng.integers(0, 3)), int(rng.integers(n - 3, n))
    else:  # partial field of view with at least four vertebrae
        first = int(rng.integers(0, n - 4))
        last = int(rng.integers(first + 3, n))
    in_view = ALL_LABELS[first : last + 1]
    gradable = [label for label in in_view if label in GRADABLE_LABELS]
    picks = list(rng.permutation(gradable))
    fractures = tuple(
        FractureSpec(str(picks.pop()), FRACTURE_KINDS[int(rng.integers(3))], float(rng.uniform(10, 70)))  # type: ignore[arg-type]
        for _ in range(min(len(picks), int(rng.integers(0, 4))))
    )

    def take(p: float, k: int) -> tuple[str, ...]:
        return tuple(str(picks.pop()) for _ in range(min(len(picks), k)) if rng.random() < p)

    size = int(rng.integers(112, 161))
    return PhantomSpec(
        seed=seed,
        levels=(ALL_LABELS[first], ALL_LABELS[last]),
        fractures=fractures,
        scoliosis_deg=float(rng.uniform(0, 35)) if rng.random() < 0.4 else 0.0,
        cement=take(0.25, 2),
        sclerotic=take(0.2, 1),
        lytic=take(0.2, 1),
        osteophytes=tuple(str(x) for x in in_view if rng.random() < 0.1),
        schmorl=take(0.2, 2),
        trabecular_hu=float(rng.uniform(50, 280)),
        slice_mm=float(rng.uniform(1.0, 3.0)),
        pixel_mm=float(rng.uniform(330, 440) / size),
        size=size,
        age=int(rng.integers(50, 91)),
        sex="F" if rng.random() < 0.5 else "M",
        kernel=str(rng.choice(kernel_names())),
        noise_hu=float(rng.uniform(5, 30)),
    )


def _rotation(rng: np.random.Generator) -> np.ndarray:
    """A small random patient rotation (about z up to 10°, about x and y up to 6°)."""
    ax, ay, az = (
        np.deg2rad(rng.uniform(-6, 6)),
        np.deg2rad(rng.uniform(-6, 6)),
        np.deg2rad(rng.uniform(-10, 10)),
    )
    rx = np.array([[1, 0, 0], [0, np.cos(ax), -np.sin(ax)], [0, np.sin(ax), np.cos(ax)]])
    ry = np.array([[np.cos(ay), 0, np.sin(ay)], [0, 1, 0], [-np.sin(ay), 0, np.cos(ay)]])
    rz = np.array([[np.cos(az), -np.sin(az), 0], [np.sin(az), np.cos(az), 0], [0, 0, 1]])
    return rz @ ry @ rx


def make_working_sample(spec: PhantomSpec, rotation: np.ndarray, spacing_mm: float) -> WorkingSample:
    phantom = generate_phantom(spec)
    assert phantom.labels is not None
    affine = phantom.affine.copy()
    affine[:3, :] = rotation @ affine[:3, :]
    grid = WorkingGrid.covering(phantom.hu.shape, affine, spacing_mm)
    hu = resample_to_grid(phantom.hu, affine, grid)
    codes = phantom.truth["label_codes"]
    lut = np.zeros(256, dtype=np.uint8)
    for label, code in codes.items():
        lut[int(code)] = ALL_LABELS.index(label) + 1
    classes = lut[resample_to_grid(phantom.labels, affine, grid, order=0, fill=0).astype(np.uint8)]
    vertebrae = phantom.truth["vertebrae"]
    centroids = np.array([rotation @ np.asarray(v["centroid_lps_mm"]) for v in vertebrae]).reshape(-1, 3)
    return WorkingSample(
        hu=np.clip(np.round(hu), -32768, 32767).astype(np.int16),
        classes=classes,
        centroids_zyx=grid.lps_to_index(centroids),
        labels=tuple(v["label"] for v in vertebrae),
    )


class DetectorData:
    """A deterministic, cached set of working samples; ``crop`` draws training patches."""

    def __init__(self, seed: int, cache_dir: Path | None, spacing_mm: float = 4.0) -> None:
        self.seed = seed
        self.spacing_mm = spacing_mm
        self.cache_dir = cache_dir
        self._memory: dict[int, WorkingSample] = {}

    def spec(self, index: int) -> tuple[PhantomSpec, np.ndarray]:
        rng = np.random.default_rng([self.seed, index])
        spec = random_spec(rng, seed=int(rng.integers(2**31 - 1)))
        return spec, _rotation(rng)

    def sample(self, index: int) -> WorkingSample:
        if index in self._memory:
            return self._memory[index]
        path = self._cache_path(index)
        if path is not None and path.is_file():
            with np.load(path) as data:
                sample = WorkingSample(
                    data["hu"], data["classes"], data["centroids_zyx"], tuple(str(x) for x in data["labels"])
                )
        else:
            spec, rotation = self.spec(index)
            sample = make_working_sample(spec, rotation, self.spacing_mm)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(path.stem + ".tmp.npz")
                np.savez_compressed(
                    tmp,
                    hu=sample.hu,
                    classes=sample.classes,
                    centroids_zyx=sample.centroids_zyx,
                    labels=np.array(sample.labels),
                )
                tmp.replace(path)
        self._memory[index] = sample
        return sample

    def _cache_path(self, index: int) -> Path | None:
        if self.cache_dir is None:
            return None
        key = hashlib.sha1(f"{CACHE_VERSION}:{self.seed}:{index}:{self.spacing_mm}".encode()).hexdigest()[:12]
        return self.cache_dir / f"seed{self.seed}" / f"{index:05d}-{key}.npz"


def heatmap_for(shape: tuple[int, int, int], centroids_zyx: np.ndarray, sigma_vox: float) -> np.ndarray:
    """Max over Gaussian blobs (peak 1 at each centroid, evaluated at voxel centres)."""
    heat = np.zeros(shape, dtype=np.float32)
    radius = int(np.ceil(3 * sigma_vox))
    for centre in np.asarray(centroids_zyx).reshape(-1, 3):
        low = np.maximum(np.floor(centre).astype(int) - radius, 0)
        high = np.minimum(np.floor(centre).astype(int) + radius + 2, shape)
        if np.any(high <= low):
            continue
        axes = [np.arange(lo, hi) - c for lo, hi, c in zip(low, high, centre, strict=True)]
        d2 = axes[0][:, None, None] ** 2 + axes[1][None, :, None] ** 2 + axes[2][None, None, :] ** 2
        region = heat[low[0] : high[0], low[1] : high[1], low[2] : high[2]]
        np.maximum(region, np.exp(-d2 / (2 * sigma_vox**2)).astype(np.float32), out=region)
    return heat


def crop(
    sample: WorkingSample, rng: np.random.Generator, patch: tuple[int, int, int], sigma_vox: float
) -> Patch:
    """A random patch: any z range, overhanging the scan ends (FOV edges), x/y around the spine, HU
    jitter, left-right flip."""
    shape = np.array(sample.hu.shape)
    size = np.array(patch)
    spine = sample.centroids_zyx.mean(axis=0) if len(sample.centroids_zyx) else shape / 2
    start = np.zeros(3, dtype=int)
    # The patch may overhang either z end of the scan by up to half its height, so the net sees
    # field-of-view edges (air beyond the last slice) as it will at inference on partial scans.
    overhang = int(size[0]) // 2
    start[0] = int(rng.integers(-overhang, max(shape[0] - size[0] + overhang, -overhang) + 1))
    for axis in (1, 2):
        centre = spine[axis] + rng.uniform(-0.2, 0.2) * size[axis]
        start[axis] = round(centre - size[axis] / 2)
    hu = _window(sample.hu.astype(np.float32), start, size, AIR_HU)
    classes = _window(sample.classes, start, size, 0).astype(np.int64)
    centroids = sample.centroids_zyx - start
    hu = hu * rng.uniform(0.95, 1.05) + rng.uniform(-30, 30)
    if rng.random() < 0.5:
        hu, classes = hu[:, :, ::-1], classes[:, :, ::-1]
        centroids = centroids * np.array([1, 1, -1]) + np.array([0, 0, size[2] - 1])
    heat = heatmap_for((int(size[0]), int(size[1]), int(size[2])), centroids, sigma_vox)
    return Patch(np.ascontiguousarray(normalise_hu(hu)), heat, np.ascontiguousarray(classes))


def _window(volume: np.ndarray, start: np.ndarray, size: np.ndarray, fill: float) -> np.ndarray:
    out = np.full(tuple(int(s) for s in size), fill, dtype=volume.dtype)
    src_lo = np.maximum(start, 0)
    src_hi = np.minimum(start + size, volume.shape)
    if np.any(src_hi <= src_lo):
        return out
    dst_lo = src_lo - start
    dst_hi = dst_lo + (src_hi - src_lo)
    out[dst_lo[0] : dst_hi[0], dst_lo[1] : dst_hi[1], dst_lo[2] : dst_hi[2]] = volume[
        src_lo[0] : src_hi[0], src_lo[1] : src_hi[1], src_lo[2] : src_hi[2]
    ]
    return out
