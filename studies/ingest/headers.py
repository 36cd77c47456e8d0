"""The header facts ingest needs from one DICOM file, checked before anything is stored."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pydicom
from pydicom.errors import InvalidDicomError

from inference.dicom import values

UID_PATTERN = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")
UID_MAX_LENGTH = 64


class IngestError(Exception):
    """A file that cannot be stored; the message is one line a person can act on."""


@dataclass(frozen=True)
class InstanceHeader:
    sop_instance_uid: str
    sop_class_uid: str
    series_instance_uid: str
    study_instance_uid: str
    modality: str
    transfer_syntax_uid: str
    instance_number: int | None
    patient_id: str
    issuer_of_patient_id: str
    patient_sex: str
    patient_birth_date: date | None
    study_date: date | None
    accession_number: str
    study_description: str
    institution_name: str
    series_number: int | None
    series_description: str
    slice_thickness_mm: float | None
    convolution_kernel: str
    manufacturer: str
    manufacturer_model_name: str


def _uid(value: str | None, name: str) -> str:
    if not value:
        raise IngestError(f"{name} is missing")
    if len(value) > UID_MAX_LENGTH or not UID_PATTERN.match(value):
        raise IngestError(f"{name} {value[:80]!r} is not a valid DICOM UID")
    return value


def _positive(value: float | None) -> float | None:
    return value if value is not None and value > 0 else None


def _short(value: str | None, length: int) -> str:
    return (value or "").replace("\x00", "").strip()[:length]


def read_instance_header(path: Path) -> InstanceHeader:
    """Header of ``path`` (pixel data not read); ``IngestError`` when it is not a storable image."""
    try:
        ds = pydicom.dcmread(path, stop_before_pixels=True)
    except (InvalidDicomError, EOFError, OSError, ValueError, TypeError, KeyError, OverflowError) as error:
        raise IngestError(f"not a readable DICOM file ({type(error).__name__}: {str(error)[:120]})") from None
    meta = getattr(ds, "file_meta", None)
    sop_class = _uid(values.text(ds, "SOPClassUID"), "SOPClassUID")
    transfer_syntax = str(getattr(meta, "TransferSyntaxUID", "") or "") if meta is not None else ""
    if transfer_syntax and not UID_PATTERN.match(transfer_syntax):
        raise IngestError(f"TransferSyntaxUID {transfer_syntax[:80]!r} is not a valid DICOM UID")
    return InstanceHeader(
        sop_instance_uid=_uid(values.text(ds, "SOPInstanceUID"), "SOPInstanceUID"),
        sop_class_uid=sop_class,
        series_instance_uid=_uid(values.text(ds, "SeriesInstanceUID"), "SeriesInstanceUID"),
        study_instance_uid=_uid(values.text(ds, "StudyInstanceUID"), "StudyInstanceUID"),
        modality=_short(values.text(ds, "Modality"), 16).upper(),
        transfer_syntax_uid=transfer_syntax,
        instance_number=values.integer(ds, "InstanceNumber"),
        patient_id=_short(values.text(ds, "PatientID"), 64),
        issuer_of_patient_id=_short(values.text(ds, "IssuerOfPatientID"), 64),
        patient_sex=_short(values.text(ds, "PatientSex"), 1).upper(),
        patient_birth_date=values.date_attribute(ds, "PatientBirthDate"),
        study_date=values.date_attribute(ds, "StudyDate"),
        accession_number=_short(values.text(ds, "AccessionNumber"), 16),
        study_description=_short(values.text(ds, "StudyDescription"), 64),
        institution_name=_short(values.text(ds, "InstitutionName"), 64),
        series_number=values.integer(ds, "SeriesNumber"),
        series_description=_short(values.text(ds, "SeriesDescription"), 64),
        slice_thickness_mm=_positive(values.number(ds, "SliceThickness")),
        convolution_kernel=_short(values.text(ds, "ConvolutionKernel"), 64),
        manufacturer=_short(values.text(ds, "Manufacturer"), 64),
        manufacturer_model_name=_short(values.text(ds, "ManufacturerModelName"), 64),
    )
