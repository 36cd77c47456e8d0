"""What a series says about itself: patient, study, acquisition and grid, in plain Python types."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pydicom.dataset import Dataset

from . import values

SEXES = ("F", "M", "O")


@dataclass(frozen=True)
class SeriesMetadata:
    """Header facts of one series; optional tags that are absent or malformed are None.

    ``convolution_kernel`` keeps every value of a multi-valued ConvolutionKernel joined with a
    backslash, as DICOM writes it (Siemens: ``"Br40d\\3"``, kernel then iterative strength); the
    protocol filter judges each value. Header values come from the first slice in slice order.
    """

    study_instance_uid: str | None
    series_instance_uid: str
    sop_instance_uids: tuple[str, ...]  # in slice order when positions are known
    modality: str | None
    patient_id: str | None
    patient_sex: str | None  # "F", "M", "O" or None
    patient_age: str | None  # raw DICOM AS value, e.g. "067Y"
    patient_birth_date: date | None
    study_date: date | None
    study_time: str | None  # raw DICOM TM value
    accession_number: str | None
    study_description: str | None
    series_description: str | None
    series_number: int | None
    convolution_kernel: str | None
    slice_thickness_mm: float | None  # SliceThickness tag, not the spacing
    slice_spacing_mm: float | None  # distance between slice positions; None for a single image
    manufacturer: str | None
    manufacturer_model_name: str | None
    institution_name: str | None
    image_orientation: tuple[float, ...] | None  # ImageOrientationPatient, 6 direction cosines
    rows: int | None
    columns: int | None
    number_of_slices: int
    other_series_uids: tuple[str, ...] = ()
    skipped_files: int = 0


def patient_sex(ds: Dataset) -> str | None:
    value = (values.text(ds, "PatientSex") or "").upper()
    return value if value in SEXES else None


def build_metadata(
    first: Dataset,
    *,
    series_uid: str,
    sop_instance_uids: Sequence[str],
    slice_spacing_mm: float | None,
    other_series_uids: Sequence[str] = (),
    skipped_files: int = 0,
) -> SeriesMetadata:
    """Metadata from the first slice's header plus the facts only the whole series knows."""
    return SeriesMetadata(
        study_instance_uid=values.text(first, "StudyInstanceUID"),
        series_instance_uid=series_uid,
        sop_instance_uids=tuple(sop_instance_uids),
        modality=values.text(first, "Modality"),
        patient_id=values.text(first, "PatientID"),
        patient_sex=patient_sex(first),
        patient_age=values.text(first, "PatientAge"),
        patient_birth_date=values.date_attribute(first, "PatientBirthDate"),
        study_date=values.date_attribute(first, "StudyDate"),
        study_time=values.text(first, "StudyTime"),
        accession_number=values.text(first, "AccessionNumber"),
        study_description=values.text(first, "StudyDescription"),
        series_description=values.text(first, "SeriesDescription"),
        series_number=values.integer(first, "SeriesNumber"),
        convolution_kernel=values.text(first, "ConvolutionKernel"),
        slice_thickness_mm=values.number(first, "SliceThickness"),
        slice_spacing_mm=slice_spacing_mm,
        manufacturer=values.text(first, "Manufacturer"),
        manufacturer_model_name=values.text(first, "ManufacturerModelName"),
        institution_name=values.text(first, "InstitutionName"),
        image_orientation=values.numbers(first, "ImageOrientationPatient", 6),
        rows=values.integer(first, "Rows"),
        columns=values.integer(first, "Columns"),
        number_of_slices=len(sop_instance_uids),
        other_series_uids=tuple(other_series_uids),
        skipped_files=skipped_files,
    )
