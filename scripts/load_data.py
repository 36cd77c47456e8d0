"""The throwaway site scripts/load_test.py drives: a cohort built with bulk_create, plus a few real
DICOM series (phantoms) stored on disk and queued for analysis.

Needs Django set up on the throwaway database (``DATABASE_URL``, ``VCF_DATA_DIR``) before ``build``.
"""

from __future__ import annotations

import dataclasses
import random
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

BATCH = 2000
# Fourteen vertebrae per analysis (T4 to L5), as on a chest-abdomen-pelvis CT.
LEVELS = ("T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12", "L1", "L2", "L3", "L4", "L5")
LEVEL_SPACING_MM = 32.0


@dataclass(frozen=True)
class Site:
    """What the readers ask for."""

    analysis_ids: list[int]  # finished analyses (viewer API and page)
    live_series_ids: list[int]  # real DICOM series on disk, queued for analysis
    live_series: list[tuple[str, str]]  # (study UID, series UID) of those, for WADO-RS metadata
    reviews: int


def grade_of(vhl: float) -> int:
    return 0 if vhl < 20 else 1 if vhl <= 25 else 2 if vhl <= 40 else 3


def box_landmarks(centre: tuple[float, float, float], anterior: float) -> dict[str, list[float]]:
    x, y, z = centre
    points: dict[str, list[float]] = {}
    for name, height, dy in (("anterior", anterior, -15.0), ("middle", 25.0, 0.0), ("posterior", 25.0, 15.0)):
        points[f"{name}_superior"] = [x, y + dy, z + height / 2]
        points[f"{name}_inferior"] = [x, y + dy, z - height / 2]
    return points


def vertebra(index: int, loss: float, *, uncertain: bool) -> dict[str, Any]:
    """One vertebra as the pipeline reports it (the shape of a vcf-analysis/1 document's entries)."""
    centre = (1.0, 40.0, 400.0 - index * LEVEL_SPACING_MM)
    anterior = round(25.0 * (1 - loss / 100), 3)
    return {
        "label": LEVELS[index],
        "centroid_lps_mm": list(centre),
        "confidence": 0.95,
        "landmarks_lps_mm": box_landmarks(centre, anterior),
        "heights_mm": {"anterior": anterior, "middle": 25.0, "posterior": 25.0},
        "height_loss_pct": round(loss, 3),
        "grade": grade_of(loss),
        "mean_hu": 150.0,
        "status": "measured",
        "uncertain": uncertain,
        "uncertainty_reasons": ["low_confidence"] if uncertain else [],
        "hu_roi": {
            "centre_lps_mm": [centre[0], centre[1] - 5, centre[2]],
            "semi_axes_mm": [8.0, 5.0],
            "lateral_axis": [1.0, 0.0, 0.0],
            "anterior_axis": [0.0, -1.0, 0.0],
            "mean_hu": 150.0,
            "std_hu": 20.0,
            "voxel_count": 200,
        },
    }


def result_document(series: Any, *, positive: bool, vertebrae: list[dict[str, Any]]) -> dict[str, Any]:
    """What the pipeline stores beside the analysis (``AnalysisDocument``): ~12 kB, as for a real series."""
    return {
        "schema": "vcf-analysis/1",
        "model_version": "load-test",
        "study_uid": series.study.study_instance_uid,
        "series_uid": series.series_instance_uid,
        "eligible": True,
        "exclusion_reasons": [],
        "positive": positive,
        "max_grade": max(v["grade"] for v in vertebrae),
        "vertebrae": vertebrae,
        "bone_density": {"levels": ["L1", "L2"], "l1_hu": 150.0, "mean_hu": 150.0},
        "timings_s": {"load": 0.5, "locate": 2.0, "landmarks": 1.9, "measure": 0.1, "total": 4.5},
    }


def create_users(password: str) -> dict[str, str]:
    """One user per role; username by role value."""
    from studies.models import User
    from studies.roles import STAFF_ROLES, Role
    from studies.services.roles import ensure_role_groups

    groups = ensure_role_groups()
    names = {}
    for role in Role:
        name = f"load-{role.value}"
        user = User.objects.create_user(username=name, password=password, is_staff=role in STAFF_ROLES)
        user.groups.add(groups[role])
        names[role.value] = name
    return names


def build_cohort(studies: int, *, seed: int = 10) -> tuple[list[int], int]:
    """``studies`` finished analyses of fourteen measured vertebrae; a third flagged, each flagged
    one (and 5 % of the negatives, as audits) with a review: most unread, some being read, some
    awaiting consensus, some closed. Returns the analysis ids and the number of reviews."""
    from studies.models import (
        Analysis,
        AnalysisDocument,
        AnalysisStatus,
        CaseReview,
        Patient,
        Read,
        Series,
        Study,
        StudySource,
        User,
        VertebraFinding,
        VertebraLevel,
    )

    rng = random.Random(seed)
    readers = list(User.objects.filter(username__in=["load-radiologist", "load-senior_radiologist"]))
    patients = Patient.objects.bulk_create(
        [Patient(pseudo_id=f"LOAD-{i:06d}", sex=rng.choice("MF")) for i in range(studies)], batch_size=BATCH
    )
    start = date(2024, 1, 1)
    study_rows = Study.objects.bulk_create(
        [
            Study(
                study_instance_uid=f"1.2.826.0.1.3680043.10.7777.{i}",
                patient=patient,
                study_date=start + timedelta(days=rng.randrange(730)),
                source=StudySource.UPLOAD,
                description="CT CHEST ABDOMEN PELVIS",
            )
            for i, patient in enumerate(patients)
        ],
        batch_size=BATCH,
    )
    series = Series.objects.bulk_create(
        [
            Series(series_instance_uid=f"1.2.826.0.1.3680043.10.7778.{i}", study=study, modality="CT")
            for i, study in enumerate(study_rows)
        ],
        batch_size=BATCH,
    )
    analyses: list[Analysis] = []
    for first in range(0, len(series), BATCH):
        rows: list[Analysis] = []
        findings: list[VertebraFinding] = []
        documents: list[AnalysisDocument] = []
        for one in series[first : first + BATCH]:
            positive = rng.random() < 0.33
            vhl = [rng.uniform(2, 15) for _ in LEVELS]
            if positive:
                for at in rng.sample(range(len(LEVELS)), rng.choice([1, 1, 2])):
                    vhl[at] = rng.choice([22.0, 30.0, 45.0])
            vertebrae = [
                vertebra(index, loss, uncertain=rng.random() < 0.02) for index, loss in enumerate(vhl)
            ]
            analysis = Analysis(
                series=one,
                model_version="load-test",
                status=AnalysisStatus.DONE,
                eligible=True,
                positive=positive,
                max_grade=max(grade_of(v) for v in vhl),
                progress=1.0,
                l1_hu=rng.gauss(130, 40),
            )
            rows.append(analysis)
            documents.append(
                AnalysisDocument(
                    analysis=analysis, body=result_document(one, positive=positive, vertebrae=vertebrae)
                )
            )
            findings.extend(
                VertebraFinding(
                    analysis=analysis,
                    level=VertebraLevel[v["label"]],
                    centroid_x_mm=v["centroid_lps_mm"][0],
                    centroid_y_mm=v["centroid_lps_mm"][1],
                    centroid_z_mm=v["centroid_lps_mm"][2],
                    confidence=v["confidence"],
                    landmarks=v["landmarks_lps_mm"],
                    height_anterior_mm=v["heights_mm"]["anterior"],
                    height_middle_mm=v["heights_mm"]["middle"],
                    height_posterior_mm=v["heights_mm"]["posterior"],
                    height_loss_pct=v["height_loss_pct"],
                    grade=v["grade"],
                    mean_hu=v["mean_hu"],
                    uncertain=v["uncertain"],
                    hu_roi=v["hu_roi"],
                )
                for v in vertebrae
            )
        analyses.extend(Analysis.objects.bulk_create(rows))
        AnalysisDocument.objects.bulk_create(documents, batch_size=BATCH)
        VertebraFinding.objects.bulk_create(findings, batch_size=BATCH)
    reviews = []
    for analysis in analyses:
        if analysis.positive or rng.random() < 0.05:
            state = rng.random()
            review = CaseReview(analysis=analysis, reason="flagged" if analysis.positive else "audit")
            if state >= 0.6 and readers:
                review.first_reader = readers[0]
            if state >= 0.75 and len(readers) > 1:
                review.second_reader = readers[1]
                review.status = "consensus" if state < 0.8 else "closed"
            if review.status == "closed":
                review.decision = "tp" if analysis.positive else "tn"
                review.closed_at = datetime(2025, 12, 31, tzinfo=UTC)
            reviews.append(review)
    review_rows = CaseReview.objects.bulk_create(reviews, batch_size=BATCH)
    # Both reads are in once a review awaits consensus or is closed; a first read alone is a draft.
    Read.objects.bulk_create(
        [
            Read(
                review=review,
                reader=reader,
                decision="" if review.status == "open" else review.decision or "tp",
                submitted_at=None if review.status == "open" else datetime(2025, 12, 30, tzinfo=UTC),
            )
            for review in review_rows
            for reader in (review.first_reader, review.second_reader)
            if reader is not None
        ],
        batch_size=BATCH,
    )
    return [a.pk for a in analyses], len(review_rows)


def store_live_series(count: int, *, seed: int = 31) -> tuple[list[int], list[tuple[str, str]]]:
    """``count`` small phantom series written, ingested like an upload and queued for analysis."""
    from inference.phantom import FractureSpec, PhantomSpec, generate_phantom, write_phantom
    from inference.phantom.identity import default_identity, phantom_uid
    from studies.models import Series, StudySource
    from studies.runtime import current_model_version
    from studies.services.analyses import series_received
    from studies.services.ingest import ingest_files

    ids = []
    with tempfile.TemporaryDirectory(prefix="load-series-") as scratch:
        for number in range(count):
            spec = PhantomSpec(
                seed=seed + number,
                levels=("T11", "L3"),
                size=128,
                pixel_mm=2.6,
                slice_mm=2.5,
                fractures=(FractureSpec("L1", "wedge", 35.0),) if number % 2 == 0 else (),
            )
            identity = dataclasses.replace(
                default_identity(spec),
                patient_id=f"LOAD-LIVE-{number}",
                study_instance_uid=str(phantom_uid("load-test", number, "study")),
                series_instance_uid=str(phantom_uid("load-test", number, "series")),
                accession_number=f"LOAD{number:04d}",
            )
            folder = Path(scratch) / str(number)
            write_phantom(generate_phantom(spec), folder, identity=identity)
            files = sorted(folder.glob("*.dcm"))
            report = ingest_files(paths=[(p, p.name) for p in files], source=StudySource.UPLOAD)
            ids.extend(report.touched_series_ids)
    series_received(series_ids=ids, model_version=current_model_version())
    rows = Series.objects.select_related("study").filter(pk__in=ids)
    return ids, [(s.study.study_instance_uid, s.series_instance_uid) for s in rows]


def build(*, studies: int, live_series: int, password: str) -> tuple[Site, dict[str, str]]:
    users = create_users(password)
    analysis_ids, reviews = build_cohort(studies)
    live_ids, live = store_live_series(live_series)
    return Site(analysis_ids=analysis_ids, live_series_ids=live_ids, live_series=live, reviews=reviews), users
