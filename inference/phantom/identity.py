"""Who and when a phantom series claims to be: everything a cohort may want to control."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from pydicom.uid import UID, generate_uid

from inference.phantom.spec import PhantomSpec


@dataclass(frozen=True)
class SeriesIdentity:
    patient_id: str
    patient_name: str
    patient_birth_date: date | None
    patient_age: str | None  # DICOM AS, e.g. "067Y"
    study_instance_uid: str
    series_instance_uid: str
    study_date: date
    study_time: str
    accession_number: str
    study_description: str
    series_description: str
    series_number: int
    institution_name: str
    manufacturer: str
    manufacturer_model_name: str


def phantom_uid(*parts: object) -> UID:
    """A valid UID that depends only on ``parts`` (same seed, same UIDs)."""
    return generate_uid(entropy_srcs=["vcf-sentinel-phantom", *(str(p) for p in parts)])


def default_identity(spec: PhantomSpec) -> SeriesIdentity:
    rng = np.random.default_rng([spec.seed, 31337])
    study_date = date(2024, 1, 2) + timedelta(days=int(rng.integers(0, 360)))
    birthday = date(2023, 1, 1) + timedelta(days=int(rng.integers(0, 365)))  # never 29 February
    not_yet = (birthday.month, birthday.day) > (study_date.month, study_date.day)
    birth = date(study_date.year - spec.age - int(not_yet), birthday.month, birthday.day)
    return SeriesIdentity(
        patient_id=f"PH{spec.seed:08d}",
        patient_name=f"PHANTOM^SEED{spec.seed}",
        patient_birth_date=birth,
        patient_age=f"{spec.age:03d}Y",
        study_instance_uid=phantom_uid(spec.seed, "study"),
        series_instance_uid=phantom_uid(spec.seed, "series"),
        study_date=study_date,
        study_time=f"{int(rng.integers(7, 19)):02d}{int(rng.integers(0, 60)):02d}00",
        accession_number=f"PHA{spec.seed:08d}",
        study_description="CT THORAX ABDOMEN PELVIS WITH CONTRAST",
        series_description=f"AXIAL {spec.slice_mm:g}mm {spec.kernel}",
        series_number=3,
        institution_name="VCF Sentinel Phantom Lab",
        manufacturer="VCF SENTINEL",
        manufacturer_model_name="Synthetic CT Phantom",
    )
