"""Mediastinum and great vessels: heart, aorta, venae cavae, trachea and oesophagus."""

from __future__ import annotations

import numpy as np

from inference.phantom.body import FAT_HU
from inference.phantom.organs import GAS_HU, Anchors, Enhancement, Profile4, controlled
from inference.phantom.primitives import Fill, Layer, SliceShape, Tube, ellipsoid, polyline


def heart(anchors: Anchors, enh: Enhancement) -> list[Layer]:
    z = anchors.z("T9") + 42.0
    zz = np.array([z])
    _, cy, _, ry = anchors.body.cage(zz)
    front = float(cy[0] - ry[0])
    _, sy, _, _ = anchors.spine(z)
    semi_y = 0.36 * (sy - front)
    centre = (18.0, front + 6.0 + semi_y, z)
    semi = (62.0, semi_y, 52.0)
    blood = enh.blood
    myocardium = 100.0 if blood > 100 else 45.0
    cx, cy_h, cz = centre
    return [
        Fill(ellipsoid(centre, (semi[0] + 6.0, semi[1] + 6.0, semi[2] + 6.0)), FAT_HU + 10.0),
        Fill(ellipsoid(centre, semi), myocardium),
        Fill(ellipsoid((cx + 14.0, cy_h + 0.15 * semi_y, cz - 6.0), (26.0, 0.45 * semi_y, 30.0)), blood),
        Fill(ellipsoid((cx - 20.0, cy_h - 0.35 * semi_y, cz), (24.0, 0.4 * semi_y, 30.0)), blood - 15.0),
        Fill(
            ellipsoid((cx - 40.0, cy_h + 0.2 * semi_y, cz + 12.0), (18.0, 0.35 * semi_y, 22.0)), blood - 15.0
        ),
        Fill(ellipsoid((cx, cy_h + 0.7 * semi_y, cz + 22.0), (28.0, 0.3 * semi_y, 18.0)), blood),
    ]


def aorta(anchors: Anchors, enh: Enhancement) -> list[Layer]:
    spine = anchors.body.spine
    levels = ("T4", "T8", "T11", "L1", "L4")
    dx = (24.0, 21.0, 13.0, 9.0, 8.0)
    front = (0.0, 0.3, 0.9, 1.0, 1.0)  # fraction of the body's half-depth in front of its centre
    gap = (2.0, 2.0, 8.0, 12.0, 11.0)
    radius = (13.0, 12.5, 11.5, 10.0, 9.0)

    def descending(z: np.ndarray) -> Profile4:
        sx, sy, _, hd = spine.at(z)
        r = controlled(anchors, levels, radius, z)
        y = sy - controlled(anchors, levels, front, z) * hd - controlled(anchors, levels, gap, z)
        return sx + controlled(anchors, levels, dx, z), y, r, r

    z_t4, z_t7, z_l4 = anchors.z("T4"), anchors.z("T7"), anchors.z("L4")
    zz = np.array([z_t4])
    _, cy, _, ry = anchors.body.cage(zz)
    asc = (-10.0, float(cy[0] - ry[0]) + 42.0)
    sx4, sy4, _, _ = anchors.spine(z_t4)
    arch = polyline(
        [
            (asc[0], asc[1], z_t4),
            (asc[0] + 8.0, asc[1] + 8.0, z_t4 + 16.0),
            (sx4 + 14.0, 0.5 * (asc[1] + sy4), z_t4 + 22.0),
            (sx4 + 24.0, sy4 - 6.0, z_t4 + 12.0),
            (sx4 + 24.0, sy4 - 2.0, z_t4 - 2.0),
        ],
        step=2.0,
    )

    def ascending(z: np.ndarray) -> Profile4:
        return np.full_like(z, asc[0]), np.full_like(z, asc[1]), np.full_like(z, 15.0), np.full_like(z, 15.0)

    def iliac(z: np.ndarray, side: float) -> Profile4:
        sx, sy, _, hd = spine.at(z)
        spread = 6.0 + 0.45 * np.clip(z_l4 - z, 0.0, None)
        return sx + side * spread, sy - hd - 10.0, np.full_like(z, 6.5), np.full_like(z, 6.5)

    z_s2 = anchors.z("S2")
    return [
        Fill(SliceShape((z_l4 - 5.0, z_t4), descending), enh.blood),
        Fill(SliceShape((z_t7, z_t4), ascending), enh.blood),
        Tube(arch, 14.0, enh.blood),
        Fill(SliceShape((z_s2, z_l4), lambda z: iliac(z, -1.0)), enh.blood),
        Fill(SliceShape((z_s2, z_l4), lambda z: iliac(z, 1.0)), enh.blood),
    ]


def venae_cavae(anchors: Anchors, enh: Enhancement) -> list[Layer]:
    spine = anchors.body.spine
    venous = enh.blood - 40.0 if enh.blood > 100 else enh.blood

    def inferior(z: np.ndarray) -> Profile4:
        sx, sy, hw, hd = spine.at(z)
        return sx - 0.55 * hw - 12.0, sy - hd - 9.0, np.full_like(z, 11.0), np.full_like(z, 9.0)

    z_t1 = anchors.z("T1")
    _, cy, _, ry = anchors.body.cage(np.array([anchors.z("T4")]))

    def superior(z: np.ndarray) -> Profile4:
        return (
            np.full_like(z, -30.0),
            np.full_like(z, float(cy[0] - ry[0]) + 45.0),
            np.full_like(z, 9.0),
            np.full_like(z, 9.0),
        )

    return [
        Fill(SliceShape((anchors.z("L5"), anchors.z("T10") + 10.0), inferior), venous),
        Fill(SliceShape((anchors.z("T6"), z_t1 + 20.0), superior), venous),
    ]


def airway(anchors: Anchors) -> list[Layer]:
    spine = anchors.body.spine
    z_carina, z_top = anchors.z("T5"), anchors.z("C5") + 30.0

    def trachea(z: np.ndarray, r: float) -> Profile4:
        sx, sy, _, hd = spine.at(z)
        return sx, sy - hd - 20.0, np.full_like(z, r), np.full_like(z, 0.9 * r)

    def oesophagus(z: np.ndarray) -> Profile4:
        sx, sy, _, hd = spine.at(z)
        drift = np.clip((anchors.z("T8") - z) / 60.0, 0.0, 1.0) * 14.0
        return sx + 4.0 + drift, sy - hd - 6.0, np.full_like(z, 7.5), np.full_like(z, 6.0)

    sx, sy, _, hd = anchors.spine(z_carina)
    carina = (sx, sy - hd - 20.0, z_carina)
    layers: list[Layer] = [
        Fill(SliceShape((anchors.z("T10"), z_top), oesophagus), 42.0),
        Fill(SliceShape((z_carina, z_top), lambda z: trachea(z, 11.0)), 60.0),
        Fill(SliceShape((z_carina, z_top), lambda z: trachea(z, 8.5)), GAS_HU),
    ]
    for side in (-1.0, 1.0):
        path = polyline([carina, (carina[0] + side * 45.0, carina[1] + 12.0, carina[2] - 28.0)], step=1.5)
        layers += [Tube(path, 7.0, 60.0), Tube(path, 5.0, GAS_HU)]
    return layers
