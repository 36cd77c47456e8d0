"""An eligible series' metadata, to be spoilt one field at a time."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from inference.dicom import SeriesMetadata

ELIGIBLE = SeriesMetadata(
    study_instance_uid="1.2.3",
    series_instance_uid="1.2.3.4",
    sop_instance_uids=("1.2.3.4.1", "1.2.3.4.2", "1.2.3.4.3"),
    modality="CT",
    patient_id="P1",
    patient_sex="F",
    patient_age="067Y",
    patient_birth_date=date(1958, 3, 14),
    study_date=date(2025, 6, 10),
    study_time="101500",
    accession_number="A1",
    study_description="CT CAP",
    series_description="Body 1.0",
    series_number=3,
    convolution_kernel="Br40d\\3",
    slice_thickness_mm=1.0,
    slice_spacing_mm=0.8,
    manufacturer="SIEMENS",
    manufacturer_model_name="SOMATOM",
    institution_name="Hospital",
    image_orientation=(1.0, 0.0, 0.0, 0.0, 1.0, 0.0),
    rows=512,
    columns=512,
    number_of_slices=3,
)


def metadata(**changes: object) -> SeriesMetadata:
    return replace(ELIGIBLE, **changes)  # type: ignore[arg-type]
