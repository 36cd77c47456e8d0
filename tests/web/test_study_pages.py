"""Study list and study page: analysis status and progress, findings, roles, constant queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studies.models import (
    Analysis,
    AnalysisStatus,
    Patient,
    Series,
    Study,
    StudySource,
    VertebraFinding,
    VertebraLevel,
)
from studies.roles import Role
from tests.conftest import uid

pytestmark = pytest.mark.django_db


def make_analysed_study(*, status: str = AnalysisStatus.DONE, progress: float = 1.0) -> Study:
    patient = Patient.objects.create(pseudo_id=f"P-{uid()[-6:]}")
    study = Study.objects.create(
        study_instance_uid=uid(), patient=patient, study_date=date(2024, 3, 1), source=StudySource.UPLOAD
    )
    series = Series.objects.create(
        series_instance_uid=uid(), study=study, modality="CT", description="Thorax 1.25"
    )
    done = status == AnalysisStatus.DONE
    analysis = Analysis.objects.create(
        series=series,
        model_version="m1",
        status=status,
        progress=progress,
        stage="" if done else "landmarks",
        eligible=True if done else None,
        positive=True if done else None,
        max_grade=3 if done else None,
    )
    if done:
        VertebraFinding.objects.create(
            analysis=analysis,
            level=VertebraLevel.L1,
            centroid_x_mm=0,
            centroid_y_mm=0,
            centroid_z_mm=0,
            confidence=0.9,
            height_loss_pct=45.0,
            grade=3,
            mean_hu=88.0,
            uncertain=True,
        )
    return study


def test_study_page_shows_findings(client_for) -> None:
    study = make_analysed_study()
    page = client_for(Role.RADIOLOGIST).get(f"/studies/{study.study_instance_uid}/").content.decode()
    assert "Flagged · grade 3" in page and "45.0" in page and "uncertain" in page and "L1" in page


def test_running_analysis_shows_stage_and_percentage(client_for) -> None:
    study = make_analysed_study(status=AnalysisStatus.RUNNING, progress=0.45)
    page = client_for(Role.DEPARTMENT_LEAD).get(f"/studies/{study.study_instance_uid}/").content.decode()
    assert 'value="0.45"' in page and "landmarks · 45 %" in page
    api = client_for(Role.RADIOLOGIST).get(f"/api/v1/studies/{study.study_instance_uid}/").json()
    running = api["series"][0]["analyses"][0]
    assert (running["status"], running["stage"], running["progress"]) == ("running", "landmarks", 0.45)


def test_unknown_study_is_404_and_roles_without_clinical_read_are_refused(client_for, make_user) -> None:
    assert client_for(Role.RADIOLOGIST).get("/studies/1.2.3/").status_code == 404
    assert client_for(None).get("/studies/").status_code == 403


def test_study_list_queries_do_not_grow_with_studies(client_for) -> None:
    client = client_for(Role.RADIOLOGIST)
    make_analysed_study()
    with CaptureQueriesContext(connection) as few:
        assert client.get("/studies/").status_code == 200
    for _ in range(6):
        make_analysed_study()
    with CaptureQueriesContext(connection) as many:
        assert client.get("/studies/").status_code == 200
    assert len(many) == len(few)
