"""Small periodic noise tiles, sampled in world millimetres: trabecular grain, lung vessels, organs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage


def _tile(rng: np.random.Generator, size: int, sigma: float | tuple[float, float, float]) -> np.ndarray:
    noise = rng.standard_normal((size, size, size)).astype(np.float32)
    smooth = ndimage.gaussian_filter(noise, sigma, mode="wrap")
    smooth -= smooth.mean()
    smooth /= smooth.std()
    return smooth.astype(np.float32)


@dataclass(frozen=True)
class Texture:
    tile: np.ndarray  # (n, n, n), zero mean, unit std, periodic
    texel_mm: float

    def sample(self, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        """Values at the broadcast world coordinates x (1,1,I), y (1,J,1), z (K,1,1)."""
        n = self.tile.shape[0]
        scale = 1.0 / self.texel_mm
        ix = np.floor(x * scale).astype(np.intp) % n
        iy = np.floor(y * scale).astype(np.intp) % n
        iz = np.floor(z * scale).astype(np.intp) % n
        return self.tile[iz, iy, ix]


@dataclass(frozen=True)
class Textures:
    trabecular: Texture
    vessels_a: Texture
    vessels_b: Texture
    organ: Texture


def make_textures(seed: int) -> Textures:
    rng = np.random.default_rng([seed, 7001])
    return Textures(
        # Trabeculae run mostly vertically: longer correlation along z (tile axes are z, y, x).
        trabecular=Texture(_tile(rng, 48, (2.2, 1.0, 1.0)), 0.6),
        vessels_a=Texture(_tile(rng, 80, 3.2), 1.0),
        vessels_b=Texture(_tile(rng, 80, 3.2), 1.0),
        organ=Texture(_tile(rng, 64, 3.0), 1.0),
    )
