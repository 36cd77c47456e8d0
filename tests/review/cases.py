"""Helpers for review tests: studies of one patient with chosen height losses, and quick reads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from studies.models import (
    Analysis,
    AnalysisStatus,
    CaseReview,
    FindingStatus,
    Patient,
    Read,
    Series,
    Study,
    StudySource,
    User,
    VertebraFinding,
    VertebraLevel,
)
from studies.services.reviews import DecisionInput, save_read, start_read
from tests.columns import LEVEL_SPACING_MM, Column, box_landmarks, grade_of
from tests.conftest import uid

LEVELS = ("T11", "T12", "L1", "L2")

TRUE_L1 = [DecisionInput(level="L1", is_fracture=True, grade=3, reported=False)]
FALSE_L1 = [DecisionInput(level="L1", is_fracture=False, false_positive_reason="sclerotic_metastasis")]


def add_study(
    patient: Patient, *, study_date: date, vhl: dict[str, float], levels: Sequence[str] = LEVELS
) -> Column:
    """A finished analysis of a new study of ``patient``: box vertebrae with the given VHL % (else 0)."""
    study = Study.objects.create(
        study_instance_uid=uid(), patient=patient, study_date=study_date, source=StudySource.UPLOAD
    )
    series = Series.objects.create(series_instance_uid=uid(), study=study, modality="CT")
    max_grade = max(grade_of(vhl.get(label, 0.0)) for label in levels)
    analysis = Analysis.objects.create(
        series=series,
        model_version="test-model",
        status=AnalysisStatus.DONE,
        progress=1.0,
        eligible=True,
        positive=max_grade >= 1,
        max_grade=max_grade,
    )
    findings = {}
    for index, label in enumerate(levels):
        loss = vhl.get(label, 0.0)
        anterior = round(25.0 * (1 - loss / 100), 4)
        centre = (1.0, 40.0, 200.0 - index * LEVEL_SPACING_MM)
        findings[label] = VertebraFinding.objects.create(
            analysis=analysis,
            level=VertebraLevel.from_label(label),
            centroid_x_mm=centre[0],
            centroid_y_mm=centre[1],
            centroid_z_mm=centre[2],
            confidence=0.95,
            status=FindingStatus.MEASURED,
            landmarks=box_landmarks(centre, anterior=anterior, middle=25.0, posterior=25.0),
            height_anterior_mm=anterior,
            height_middle_mm=25.0,
            height_posterior_mm=25.0,
            height_loss_pct=loss,
            grade=grade_of(loss),
            mean_hu=150.0,
        )
    return Column(analysis=analysis, findings=findings)


def submit(read: Read, reader: User, decisions: Sequence[DecisionInput], comment: str = "") -> Read:
    read.refresh_from_db()
    return save_read(
        read_id=read.pk,
        reader=reader,
        version=read.version,
        decisions=decisions,
        comment=comment,
        submit=True,
    )


def double_read(
    review: CaseReview,
    first: tuple[User, Sequence[DecisionInput]],
    second: tuple[User, Sequence[DecisionInput]],
) -> tuple[Read, Read]:
    """Both independent reads, started and submitted in this order; the review is refreshed."""
    first_read = start_read(review_id=review.pk, reader=first[0])
    second_read = start_read(review_id=review.pk, reader=second[0])
    first_read = submit(first_read, *first)
    second_read = submit(second_read, *second)
    review.refresh_from_db()
    return first_read, second_read
