"""What the scanner does to the ideal image: kernel blur and overshoot, correlated noise, HU integers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from inference.phantom.kernels import Kernel, find_kernel
from inference.phantom.spec import PhantomSpec

HU_MIN, HU_MAX = -1024, 3071
_BANK_SIZE = 6
_BANK_MARGIN = 64


@dataclass(frozen=True)
class Scanner:
    kernel: Kernel
    noise_std: float
    pixel_mm: float
    seed: int
    bank: np.ndarray  # (n, size + margin, size + margin) unit-variance noise with the kernel's grain

    @classmethod
    def for_spec(cls, spec: PhantomSpec) -> Scanner:
        kernel = find_kernel(spec.kernel)
        if kernel is None:
            raise ValueError(f"unknown kernel {spec.kernel!r}")
        rng = np.random.default_rng([spec.seed, 4242])
        side = spec.size + _BANK_MARGIN
        white = rng.standard_normal((_BANK_SIZE, side, side)).astype(np.float32)
        fine = ndimage.gaussian_filter(white, (0, kernel.grain_px, kernel.grain_px), mode="wrap")
        coarse = ndimage.gaussian_filter(
            white, (0, 2.5 * kernel.grain_px, 2.5 * kernel.grain_px), mode="wrap"
        )
        # Band-pass, like a filtered-back-projection noise power spectrum.
        bank = fine - 0.6 * coarse
        bank /= bank.std(axis=(1, 2), keepdims=True)
        return cls(
            kernel, spec.noise_hu * kernel.noise_factor, spec.pixel_mm, spec.seed, bank.astype(np.float32)
        )

    def blur(self, slab: np.ndarray) -> None:
        """In-plane point-spread function (in place); sharp kernels add edge overshoot."""
        sigma = self.kernel.blur_mm / self.pixel_mm
        for axis in (2, 1):
            ndimage.gaussian_filter1d(slab, sigma, axis=axis, output=slab, truncate=3.0)
        if self.kernel.sharpen > 0:
            wide = ndimage.gaussian_filter(slab, (0, 2.5 * sigma + 0.8, 2.5 * sigma + 0.8), truncate=3.0)
            slab += np.float32(self.kernel.sharpen) * (slab - wide)

    def add_noise(self, slab: np.ndarray, first_slice: int) -> None:
        if self.noise_std <= 0:
            return
        rng = np.random.default_rng([self.seed, 4243, first_slice])
        rows, columns = slab.shape[1:]
        for k in range(slab.shape[0]):
            tile = self.bank[int(rng.integers(_BANK_SIZE))]
            oy, ox = (int(o) for o in rng.integers(0, _BANK_MARGIN, size=2))
            patch = tile[oy : oy + rows, ox : ox + columns]
            if rng.random() < 0.5:
                patch = patch[::-1]
            if rng.random() < 0.5:
                patch = patch[:, ::-1]
            slab[k] += np.float32(self.noise_std) * patch

    def acquire(self, slab: np.ndarray, first_slice: int) -> np.ndarray:
        """Ideal HU slab (float32, modified in place) -> stored HU (int16)."""
        self.blur(slab)
        self.add_noise(slab, first_slice)
        np.rint(slab, out=slab)
        np.clip(slab, HU_MIN, HU_MAX, out=slab)
        return slab.astype(np.int16)
