"""Demo data: a phantom cohort (inference.phantom) imported like any other studies, with the
clinical facts and report texts a hospital would hold, then queued for analysis."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction

from inference.phantom.cohort import CohortOptions, CohortPlanner
from inference.phantom.cohort_writer import write_cohort
from studies.models import CancerSite, Sex, Study, StudySource
from studies.runtime import current_model_version
from studies.services.analyses import series_received
from studies.services.ingest import IngestReport, ingest_file

MANIFEST = "manifest.json"


def write_demo_cohort(*, folder: Path, cases: int, seed: int, jobs: int = 2) -> Path:
    """The cohort's manifest, rendering the cohort first unless ``folder`` already holds it."""
    manifest = folder / MANIFEST
    if manifest.is_file():
        return manifest
    plans = CohortPlanner(CohortOptions(cases=cases, seed=seed)).plan()
    return write_cohort(plans, folder, seed=seed, jobs=jobs)


def import_demo_cohort(*, manifest: Path, progress: Callable[[int, int], None] | None = None) -> IngestReport:
    """Import every series of the cohort, record its clinical facts and queue the analyses."""
    document: dict[str, Any] = json.loads(manifest.read_text())
    report = IngestReport()
    entries = document["studies"]
    for number, entry in enumerate(entries, start=1):
        for path in sorted((manifest.parent / entry["folder"]).glob("*.dcm")):
            report.add(
                ingest_file(path=path, source=StudySource.IMPORT, name=f"{entry['folder']}/{path.name}")
            )
        _record_clinical_facts(entry)
        if progress is not None:
            progress(number, len(entries))
    series_received(series_ids=report.touched_series_ids, model_version=current_model_version())
    return report


def _record_clinical_facts(entry: dict[str, Any]) -> None:
    study = (
        Study.objects.select_related("patient")
        .filter(study_instance_uid=entry["study"]["study_instance_uid"])
        .first()
    )
    if study is None:
        return
    facts = entry["patient"]
    patient = study.patient
    with transaction.atomic():
        patient.sex = facts["sex"] if facts["sex"] in Sex.values else patient.sex
        patient.primary_cancer_site = (
            facts["cancer_site"] if facts["cancer_site"] in CancerSite.values else CancerSite.OTHER
        )
        patient.bone_metastases = facts["bone_metastases"]
        patient.osteoporosis = facts["osteoporosis"]
        patient.prior_vertebroplasty = facts["prior_vertebroplasty"]
        patient.save()
        study.report_text = entry["study"]["report_text"]
        study.save(update_fields=["report_text", "updated_at"])
