"""A finished analysis with a small column of box-shaped vertebrae whose heights are known exactly."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest

from studies.models import (
    Analysis,
    AnalysisStatus,
    FindingStatus,
    Patient,
    Series,
    Study,
    StudySource,
    VertebraFinding,
    VertebraLevel,
)
from tests.conftest import uid

DEPTH_MM = 30.0  # anterior to posterior
LEVEL_SPACING_MM = 32.0


def box_landmarks(
    centre: tuple[float, float, float], *, anterior: float, middle: float, posterior: float
) -> dict[str, list[float]]:
    """Six points of a body centred on ``centre``; anterior is −y in LPS, superior +z."""
    x, y, z = centre
    points: dict[str, list[float]] = {}
    for name, height, dy in (
        ("anterior", anterior, -DEPTH_MM / 2),
        ("middle", middle, 0.0),
        ("posterior", posterior, DEPTH_MM / 2),
    ):
        points[f"{name}_superior"] = [x, y + dy, z + height / 2]
        points[f"{name}_inferior"] = [x, y + dy, z - height / 2]
    return points


@dataclass(frozen=True)
class Column:
    analysis: Analysis
    findings: dict[str, VertebraFinding]


def grade_of(vhl: float) -> int:
    return 0 if vhl < 20 else 1 if vhl <= 25 else 2 if vhl <= 40 else 3


@pytest.fixture
def make_column(db) -> Callable[..., Column]:
    """T11–L2 of 25 mm; L1 wedged to ``l1_anterior`` mm in front; T11 optionally cemented."""

    def make(*, l1_anterior: float = 25.0, cement_t11: bool = False, n_levels: int = 4) -> Column:
        patient = Patient.objects.create(pseudo_id=f"P-{uid()[-6:]}")
        study = Study.objects.create(
            study_instance_uid=uid(), patient=patient, study_date=date(2025, 2, 3), source=StudySource.UPLOAD
        )
        series = Series.objects.create(series_instance_uid=uid(), study=study, modality="CT")
        l1_vhl = round(100 * (1 - l1_anterior / 25.0), 2)
        analysis = Analysis.objects.create(
            series=series,
            model_version="test-model",
            status=AnalysisStatus.DONE,
            progress=1.0,
            eligible=True,
            positive=grade_of(l1_vhl) >= 1,
            max_grade=grade_of(l1_vhl),
        )
        first = VertebraLevel.L1 - (n_levels - 2)
        findings = {}
        for index, level in enumerate(range(first, first + n_levels)):
            label = VertebraLevel(level).label
            centre = (1.0, 40.0, 200.0 - index * LEVEL_SPACING_MM)
            cement = cement_t11 and label == "T11"
            anterior = l1_anterior if label == "L1" else 25.0
            vhl = l1_vhl if label == "L1" else 0.0
            findings[label] = VertebraFinding.objects.create(
                analysis=analysis,
                level=level,
                centroid_x_mm=centre[0],
                centroid_y_mm=centre[1],
                centroid_z_mm=centre[2],
                confidence=0.95,
                status=FindingStatus.EXCLUDED_CEMENT if cement else FindingStatus.MEASURED,
                landmarks=None
                if cement
                else box_landmarks(centre, anterior=anterior, middle=25.0, posterior=25.0),
                height_anterior_mm=None if cement else anterior,
                height_middle_mm=None if cement else 25.0,
                height_posterior_mm=None if cement else 25.0,
                height_loss_pct=None if cement else vhl,
                grade=None if cement else grade_of(vhl),
                mean_hu=None if cement else 150.0,
                hu_roi=None
                if cement
                else {
                    "centre_lps_mm": [centre[0], centre[1] - 5, centre[2]],
                    "semi_axes_mm": [8.0, 5.0],
                    "lateral_axis": [1.0, 0.0, 0.0],
                    "anterior_axis": [0.0, -1.0, 0.0],
                    "mean_hu": 150.0,
                    "std_hu": 20.0,
                    "voxel_count": 200,
                },
            )
        return Column(analysis=analysis, findings=findings)

    return make
