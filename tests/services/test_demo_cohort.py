"""The demo cohort is imported with its clinical facts and every series is screened and queued."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from studies.models import Analysis, AnalysisStatus, Series, Study
from studies.services.demo import import_demo_cohort, write_demo_cohort
from studies.services.ingest import Outcome

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_demo_cohort(folder=tmp_path_factory.mktemp("cohort"), cases=5, seed=11, jobs=1)


def test_cohort_is_imported_with_facts_and_screened(manifest: Path) -> None:
    entries = json.loads(manifest.read_text())["studies"]
    report = import_demo_cohort(manifest=manifest)
    assert report.count(Outcome.STORED) > 0 and report.count(Outcome.REJECTED) == 0
    assert Study.objects.count() == len(entries)
    for entry in entries:
        study = Study.objects.select_related("patient").get(
            study_instance_uid=entry["study"]["study_instance_uid"]
        )
        assert study.report_text == entry["study"]["report_text"]
        assert study.patient.bone_metastases == entry["patient"]["bone_metastases"]
        analysis = Analysis.objects.get(series__series_instance_uid=entry["series"]["series_instance_uid"])
        if entry["series"]["expected_eligible"]:
            assert analysis.status == AnalysisStatus.QUEUED
        else:
            assert analysis.status == AnalysisStatus.EXCLUDED
            assert set(entry["series"]["expected_exclusion_reasons"]) <= set(analysis.exclusion_reasons)
    assert Analysis.objects.count() == Series.objects.count()


@override_settings(DEBUG=False)
def test_command_refuses_a_production_site_and_is_idempotent(manifest: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo_cohort", "--folder", str(manifest.parent))
    call_command("load_demo_cohort", "--folder", str(manifest.parent), "--force")
    studies = Study.objects.count()
    call_command("load_demo_cohort", "--folder", str(manifest.parent), "--force")
    assert Study.objects.count() == studies
