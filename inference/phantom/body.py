"""Body outline and layers (skin fat, muscle wall, cavity), placed around the spine slice by slice."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.phantom.anatomy import Proportions
from inference.phantom.canvas import Canvas, ramp
from inference.phantom.primitives import Fill, Layer, SliceShape
from inference.phantom.shapes import BodyShape
from inference.phantom.spine import Spine

FAT_HU = -100.0
MUSCLE_HU = 50.0
CAVITY_FAT_HU = -85.0
SKIN_HU = 30.0

_CONTROL_LEVELS = ("C5", "C7", "T1", "T3", "T6", "T9", "T12", "L2", "L4", "S1", "S3", "S5")
# Per control level: half-width ratio (F, M), half-depth ratio, back distance (mm), fat ratio.
_WIDTH_F = (0.42, 0.66, 0.78, 0.88, 0.98, 1.0, 0.96, 0.92, 0.98, 1.1, 1.12, 1.05)
_WIDTH_M = (0.45, 0.72, 0.84, 0.93, 1.02, 1.03, 0.99, 0.96, 0.98, 1.03, 1.05, 1.0)
_DEPTH = (0.5, 0.62, 0.72, 0.82, 0.9, 0.95, 0.98, 1.0, 1.0, 0.98, 0.95, 0.9)
_BACK = (55.0, 65.0, 70.0, 70.0, 72.0, 75.0, 80.0, 88.0, 92.0, 80.0, 62.0, 50.0)
_FAT = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.95, 1.0, 1.1, 1.2, 1.2, 1.2)


@dataclass(frozen=True)
class SpineCurve:
    """Body centres, half-widths and half-depths along the column, interpolated in z."""

    z: np.ndarray
    x: np.ndarray
    y: np.ndarray
    half_width: np.ndarray
    half_depth: np.ndarray
    level_z: dict[str, float]

    @classmethod
    def from_spine(cls, spine: Spine, shapes: dict[str, BodyShape]) -> SpineCurve:
        labels = sorted(spine.vertebrae, key=lambda k: spine.vertebrae[k].centre[2])
        centres = np.array([spine.vertebrae[k].centre for k in labels])
        return cls(
            z=centres[:, 2],
            x=centres[:, 0],
            y=centres[:, 1],
            half_width=np.array([shapes[k].half_width for k in labels]),
            half_depth=np.array([0.5 * shapes[k].depth for k in labels]),
            level_z={k: float(spine.vertebrae[k].centre[2]) for k in labels},
        )

    def at(self, z: np.ndarray | float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        zz = np.asarray(z, dtype=float)
        return (
            np.interp(zz, self.z, self.x),
            np.interp(zz, self.z, self.y),
            np.interp(zz, self.z, self.half_width),
            np.interp(zz, self.z, self.half_depth),
        )


@dataclass(frozen=True)
class BodyModel:
    spine: SpineCurve
    props: Proportions
    male: bool

    def _control(self, values: tuple[float, ...], z: np.ndarray) -> np.ndarray:
        zs = np.array([self.spine.level_z[label] for label in _CONTROL_LEVELS])
        order = np.argsort(zs)
        return np.interp(z, zs[order], np.asarray(values)[order])

    def half_width(self, z: np.ndarray) -> np.ndarray:
        return self.props.body_width * self._control(_WIDTH_M if self.male else _WIDTH_F, z)

    def half_depth(self, z: np.ndarray) -> np.ndarray:
        return self.props.body_depth * self._control(_DEPTH, z)

    def fat(self, z: np.ndarray) -> np.ndarray:
        return self.props.fat_mm * self._control(_FAT, z)

    def back_y(self, z: np.ndarray) -> np.ndarray:
        return self.spine.at(z)[1] + self._control(_BACK, z) + 0.6 * self.fat(z)

    def centre_y(self, z: np.ndarray) -> np.ndarray:
        return self.back_y(z) - self.half_depth(z)

    def front_y(self, z: np.ndarray) -> np.ndarray:
        return self.back_y(z) - 2.0 * self.half_depth(z)

    def layer(
        self, z: np.ndarray, inset: np.ndarray | float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The outline shrunk by ``inset`` mm: (cx, cy, rx, ry)."""
        return (np.zeros_like(z), self.centre_y(z), self.half_width(z) - inset, self.half_depth(z) - inset)

    def cavity_inset(self, z: np.ndarray) -> np.ndarray:
        return self.fat(z) + 11.0

    def cage(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Inner surface of the rib cage: (cx, cy, rx, ry)."""
        front = self.front_y(z) + self.fat(z) + 13.0
        back = self.spine.at(z)[1] + 34.0
        rx = self.half_width(z) - 0.8 * self.fat(z) - 16.0
        return np.zeros_like(z), 0.5 * (front + back), rx, 0.5 * (back - front)

    def lung(self, z: np.ndarray, side: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """One hemithorax: deepest behind, beside the spine, and curving forward laterally."""
        _, cy, rx, ry = self.cage(z)
        front = cy - ry
        back = self.spine.at(z)[1] + 44.0
        half_width = 0.5 * rx + 8.0
        return side * (rx - half_width), 0.5 * (front + back), half_width, 0.5 * (back - front)


@dataclass(frozen=True)
class FlattenedBy:
    """Soft tissue pressed flat against the couch."""

    y_table: float

    def __call__(self, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        return ramp(np.float32(self.y_table) - y, 1.0)


@dataclass(frozen=True)
class TrunkLayers:
    """Skin, subcutaneous fat, muscle wall and cavity fat."""

    body: BodyModel
    z_range: tuple[float, float]
    y_table: float

    def paint(self, canvas: Canvas) -> None:
        model = self.body
        outline = SliceShape(self.z_range, lambda z: model.layer(z, 0.0), exponent=2.3)
        fat = SliceShape(self.z_range, lambda z: model.layer(z, 1.5), exponent=2.3)
        muscle = SliceShape(self.z_range, lambda z: model.layer(z, model.fat(z)), exponent=2.3)
        cavity = SliceShape(self.z_range, lambda z: model.layer(z, model.cavity_inset(z)), exponent=2.3)
        flat = FlattenedBy(self.y_table)
        for shape, value in ((outline, SKIN_HU), (fat, FAT_HU), (muscle, MUSCLE_HU), (cavity, CAVITY_FAT_HU)):
            Fill(shape, value, flat).paint(canvas)


@dataclass(frozen=True)
class Table:
    """The curved couch under the patient's back."""

    y_top: float
    z_range: tuple[float, float]

    def paint(self, canvas: Canvas) -> None:
        box = canvas.box(
            (-260.0, self.y_top - 30.0, canvas.z_range[0]), (260.0, self.y_top + 12.0, canvas.z_range[1])
        )
        if box is None:
            return
        x, y, _ = canvas.coords(box)
        surface = self.y_top - np.float32(0.0004) * x * x
        shell = ramp(np.float32(2.0) - np.abs(y - surface - np.float32(4.0)), canvas.grid.pixel_mm)
        shell = shell * ramp(np.float32(235.0) - np.abs(x), canvas.grid.pixel_mm)
        canvas.composite(box, np.broadcast_to(shell, box.shape), 180.0)


def trunk_layers(body: BodyModel, z_range: tuple[float, float]) -> list[Layer]:
    """The trunk, lying on a couch at the level of the most posterior point of its back (T4-L3)."""
    zs = np.linspace(body.spine.level_z["L3"], body.spine.level_z["T4"], 64)
    y_table = float(np.max(body.back_y(zs)))
    return [TrunkLayers(body, z_range, y_table), Table(y_table, z_range)]
