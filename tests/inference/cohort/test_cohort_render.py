"""A tiny rendered cohort: phantom → DICOM → loader → protocol filter agree with the manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inference.dicom import check_protocol, load_series
from inference.phantom.cohort import CohortOptions, CohortPlanner
from inference.phantom.cohort_writer import write_cohort


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("cohort")
    options = CohortOptions(cases=40, seed=21, size=96, pixel_mm=4.0, slice_mm=3.0)
    plans = CohortPlanner(options).plan()
    # Render a few studies that cover the interesting cases rather than all forty.
    wanted = [
        next(p for p in plans if "age_below_minimum" in p.expected_exclusions),
        next(p for p in plans if "slice_too_thick" in p.expected_exclusions),
        next(p for p in plans if "kernel_not_supported" in p.expected_exclusions),
        next(p for p in plans if p.spec.fractures and not p.expected_exclusions),
    ]
    manifest_path = write_cohort(wanted, out, seed=21, jobs=1)
    return out, json.loads(manifest_path.read_text())


def test_manifest_lists_every_rendered_study(cohort: tuple[Path, dict]) -> None:
    out, manifest = cohort
    assert manifest["schema"] == "vcf-phantom-cohort/1"
    assert manifest["cases"] == len(manifest["studies"]) == 4
    for entry in manifest["studies"]:
        assert (out / entry["truth"]["path"]).is_file()
        truth = json.loads((out / entry["truth"]["path"]).read_text())
        assert truth["study_uid"] == entry["study"]["study_instance_uid"]
        assert truth["series_uid"] == entry["series"]["series_instance_uid"]
        assert entry["truth"]["max_grade"] == truth["max_grade"]


def test_protocol_filter_finds_the_planned_exclusions(cohort: tuple[Path, dict]) -> None:
    out, manifest = cohort
    for entry in manifest["studies"]:
        volume = load_series(out / entry["folder"])
        assert volume.metadata.series_instance_uid == entry["series"]["series_instance_uid"]
        assert volume.metadata.patient_id == entry["patient"]["pseudo_id"]
        decision = check_protocol(volume.metadata)
        assert [reason.value for reason in decision.reasons] == entry["series"]["expected_exclusion_reasons"]
        assert decision.eligible is entry["series"]["expected_eligible"]


def test_fractured_study_truth_has_its_fracture(cohort: tuple[Path, dict]) -> None:
    _, manifest = cohort
    fractured = manifest["studies"][-1]
    assert fractured["truth"]["positive"] is True
    assert fractured["truth"]["fractures"], fractured
