"""Vertebral body and disc shapes in their local frame: u lateral (+ patient left), v anterior, w superior.

The one place that says where the endplates are, so rendering and ground truth cannot disagree.
All functions take numpy arrays (or floats) of local coordinates in millimetres.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from inference.geometry import Heights

# Endplate depressions are confined to this fraction of the body so the anterior and posterior
# landmarks (and thus Ha, Hp) never sit on them.
_DEPRESSION_EXTENT = 0.9


@dataclass(frozen=True)
class BodyShape:
    half_width: float  # lateral half-width at the widest point
    depth: float  # anterior margin to posterior wall in the mid-sagittal plane
    posterior_height: float  # Hp (before endplate depressions)
    anterior_height: float  # Ha
    concavity: float  # natural central depression of each endplate
    biconcavity: float = 0.0  # extra central depression of each endplate (biconcave fracture)
    posterior_cut: float = 0.7  # flat posterior wall, as a fraction of the ellipse's AP semi-axis
    notch: float = 1.5  # concavity of the posterior wall at the midline
    cortex: float = 0.9
    endplate: float = 1.0
    inset: float = 1.0  # landmarks sit this far inside the anterior and posterior margins

    @property
    def ellipse_semi_depth(self) -> float:
        return (self.depth + self.notch) / (1.0 + self.posterior_cut)

    @property
    def ellipse_centre(self) -> float:
        return self.depth / 2.0 - self.ellipse_semi_depth

    @property
    def v_anterior(self) -> float:
        return self.depth / 2.0 - self.inset

    @property
    def v_posterior(self) -> float:
        return -self.depth / 2.0 + self.inset

    @property
    def height_slope(self) -> float:
        return (self.anterior_height - self.posterior_height) / (self.v_anterior - self.v_posterior)

    @property
    def mid_height(self) -> float:
        return 0.5 * (self.anterior_height + self.posterior_height)

    @property
    def sagittal_bend(self) -> float:
        """Angle (rad) between the endplates; positive when the front is shorter (kyphotic)."""
        return -2.0 * math.atan(self.height_slope / 2.0)

    def height(self, v: np.ndarray | float) -> np.ndarray | float:
        return self.mid_height + v * self.height_slope

    def depression(self, u: np.ndarray | float, v: np.ndarray | float) -> np.ndarray | float:
        depth = self.concavity + self.biconcavity
        ru = u / (_DEPRESSION_EXTENT * self.half_width)
        rv = v / (_DEPRESSION_EXTENT * self.v_anterior)
        return depth * np.maximum(0.0, 1.0 - ru * ru - rv * rv)

    def superior(self, u: np.ndarray | float, v: np.ndarray | float) -> np.ndarray | float:
        return 0.5 * self.height(v) - self.depression(u, v)

    def inferior(self, u: np.ndarray | float, v: np.ndarray | float) -> np.ndarray | float:
        return -0.5 * self.height(v) + self.depression(u, v)

    def outline_distance(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Approximate signed distance to the axial outline (negative inside)."""
        return outline_distance(
            u,
            v,
            self.half_width,
            self.ellipse_semi_depth,
            self.ellipse_centre,
            self.posterior_cut,
            self.notch,
        )

    def landmarks(self) -> dict[str, tuple[float, float, float]]:
        """The six SPEC landmarks in local coordinates (mid-sagittal plane u = 0)."""
        points: dict[str, tuple[float, float, float]] = {}
        for name, v in (("anterior", self.v_anterior), ("middle", 0.0), ("posterior", self.v_posterior)):
            points[f"{name}_superior"] = (0.0, v, float(self.superior(0.0, v)))
            points[f"{name}_inferior"] = (0.0, v, float(self.inferior(0.0, v)))
        return points

    def heights(self) -> Heights:
        marks = self.landmarks()
        return Heights(
            anterior=marks["anterior_superior"][2] - marks["anterior_inferior"][2],
            middle=marks["middle_superior"][2] - marks["middle_inferior"][2],
            posterior=marks["posterior_superior"][2] - marks["posterior_inferior"][2],
        )

    def extent(self) -> tuple[float, float, float]:
        """Half-sizes of a local box that contains the body: (u, v, w)."""
        return (self.half_width, self.depth / 2.0, 0.5 * max(self.anterior_height, self.posterior_height))


def outline_distance(
    u: np.ndarray, v: np.ndarray, a: float, b: float, centre: float, cut: float, notch: float
) -> np.ndarray:
    """Ellipse (semi-axes a, b centred at v = centre) cut by a flat, midline-notched posterior wall."""
    du = u * (1.0 / a)
    dv = (v - centre) * (1.0 / b)
    f = du * du + dv * dv - 1.0
    grad = np.sqrt((du * (2.0 / a)) ** 2 + (dv * (2.0 / b)) ** 2)
    ellipse = f / np.maximum(grad, 1e-3)
    bump = np.maximum(0.0, 1.0 - (u * (1.0 / (0.45 * a))) ** 2)
    wall = (centre - cut * b) + notch * bump - v
    return np.maximum(ellipse, wall)


@dataclass(frozen=True)
class DiscShape:
    half_width: float
    depth: float
    mid_height: float
    sagittal_bend: float  # rad, positive when the front is lower (kyphotic)
    coronal_bend: float  # rad, positive when the disc is lower on the patient's left
    fused: bool = False  # sacral segments: a thin bony remnant instead of a disc

    def height(self, u: np.ndarray | float, v: np.ndarray | float) -> np.ndarray | float:
        slope_v = -2.0 * math.tan(self.sagittal_bend / 2.0)
        slope_u = -2.0 * math.tan(self.coronal_bend / 2.0)
        return self.mid_height + v * slope_v + u * slope_u

    def outline_distance(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        b = (self.depth + 1.5) / 1.7
        return outline_distance(u, v, self.half_width, b, self.depth / 2.0 - b, 0.7, 1.5)
