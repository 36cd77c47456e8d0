"""The database itself refuses records that break the domain's rules."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from inference.geometry import LANDMARK_NAMES
from studies.models import (
    Analysis,
    AnalysisStatus,
    FindingCorrection,
    FindingStatus,
    Instance,
    Patient,
    Series,
    Study,
    StudySource,
    VertebraFinding,
    VertebraLevel,
)
from tests.conftest import uid


def refused(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


@pytest.fixture
def series(make_study) -> Series:
    return make_study().series.get()


pytestmark = pytest.mark.django_db


def test_duplicate_study_uid_is_refused(make_study) -> None:
    study = make_study()
    refused(
        lambda: Study.objects.create(
            study_instance_uid=study.study_instance_uid, patient=study.patient, source=StudySource.PACS
        )
    )


def test_duplicate_series_uid_is_refused(series: Series) -> None:
    refused(
        lambda: Series.objects.create(
            series_instance_uid=series.series_instance_uid, study=series.study, modality="CT"
        )
    )


def test_duplicate_sop_instance_uid_is_refused(series: Series) -> None:
    fields = {"series": series, "sop_class_uid": "1.2.840.10008.5.1.4.1.1.2", "file_size": 10}
    Instance.objects.create(sop_instance_uid="1.2.3.4", relative_path="a/1.dcm", **fields)
    refused(lambda: Instance.objects.create(sop_instance_uid="1.2.3.4", relative_path="a/2.dcm", **fields))


def test_duplicate_patient_pseudonym_is_refused(db) -> None:
    Patient.objects.create(pseudo_id="P1")
    refused(lambda: Patient.objects.create(pseudo_id="P1"))


def test_empty_uids_and_unknown_choices_are_refused(db) -> None:
    patient = Patient.objects.create(pseudo_id="P2")
    refused(lambda: Study.objects.create(study_instance_uid="", patient=patient, source=StudySource.UPLOAD))
    refused(lambda: Study.objects.create(study_instance_uid=uid(), patient=patient, source="fax"))
    refused(lambda: Patient.objects.create(pseudo_id="P3", sex="X"))


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside/1.dcm", ""])
def test_instance_paths_stay_inside_the_data_dir(series: Series, path: str) -> None:
    refused(
        lambda: Instance.objects.create(
            sop_instance_uid=uid(), series=series, sop_class_uid="1.2", relative_path=path, file_size=1
        )
    )


def test_a_patient_with_studies_cannot_be_deleted(make_study) -> None:
    study = make_study()
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        study.patient.delete()


def test_one_analysis_per_series_and_model_version(series: Series) -> None:
    Analysis.objects.create(series=series, model_version="1.0.0")
    refused(lambda: Analysis.objects.create(series=series, model_version="1.0.0"))
    Analysis.objects.create(series=series, model_version="1.1.0")


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "paused"},
        {"progress": 1.5},
        {"progress": -0.1},
        {"max_grade": 4},
        {"status": AnalysisStatus.DONE},  # finished without a verdict
        {"status": AnalysisStatus.DONE, "eligible": True, "positive": True, "max_grade": 0},
        {"status": AnalysisStatus.DONE, "eligible": True, "positive": False, "max_grade": 2},
        {"status": AnalysisStatus.EXCLUDED, "eligible": True},
        {"status": AnalysisStatus.EXCLUDED},  # excluded before the protocol filter said so
        {"status": AnalysisStatus.FAILED, "error": ""},
        {"l1_hu": 5000.0},
    ],
)
def test_inconsistent_analyses_are_refused(series: Series, fields: dict) -> None:
    refused(lambda: Analysis.objects.create(series=series, model_version="1.0.0", **fields))


@pytest.mark.parametrize(
    "fields",
    [
        {"status": AnalysisStatus.DONE, "eligible": True, "positive": True, "max_grade": 3},
        {"status": AnalysisStatus.DONE, "eligible": True, "positive": False, "max_grade": 0},
        {"status": AnalysisStatus.EXCLUDED, "eligible": False, "exclusion_reasons": ["slice_too_thick"]},
        {"status": AnalysisStatus.FAILED, "error": "unreadable pixel data"},
    ],
)
def test_consistent_analyses_are_stored(series: Series, fields: dict) -> None:
    Analysis.objects.create(series=series, model_version="1.0.0", **fields)


LANDMARKS = {name: [0.0, 30.0, -200.0] for name in LANDMARK_NAMES}


def finding(analysis: Analysis, **fields) -> VertebraFinding:
    defaults = {
        "level": VertebraLevel.L1,
        "centroid_x_mm": 0.0,
        "centroid_y_mm": 30.0,
        "centroid_z_mm": -200.0,
        "confidence": 0.9,
    }
    return VertebraFinding.objects.create(analysis=analysis, **(defaults | fields))


@pytest.mark.parametrize(
    ("vhl", "grade"),
    [(0.0, 0), (19.99, 0), (20.0, 1), (25.0, 1), (25.01, 2), (40.0, 2), (40.01, 3), (100.0, 3)],
)
def test_genant_grade_boundaries_are_accepted(series: Series, vhl: float, grade: int) -> None:
    analysis = Analysis.objects.create(series=series, model_version="1")
    finding(analysis, height_loss_pct=vhl, grade=grade)


@pytest.mark.parametrize(
    ("vhl", "grade"), [(19.99, 1), (20.0, 0), (25.01, 1), (40.0, 3), (41.0, 2), (101.0, 3), (-1.0, 0)]
)
def test_grade_disagreeing_with_height_loss_is_refused(series: Series, vhl: float, grade: int) -> None:
    analysis = Analysis.objects.create(series=series, model_version="1")
    refused(lambda: finding(analysis, height_loss_pct=vhl, grade=grade))


def test_finding_rules(series: Series) -> None:
    analysis = Analysis.objects.create(series=series, model_version="1")
    finding(analysis, level=VertebraLevel.T12, height_loss_pct=10.0, grade=0)
    refused(
        lambda: finding(analysis, level=VertebraLevel.T12, height_loss_pct=10.0, grade=0)
    )  # same level twice
    refused(lambda: finding(analysis, level=VertebraLevel.L2, confidence=1.2, height_loss_pct=1.0, grade=0))
    refused(lambda: finding(analysis, level=VertebraLevel.L3, landmarks=LANDMARKS))  # measured, not graded
    refused(lambda: finding(analysis, level=VertebraLevel.L3))  # no landmarks, but not flagged either
    # a body the scan cuts through: listed without landmarks or grade, and flagged
    finding(analysis, level=VertebraLevel.T1, uncertain=True, uncertainty_reasons=["not_fully_imaged"])
    refused(lambda: finding(analysis, level=VertebraLevel.L3, grade=1))  # a grade needs its VHL
    refused(lambda: finding(analysis, level=VertebraLevel.L3, height_loss_pct=30.0))  # a VHL needs its grade
    refused(
        lambda: finding(
            analysis, level=VertebraLevel.L4, height_loss_pct=1.0, grade=0, height_anterior_mm=-2.0
        )
    )
    finding(analysis, level=VertebraLevel.L5, status=FindingStatus.EXCLUDED_CEMENT)  # excluded: no grade
    finding(analysis, level=VertebraLevel.S1)  # S1 is reported but never graded


def test_corrections_keep_the_original_and_check_their_grade(series: Series, make_user) -> None:
    analysis = Analysis.objects.create(series=series, model_version="1")
    original = finding(analysis, height_loss_pct=30.0, grade=2)
    reader = make_user(None)
    FindingCorrection.objects.create(finding=original, author=reader, grade=3, note="visual grade")
    FindingCorrection.objects.create(finding=original, author=reader, height_loss_pct=45.0, grade=3)
    refused(
        lambda: FindingCorrection.objects.create(
            finding=original, author=reader, height_loss_pct=45.0, grade=1
        )
    )
    refused(lambda: FindingCorrection.objects.create(finding=original, author=reader, height_loss_pct=45.0))
    refused(lambda: FindingCorrection.objects.create(finding=original, author=reader, grade=4))
    original.refresh_from_db()
    assert (original.grade, original.height_loss_pct) == (2, 30.0)
    assert original.corrections.latest().height_loss_pct == 45.0


def test_vertebra_levels_sort_cranial_to_caudal() -> None:
    labels = [level.label for level in sorted(VertebraLevel)]
    assert labels[:2] == ["C7", "T1"] and labels[-2:] == ["L5", "S1"]
    assert VertebraLevel.from_label("t12").is_thoracic and VertebraLevel.from_label("L1").is_lumbar
    assert not VertebraLevel.S1.is_gradable
    with pytest.raises(ValueError, match="unknown vertebra"):
        VertebraLevel.from_label("L6")


def test_study_dates_are_optional(db) -> None:
    patient = Patient.objects.create(pseudo_id="P9", birth_date=date(1950, 1, 1))
    Study.objects.create(study_instance_uid=uid(), patient=patient, source=StudySource.PUSH)
