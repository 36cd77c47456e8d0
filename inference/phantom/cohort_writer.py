"""Renders a planned cohort to DICOM folders (in parallel) and writes its manifest."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

from inference.phantom import generate_phantom, write_phantom
from inference.phantom.cohort import StudyPlan

MANIFEST_SCHEMA = "vcf-phantom-cohort/1"


def _truth_summary(truth: dict[str, Any]) -> dict[str, Any]:
    fractures = [
        {
            "level": v["label"],
            "type": v.get("fracture_type", "none"),
            "height_loss_pct": v["height_loss_pct"],
            "grade": v["grade"],
        }
        for v in truth["vertebrae"]
        if v.get("grade")
    ]
    return {
        "positive": truth["positive"],
        "max_grade": truth["max_grade"],
        "fractures": fractures,
        "confounders": truth.get("confounders", []),
        "bone_density": truth.get("bone_density"),
    }


def render_study(plan: StudyPlan, out_dir: Path) -> dict[str, Any]:
    """Generate and write one study; returns its manifest entry."""
    folder = out_dir / plan.folder
    phantom = generate_phantom(plan.spec)
    truth_path = write_phantom(phantom, folder, identity=plan.identity)
    patient = asdict(plan.patient)
    patient["birth_date"] = plan.patient.birth_date.isoformat()
    return {
        "folder": plan.folder,
        "role": plan.role,
        "patient": patient,
        "study": {
            "study_instance_uid": plan.identity.study_instance_uid,
            "study_date": plan.identity.study_date.isoformat(),
            "accession_number": plan.identity.accession_number,
            "description": plan.identity.study_description,
            "report_text": plan.report_text,
            "reported_levels": list(plan.reported_levels),
        },
        "series": {
            "series_instance_uid": plan.identity.series_instance_uid,
            "kernel": plan.spec.kernel,
            "slice_mm": plan.spec.slice_mm,
            "patient_age": plan.identity.patient_age,
            "expected_eligible": not plan.expected_exclusions,
            "expected_exclusion_reasons": list(plan.expected_exclusions),
        },
        "truth": {"path": str(truth_path.relative_to(out_dir)), **_truth_summary(phantom.truth)},
    }


def write_cohort(plans: list[StudyPlan], out_dir: Path, *, seed: int, jobs: int = 1) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            entries = list(pool.map(render_study, plans, [out_dir] * len(plans)))
    else:
        entries = [render_study(plan, out_dir) for plan in plans]
    manifest = {
        "schema": MANIFEST_SCHEMA,
        "seed": seed,
        "cases": len(entries),
        "patients": len({entry["patient"]["pseudo_id"] for entry in entries}),
        "studies": entries,
    }
    path = out_dir / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2))
    return path
