"""A small CT series full of distinctive identifying values, to prove none of them gets out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence
from pydicom.uid import generate_uid

from inference.phantom import FractureSpec, PhantomSpec, SeriesIdentity, generate_phantom, write_phantom

PATIENT_NAME = "QUILLONBY^WENDELINA"
PATIENT_ID = "MRN-77X31Q9"
# Every string that identifies the patient, the staff or the site; none may survive an export.
IDENTIFYING = (
    "QUILLONBY",
    "WENDELINA",
    PATIENT_ID,
    "19410307",
    "ALTID-55K2",
    "ACC-QX-4471",
    "17 Quillon Lane",
    "555-0199-321",
    "St Quillon Infirmary",
    "Quillon Radiology Dept",
    "DRREFERRER",
    "DRPERFORMER",
    "DRREADER",
    "OPERATORCASSIUS",
    "QX-STATION-9",
    "SERIAL-QX-0042",
    "PRIVATE-QX-SECRET",
    "Spoke with Wendelina",
    "ORIGINAL-QX-NAME",
    "QX-AE-TITLE",
)


def identity() -> SeriesIdentity:
    return SeriesIdentity(
        patient_id=PATIENT_ID,
        patient_name=PATIENT_NAME,
        patient_birth_date=date(1941, 3, 7),
        patient_age="082Y",
        study_instance_uid=str(generate_uid()),
        series_instance_uid=str(generate_uid()),
        study_date=date(2023, 11, 14),
        study_time="101500",
        accession_number="ACC-QX-4471",
        study_description="CT Spoke with Wendelina",
        series_description="AXIAL 2.5mm",
        series_number=3,
        institution_name="St Quillon Infirmary",
        manufacturer="VCF SENTINEL",
        manufacturer_model_name="Synthetic CT Phantom",
    )


def _item(**values: object) -> Dataset:
    item = Dataset()
    for keyword, value in values.items():
        setattr(item, keyword, value)
    return item


def add_identifiers(dataset: Dataset) -> None:
    """What real scanners and RIS write besides the basics, nested and private parts included."""
    dataset.OtherPatientIDs = "ALTID-55K2"
    dataset.OtherPatientIDsSequence = Sequence([_item(PatientID="ALTID-55K2", TypeOfPatientID="TEXT")])
    dataset.PatientAddress = "17 Quillon Lane, Oxbridge"
    dataset.PatientTelephoneNumbers = "+44-555-0199-321"
    dataset.InstitutionAddress = "17 Quillon Lane, Oxbridge"
    dataset.InstitutionalDepartmentName = "Quillon Radiology Dept"
    dataset.ReferringPhysicianName = "DRREFERRER^OTTOLINE"
    dataset.PerformingPhysicianName = "DRPERFORMER^BARNABY"
    dataset.NameOfPhysiciansReadingStudy = "DRREADER^IMOGEN"
    dataset.OperatorsName = "OPERATORCASSIUS^X"
    dataset.StationName = "QX-STATION-9"
    dataset.DeviceSerialNumber = "SERIAL-QX-0042"
    dataset.ImageComments = "Spoke with Wendelina about contrast"
    dataset.PatientComments = "Spoke with Wendelina"
    dataset.RequestAttributesSequence = Sequence(
        [_item(RequestedProcedureID="ACC-QX-4471", ScheduledProcedureStepID="ACC-QX-4471")]
    )
    dataset.ReferencedStudySequence = Sequence(
        [
            _item(
                ReferencedSOPClassUID="1.2.840.10008.3.1.2.3.1",
                ReferencedSOPInstanceUID=dataset.StudyInstanceUID,
            )
        ]
    )
    # A sequence that is kept, with names nested inside it.
    dataset.SourceImageSequence = Sequence(
        [
            _item(
                ReferencedSOPClassUID=dataset.SOPClassUID,
                ReferencedSOPInstanceUID=dataset.SOPInstanceUID,
                PatientName="ORIGINAL-QX-NAME",
                PatientID=PATIENT_ID,
            )
        ]
    )
    dataset.file_meta.SourceApplicationEntityTitle = "QX-AE-TITLE"
    block = dataset.private_block(0x0029, "QX PRIVATE", create=True)
    block.add_new(0x10, "LO", "PRIVATE-QX-SECRET")


def write_identified_series(folder: Path) -> list[Path]:
    spec = PhantomSpec(
        seed=4471,
        levels=("T12", "L2"),
        size=128,
        pixel_mm=2.6,
        slice_mm=2.5,
        fractures=(FractureSpec("L1", "wedge", 35.0),),
    )
    write_phantom(generate_phantom(spec), folder, identity=identity())
    files = sorted(folder.glob("*.dcm"))
    for path in files:
        dataset = pydicom.dcmread(path)
        add_identifiers(dataset)
        dataset.save_as(path)
    return files
