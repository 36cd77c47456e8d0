"""Reader corrections of landmarks: heights, VHL and grade recomputed per SPEC.md, beside the original.

The pipeline's finding is never edited. A correction is a new row; the finding's
``latest_correction`` pointer moves by compare-and-set, so a reader who corrected a stale version
gets a conflict instead of silently replacing a colleague's correction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import transaction

from inference.geometry import (
    LANDMARK_NAMES,
    Heights,
    VertebraHeights,
    genant_grade,
    height_loss,
    heights_from_landmarks,
)
from studies.models import (
    AnalysisStatus,
    FindingCorrection,
    FindingStatus,
    User,
    VertebraFinding,
)

# A landmark further than this from its vertebra's centroid is not on that vertebra.
MAX_LANDMARK_DISTANCE_MM = 80.0
MIN_HEIGHT_MM = 1.0


class CorrectionError(ValueError):
    """The correction cannot be accepted as sent (bad points, excluded vertebra, …)."""


class CorrectionConflict(RuntimeError):
    """Someone else corrected this vertebra since the caller loaded it."""


@dataclass(frozen=True)
class Measurement:
    landmarks: dict[str, list[float]]
    heights: Heights
    height_loss_pct: float
    grade: int


def _clean_landmarks(
    finding: VertebraFinding, landmarks: Mapping[str, Sequence[float]]
) -> dict[str, list[float]]:
    unknown = sorted(set(landmarks) - set(LANDMARK_NAMES))
    if unknown:
        raise CorrectionError(f"unknown landmark names: {', '.join(unknown)}")
    missing = [name for name in LANDMARK_NAMES if name not in landmarks]
    if missing:
        raise CorrectionError(f"all six landmarks are needed; missing: {', '.join(missing)}")
    centroid = np.array([finding.centroid_x_mm, finding.centroid_y_mm, finding.centroid_z_mm])
    cleaned: dict[str, list[float]] = {}
    for name in LANDMARK_NAMES:
        try:
            point = np.asarray(landmarks[name], dtype=float)
        except (TypeError, ValueError):
            raise CorrectionError(f"{name} must be three numbers (LPS mm)") from None
        if point.shape != (3,) or not np.all(np.isfinite(point)):
            raise CorrectionError(f"{name} must be three finite numbers (LPS mm)")
        if float(np.linalg.norm(point - centroid)) > MAX_LANDMARK_DISTANCE_MM:
            raise CorrectionError(
                f"{name} lies more than {MAX_LANDMARK_DISTANCE_MM:.0f} mm from {finding.label}'s centre"
            )
        cleaned[name] = [round(float(v), 3) for v in point]
    return cleaned


def _current_heights(finding: VertebraFinding) -> Heights | None:
    source: VertebraFinding | FindingCorrection = finding
    if finding.latest_correction is not None and finding.latest_correction.height_anterior_mm is not None:
        source = finding.latest_correction
    values = (source.height_anterior_mm, source.height_middle_mm, source.height_posterior_mm)
    if any(v is None for v in values):
        return None
    anterior, middle, posterior = (float(v) for v in values if v is not None)
    return Heights(anterior=anterior, middle=middle, posterior=posterior)


def measure_correction(
    *, finding: VertebraFinding, landmarks: Mapping[str, Sequence[float]], column: Sequence[VertebraFinding]
) -> Measurement:
    """Heights, VHL and grade of ``finding`` with new landmarks, its neighbours as they now stand."""
    if finding.status != FindingStatus.MEASURED:
        raise CorrectionError(
            f"{finding.label} is excluded ({finding.get_status_display()}); it is not graded"
        )
    if finding.grade is None:
        raise CorrectionError(f"{finding.label} is not a graded level")
    cleaned = _clean_landmarks(finding, landmarks)
    heights = heights_from_landmarks(cleaned)
    if heights.maximum < MIN_HEIGHT_MM:
        raise CorrectionError("the landmarks give a body with no height")
    ordered = sorted(column, key=lambda f: f.level)
    vertebrae = [
        VertebraHeights(
            label=f.label,
            heights=heights if f.pk == finding.pk else _current_heights(f),
            excluded=f.status != FindingStatus.MEASURED,
        )
        for f in ordered
    ]
    index = next(i for i, f in enumerate(ordered) if f.pk == finding.pk)
    loss = height_loss(vertebrae, index)
    percent = round(min(loss.percent, 100.0), 2)
    return Measurement(
        landmarks=cleaned, heights=heights, height_loss_pct=percent, grade=genant_grade(percent)
    )


def correct_landmarks(
    *,
    finding_id: int,
    author: User,
    landmarks: Mapping[str, Sequence[float]],
    based_on_correction_id: int | None,
    note: str = "",
) -> FindingCorrection:
    """Store a reader's landmarks for one vertebra with the VHL and grade they give.

    ``based_on_correction_id`` is the correction the reader saw (None: the pipeline's result).
    Raises CorrectionConflict when another correction was stored since then.
    """
    with transaction.atomic():
        finding = (
            VertebraFinding.objects.select_related("analysis", "latest_correction")
            .filter(pk=finding_id)
            .first()
        )
        if finding is None:
            raise VertebraFinding.DoesNotExist(f"no finding {finding_id}")
        if finding.analysis.status != AnalysisStatus.DONE:
            raise CorrectionError("only a finished analysis can be corrected")
        if finding.latest_correction_id != based_on_correction_id:
            raise CorrectionConflict(_conflict_message(finding))
        column = list(
            VertebraFinding.objects.filter(analysis_id=finding.analysis_id).select_related(
                "latest_correction"
            )
        )
        measurement = measure_correction(finding=finding, landmarks=landmarks, column=column)
        correction = FindingCorrection.objects.create(
            finding=finding,
            author=author,
            landmarks=measurement.landmarks,
            height_anterior_mm=round(measurement.heights.anterior, 2),
            height_middle_mm=round(measurement.heights.middle, 2),
            height_posterior_mm=round(measurement.heights.posterior, 2),
            height_loss_pct=measurement.height_loss_pct,
            grade=measurement.grade,
            note=note,
        )
        moved = VertebraFinding.objects.filter(
            pk=finding.pk, latest_correction_id=based_on_correction_id
        ).update(latest_correction=correction)
        if moved != 1:
            # Another reader's correction landed between our read and our write; raising undoes ours.
            finding.refresh_from_db()
            raise CorrectionConflict(_conflict_message(finding))
    return correction


def _conflict_message(finding: VertebraFinding) -> str:
    latest = (
        FindingCorrection.objects.select_related("author").filter(pk=finding.latest_correction_id).first()
        if finding.latest_correction_id
        else None
    )
    if latest is None:
        return f"{finding.label} changed since you opened it; reload and try again"
    when = latest.created_at.strftime("%Y-%m-%d %H:%M")
    return (
        f"{finding.label} was corrected by {latest.author.get_username()} at {when} since you opened it; "
        "reload to see that correction before changing it"
    )
