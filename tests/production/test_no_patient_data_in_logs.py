"""A whole case, start to finish, logged at DEBUG: the patient's name and ids never reach a log."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from inference.pipeline.analyzer import Analyzer
from studies.models import Analysis, AnalysisStatus, Study
from studies.roles import Role
from studies.runtime import current_model_version
from studies.services.analyses import run_analysis, series_received
from tests.production.identified import IDENTIFYING, PATIENT_ID, write_identified_series

# Ours and Django's at DEBUG; pydicom stays at the level the app gives it (it quotes bad values).
LOGGERS = (
    "",
    "studies",
    "inference",
    "vcfweb",
    "django",
    "django.request",
    "django.security",
    "django.db.backends",
    "django_q",
)


class BrokenAnalyzer:
    """A worker whose pipeline fails, as one out of memory would."""

    model_version = current_model_version()

    def analyze_folder(self, path: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"CUDA out of memory while reading {path}")


def _series_with_a_malformed_value(folder: Path) -> Path:
    """A new identified series (own UIDs) whose PatientWeight holds text: converting it fails."""
    import pydicom
    from pydicom.dataelem import RawDataElement
    from pydicom.tag import Tag

    for path in write_identified_series(folder):
        dataset = pydicom.dcmread(path)
        value = b"QUILLONBY "
        dataset[0x00101030] = RawDataElement(Tag(0x00101030), "DS", len(value), value, 0, False, True)
        dataset.save_as(path)
    return folder


def _uploads(folder: Path) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(path.name, path.read_bytes()) for path in sorted(folder.glob("*.dcm"))]


def _not_ct(folder: Path, tmp_path: Path) -> SimpleUploadedFile:
    import pydicom

    dataset = pydicom.dcmread(sorted(folder.glob("*.dcm"))[0])
    dataset.Modality = "MR"
    dataset.SOPInstanceUID = "1.2.826.0.1.3680043.10.1234.998877"
    dataset.save_as(tmp_path / "mr.dcm")
    return SimpleUploadedFile("mr.dcm", (tmp_path / "mr.dcm").read_bytes())


def _logged_text(records: list[logging.LogRecord]) -> list[str]:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return [formatter.format(record) + repr(record.args) for record in records]


@pytest.mark.urls("tests.production.error_urls")
@pytest.mark.django_db(transaction=True)
def test_a_case_start_to_finish_logs_no_patient_data(
    caplog: pytest.LogCaptureFixture, make_user, tmp_path: Path
) -> None:
    identified_folder = _series_with_a_malformed_value(tmp_path / "series")
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    radiologist = Client(raise_request_exception=False)
    radiologist.force_login(make_user(Role.RADIOLOGIST))

    upload = radiologist.post("/api/v1/uploads/", {"files": _uploads(identified_folder)})
    assert upload.status_code in (200, 201), upload.content
    rejected = radiologist.post("/api/v1/uploads/", {"files": [_not_ct(identified_folder, tmp_path)]})
    assert rejected.status_code in (200, 201, 400, 422)
    study = Study.objects.select_related("patient").get()
    series = study.series.get()
    analysis = Analysis.objects.get(series=series, model_version=current_model_version())

    done = run_analysis(analysis_id=analysis.pk, analyzer=Analyzer(device="cpu"))
    assert done is not None and done.status == AnalysisStatus.DONE
    [failing] = series_received(series_ids=[series.pk], model_version="broken-worker")
    BrokenAnalyzer.model_version = "broken-worker"
    failed = run_analysis(analysis_id=failing.pk, analyzer=BrokenAnalyzer())
    assert failed is not None and failed.status == AnalysisStatus.FAILED

    instance = series.instances.order_by("instance_number").first()
    assert instance is not None
    dicomweb_series = f"/dicomweb/studies/{study.study_instance_uid}/series/{series.series_instance_uid}"
    pages = [
        "/radiology/",
        "/radiology/worklist/",
        "/studies/",
        f"/studies/{study.study_instance_uid}/",
        f"/analyses/{done.pk}/viewer/",
        "/api/v1/studies/",
        f"/api/v1/studies/{study.study_instance_uid}/",
        f"/api/v1/analyses/{done.pk}/viewer/",
        f"{dicomweb_series}/metadata",
        f"{dicomweb_series}/instances/{instance.sop_instance_uid}/frames/1",
        f"/dicomweb/studies?PatientID={PATIENT_ID}",
        f"/studies/{study.study_instance_uid}/export-deidentified.zip",
    ]
    for page in pages:
        response = radiologist.get(page)
        assert response.status_code == 200, page
        if response.streaming:
            b"".join(response.streaming_content)
    assert radiologist.get("/studies/1.2.3.4.5/").status_code == 404
    assert radiologist.get("/test-failure/").status_code == 500

    logged = _logged_text(caplog.records)
    # The capture works: the failed analysis, the missing page and the server error were logged.
    assert any("attempt 1 failed" in text and "CUDA out of memory" in text for text in logged)
    assert any("Not Found: /studies/1.2.3.4.5/" in text for text in logged)
    assert any("Internal Server Error: /test-failure/" in text for text in logged)
    assert any("element 00101030 left out" in text for text in logged)
    leaked = [(needle, text) for text in logged for needle in IDENTIFYING if needle.lower() in text.lower()]
    assert leaked == []
