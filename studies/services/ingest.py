"""Storing DICOM instances once, whatever route they came by, and the study/series rows around them.

``ingest_file`` is the one door: it checks the header, copies the file into the store and records
it in one transaction. An instance already stored (same SOPInstanceUID) changes nothing. The file
is in place before its row commits, so a row never points at a missing file; a crash in between
leaves at most an unreferenced file that the next ingest of the same instance overwrites.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from studies.ingest.headers import IngestError, InstanceHeader, read_instance_header
from studies.ingest.pseudonym import pseudonymise
from studies.ingest.store import DicomStore
from studies.models import Instance, Patient, Series, Sex, Study, StudySource

log = logging.getLogger(__name__)

ANALYSED_MODALITIES = frozenset({"CT"})


class Outcome(StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True)
class IngestOutcome:
    name: str  # how the sender named the file (path, archive member, SOPInstanceUID)
    outcome: Outcome
    message: str = ""
    series_id: int | None = None

    def to_json_dict(self) -> dict[str, object]:
        return {"name": self.name, "outcome": self.outcome.value, "message": self.message}


@dataclass
class IngestReport:
    """What happened to every file of one upload, import or pull."""

    outcomes: list[IngestOutcome] = field(default_factory=list)

    def add(self, outcome: IngestOutcome) -> None:
        self.outcomes.append(outcome)

    def count(self, outcome: Outcome) -> int:
        return sum(o.outcome is outcome for o in self.outcomes)

    @property
    def touched_series_ids(self) -> list[int]:
        """Series that received at least one new instance, in first-seen order."""
        seen: dict[int, None] = {}
        for o in self.outcomes:
            if o.outcome is Outcome.STORED and o.series_id is not None:
                seen.setdefault(o.series_id)
        return list(seen)

    def summary(self) -> dict[str, int]:
        return {o.value: self.count(o) for o in Outcome}


def ingest_file(
    *, path: Path, source: StudySource, name: str | None = None, store: DicomStore | None = None
) -> IngestOutcome:
    """Store one file (``path`` is left where it is). Never raises for bad input: a rejected file
    is an outcome with a message."""
    label = name or path.name
    store = store or DicomStore()
    try:
        header = read_instance_header(path)
        _check_analysable(header)
    except IngestError as error:
        return IngestOutcome(label, Outcome.REJECTED, str(error))
    existing = Instance.objects.filter(sop_instance_uid=header.sop_instance_uid).values("series_id").first()
    if existing is not None:
        return IngestOutcome(label, Outcome.DUPLICATE, "already stored", existing["series_id"])
    staged = store.stage_copy(path)
    try:
        series_id = _record(header, staged, path.stat().st_size, source, store)
    except IngestError as error:
        return IngestOutcome(label, Outcome.REJECTED, str(error))
    except IntegrityError:
        # Another process stored the same instance between our check and our insert.
        return IngestOutcome(label, Outcome.DUPLICATE, "already stored")
    finally:
        staged.unlink(missing_ok=True)
    return IngestOutcome(label, Outcome.STORED, "", series_id)


def ingest_files(*, paths: Iterable[tuple[Path, str]], source: StudySource) -> IngestReport:
    """``paths`` yields (file, name shown in the report). The caller hands ``touched_series_ids`` to
    ``studies.services.analyses.series_received``."""
    store = DicomStore()
    report = IngestReport()
    for path, name in paths:
        report.add(ingest_file(path=path, source=source, name=name, store=store))
    return report


def _check_analysable(header: InstanceHeader) -> None:
    if header.modality not in ANALYSED_MODALITIES:
        shown = header.modality or "missing"
        raise IngestError(f"modality {shown}: only CT is stored and analysed")


def _record(header: InstanceHeader, staged: Path, size: int, source: StudySource, store: DicomStore) -> int:
    relative = store.instance_path(
        header.study_instance_uid, header.series_instance_uid, header.sop_instance_uid
    )
    with transaction.atomic():
        patient = _patient(header)
        study = _study(header, patient, source)
        series = _series(header, study, store)
        Instance.objects.create(
            sop_instance_uid=header.sop_instance_uid,
            series=series,
            sop_class_uid=header.sop_class_uid,
            transfer_syntax_uid=header.transfer_syntax_uid,
            instance_number=header.instance_number,
            relative_path=relative,
            file_size=size,
        )
        Series.objects.filter(pk=series.pk).update(
            instance_count=F("instance_count") + 1, last_instance_at=timezone.now()
        )
        store.place(staged, relative)
    return series.pk


def _patient(header: InstanceHeader) -> Patient:
    if header.patient_id:
        pseudo = pseudonymise(patient_id=header.patient_id, issuer=header.issuer_of_patient_id)
    else:  # no patient id at all: each study stands for its own patient
        pseudo = pseudonymise(patient_id=f"study:{header.study_instance_uid}")
    sex = header.patient_sex if header.patient_sex in {Sex.FEMALE, Sex.MALE, Sex.OTHER} else Sex.UNKNOWN
    patient, created = Patient.objects.get_or_create(
        pseudo_id=pseudo, defaults={"sex": sex, "birth_date": header.patient_birth_date}
    )
    if not created and (
        (not patient.sex and sex) or (patient.birth_date is None and header.patient_birth_date)
    ):
        patient.sex = patient.sex or sex
        patient.birth_date = patient.birth_date or header.patient_birth_date
        patient.save(update_fields=["sex", "birth_date", "updated_at"])
    return patient


def _study(header: InstanceHeader, patient: Patient, source: StudySource) -> Study:
    study, created = Study.objects.get_or_create(
        study_instance_uid=header.study_instance_uid,
        defaults={
            "patient": patient,
            "study_date": header.study_date,
            "accession_number": header.accession_number,
            "description": header.study_description,
            "institution_name": header.institution_name,
            "source": source,
        },
    )
    if not created and study.patient_id != patient.pk:
        raise IngestError(
            f"StudyInstanceUID {header.study_instance_uid} is already stored for another patient"
        )
    if created:
        mark_repeats(patient=patient)
    return study


def _series(header: InstanceHeader, study: Study, store: DicomStore) -> Series:
    series, _ = Series.objects.get_or_create(
        series_instance_uid=header.series_instance_uid,
        defaults={
            "study": study,
            "modality": header.modality,
            "series_number": header.series_number,
            "description": header.series_description,
            "slice_thickness_mm": header.slice_thickness_mm,
            "convolution_kernel": header.convolution_kernel,
            "manufacturer": header.manufacturer,
            "manufacturer_model_name": header.manufacturer_model_name,
            "storage_dir": store.series_dir(header.study_instance_uid, header.series_instance_uid),
        },
    )
    if series.study_id != study.pk:
        raise IngestError(f"SeriesInstanceUID {header.series_instance_uid} belongs to another study")
    return series


def mark_repeats(*, patient: Patient) -> None:
    """The patient's earliest study (by date, then arrival) is the index one; later ones are repeats
    of it. Recomputed whenever a study arrives, so an older study arriving late still comes first."""
    studies = list(Study.objects.filter(patient=patient).order_by(F("study_date").asc(nulls_last=True), "id"))
    if not studies:
        return
    index, *later = studies
    Study.objects.filter(pk=index.pk).exclude(repeat_of=None).update(repeat_of=None)
    if later:
        Study.objects.filter(pk__in=[s.pk for s in later]).exclude(repeat_of=index).update(repeat_of=index)
