"""Reconstruction kernels: how much each one blurs, sharpens and amplifies noise."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kernel:
    name: str
    blur_mm: float  # in-plane Gaussian sigma of the point-spread function
    sharpen: float  # unsharp-mask gain: edge overshoot of sharp kernels
    noise_factor: float  # noise std relative to a STANDARD kernel at the same dose
    grain_px: float  # correlation length of the noise texture (fine grain for sharp kernels)


_KERNELS: tuple[Kernel, ...] = (
    Kernel("SOFT", 1.0, 0.0, 0.8, 1.3),
    Kernel("STANDARD", 0.75, 0.0, 1.0, 1.0),
    Kernel("B20f", 0.95, 0.0, 0.85, 1.25),
    Kernel("B30f", 0.8, 0.0, 1.0, 1.05),
    Kernel("B31f", 0.8, 0.0, 1.0, 1.05),
    Kernel("Br36", 0.75, 0.05, 1.05, 1.0),
    Kernel("Br40", 0.65, 0.1, 1.1, 0.95),
    Kernel("I30f", 0.8, 0.0, 1.0, 1.05),
    Kernel("FC13", 0.8, 0.0, 1.0, 1.05),
    Kernel("B60f", 0.45, 0.6, 2.0, 0.7),
    Kernel("BONE", 0.45, 0.6, 2.0, 0.7),
    Kernel("Br64", 0.4, 0.8, 2.4, 0.65),
    Kernel("BONEPLUS", 0.35, 0.9, 2.6, 0.6),
    Kernel("B70f", 0.35, 0.9, 2.8, 0.6),
    Kernel("I70f", 0.35, 0.9, 2.8, 0.6),
    Kernel("LUNG", 0.4, 0.8, 2.5, 0.65),
)
KERNELS: dict[str, Kernel] = {kernel.name.upper(): kernel for kernel in _KERNELS}


def find_kernel(name: str) -> Kernel | None:
    return KERNELS.get(name.strip().upper())


def kernel_names() -> tuple[str, ...]:
    return tuple(kernel.name for kernel in _KERNELS)
