"""How much bone lies beside each vertebra: the rib cage, or the pelvis, or nothing.

Labelling by counting fails when the column is seen only in part; anatomy tells the levels apart
instead. Ribs run beside every thoracic body and end at T12; beside L1-L4 there is only soft
tissue (the short transverse processes stay close to the spine); the iliac wings and sacral alae
flank L5 and S1. So for each candidate we measure, in an axial slab through its centroid, how
bone-like the tissue is in rings at growing distance from the body, on the sides (posterolateral
to slightly anterior, leaving out the aorta and the organs in front of the spine). The level
calibrator (``inference.nets.level_calibrator``) learns from these profiles of a body and its
neighbours where the last rib-bearing vertebra is.
"""

from __future__ import annotations

import numpy as np

# Rings (mm from the body centroid, in the axial plane): rib heads and necks or transverse processes,
# the posterior rib arcs, the lateral chest or flank wall, its outer part.
RING_EDGES_MM: tuple[float, ...] = (25.0, 45.0, 70.0, 100.0, 140.0)
N_RINGS = len(RING_EDGES_MM) - 1
SLAB_HALF_HEIGHT_MM = 10.0
# The side sector: from 20° in front of the left-right axis to 70° behind it, both sides.
SECTOR_FRONT_DEG = 20.0
SECTOR_BACK_DEG = 70.0
# Bone-likeness ramps from 0 to 1 between these values: above contrast-filled vessels, fat, muscle
# and enhancing organs, up to compact bone even when the working grid blurs a thin rib.
BONE_RAMP_HU: tuple[float, float] = (250.0, 550.0)
PROFILE_FLOOR = 1e-3


def rib_profiles(hu: np.ndarray, spacing_mm: float, centroids_zyx: np.ndarray) -> np.ndarray:
    """(n, N_RINGS) log bone-likeness beside each centroid.

    ``hu`` is a volume [z, y, x] on an isotropic grid of ``spacing_mm`` with +z superior, +y
    posterior, x left-right (the working grid); ``centroids_zyx`` are fractional indices into it.
    A ring that falls outside the volume counts as no bone."""
    centroids = np.asarray(centroids_zyx, dtype=np.float64).reshape(-1, 3)
    out = np.full((len(centroids), N_RINGS), np.log(PROFILE_FLOOR), dtype=np.float64)
    if hu.size == 0:
        return out
    low, high = BONE_RAMP_HU
    half = max(1, round(SLAB_HALF_HEIGHT_MM / spacing_mm))
    reach = int(np.ceil(RING_EDGES_MM[-1] / spacing_mm))
    for row, centre in enumerate(centroids):
        k = round(float(centre[0]))
        k0, k1 = max(0, k - half), min(hu.shape[0], k + half + 1)
        j0, j1 = max(0, int(centre[1]) - reach), min(hu.shape[1], int(centre[1]) + reach + 2)
        i0, i1 = max(0, int(centre[2]) - reach), min(hu.shape[2], int(centre[2]) + reach + 2)
        if k0 >= k1 or j0 >= j1 or i0 >= i1:
            continue
        slab = hu[k0:k1, j0:j1, i0:i1].astype(np.float32)
        boneness = np.clip((slab - low) / (high - low), 0.0, 1.0).mean(axis=0)
        dy = (np.arange(j0, j1) - centre[1])[:, None] * spacing_mm
        dx = (np.arange(i0, i1) - centre[2])[None, :] * spacing_mm
        radius = np.hypot(dy, dx)
        behind = np.degrees(np.arctan2(dy, np.abs(dx)))  # 0 on the sides, + posterior
        sector = (behind >= -SECTOR_FRONT_DEG) & (behind <= SECTOR_BACK_DEG)
        for ring in range(N_RINGS):
            inside = sector & (radius >= RING_EDGES_MM[ring]) & (radius < RING_EDGES_MM[ring + 1])
            if np.any(inside):
                out[row, ring] = np.log(PROFILE_FLOOR + float(boneness[inside].mean()))
    return out
