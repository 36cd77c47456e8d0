"""De-identified export of a study: its stored DICOM files, cleaned, as a zip streamed in chunks.

A subset of the PS3.15 Basic Application Level Confidentiality Profile, with the *Retain
Longitudinal Temporal Information with Full Dates* and *Retain Patient Characteristics* options
(dates, sex, age, size and weight stay; they are what a follow-up or research reader needs):

- PatientID and PatientName become the patient's pseudonym (``Patient.pseudo_id``);
- PatientBirthDate, AccessionNumber, StudyID and ReferringPhysicianName are emptied;
- other patient identifiers, addresses, telephone numbers, institution, physicians and operators,
  descriptions and free-text comments are removed, as is every other person name (PN) element;
- every instance UID is replaced by one derived from it and a secret, so series, instances and
  references still group, the same study always exports the same way, and nobody without the key
  can go back; class and transfer syntax UIDs stay;
- private tags are removed; PatientIdentityRemoved=YES and DeidentificationMethod record it.

Pixel data is left as it is (CT rarely burns in annotations; BurnedInAnnotation is not checked).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import zipfile
from collections.abc import Iterator

import pydicom
from django.conf import settings
from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence
from pydicom.uid import UID_dictionary, generate_uid

from studies.ingest.store import DicomStore
from studies.models import Instance, Study

# Type 2 attributes: kept, but empty.
EMPTIED = frozenset({"PatientBirthDate", "AccessionNumber", "StudyID", "ReferringPhysicianName"})
REMOVED = frozenset(
    {
        # Patient
        "OtherPatientIDs",
        "OtherPatientIDsSequence",
        "OtherPatientNames",
        "PatientBirthName",
        "PatientBirthTime",
        "PatientMotherBirthName",
        "PatientAddress",
        "PatientTelephoneNumbers",
        "PatientTelecomInformation",
        "IssuerOfPatientID",
        "IssuerOfPatientIDQualifiersSequence",
        "MedicalRecordLocator",
        "MilitaryRank",
        "BranchOfService",
        "Occupation",
        "EthnicGroup",
        "PatientReligiousPreference",
        "PatientInsurancePlanCodeSequence",
        "ResponsiblePerson",
        "ResponsibleOrganization",
        "CountryOfResidence",
        "RegionOfResidence",
        "PatientState",
        "AdmissionID",
        "IssuerOfAdmissionIDSequence",
        "AdmittingDiagnosesDescription",
        "AdmittingDiagnosesCodeSequence",
        # Institution, staff and equipment location
        "InstitutionName",
        "InstitutionAddress",
        "InstitutionalDepartmentName",
        "InstitutionCodeSequence",
        "InstitutionalDepartmentTypeCodeSequence",
        "ReferringPhysicianAddress",
        "ReferringPhysicianTelephoneNumbers",
        "ReferringPhysicianIdentificationSequence",
        "ConsultingPhysicianName",
        "ConsultingPhysicianIdentificationSequence",
        "PhysiciansOfRecord",
        "PhysiciansOfRecordIdentificationSequence",
        "PerformingPhysicianName",
        "PerformingPhysicianIdentificationSequence",
        "NameOfPhysiciansReadingStudy",
        "PhysiciansReadingStudyIdentificationSequence",
        "OperatorsName",
        "OperatorIdentificationSequence",
        "RequestingPhysician",
        "RequestingService",
        "ScheduledPerformingPhysicianName",
        "StationName",
        "DeviceSerialNumber",
        "DetectorID",
        # Requests, procedures and free text
        "RequestAttributesSequence",
        "RequestedProcedureID",
        "RequestedProcedureDescription",
        "RequestedProcedureComments",
        "ScheduledProcedureStepID",
        "ScheduledProcedureStepDescription",
        "PerformedProcedureStepID",
        "PerformedProcedureStepDescription",
        "PerformedLocation",
        "PerformedStationName",
        "StudyDescription",
        "SeriesDescription",
        "ProtocolName",
        "ImageComments",
        "StudyComments",
        "PatientComments",
        "AdditionalPatientHistory",
        "InterpretationText",
        "TextComments",
        "TextString",
        "ReasonForStudy",
        "ReasonForTheRequestedProcedure",
        "ReasonForVisit",
        "ReferencedPatientSequence",
        "ReferencedPatientPhotoSequence",
        "OriginalAttributesSequence",
        "ModifiedAttributesSequence",
        "ContentCreatorName",
        "StorageMediaFileSetID",
    }
)
# At the top level PatientName and PatientID become the pseudonym and ReferringPhysicianName is
# emptied; nested in a sequence (original attributes, say) they and every other name go.
_TOP_LEVEL_ONLY = frozenset({"PatientName", "PatientID", "ReferringPhysicianName"})
_META_REMOVED = (
    "SourceApplicationEntityTitle",
    "SendingApplicationEntityTitle",
    "ReceivingApplicationEntityTitle",
    "PrivateInformationCreatorUID",
    "PrivateInformation",
)
METHOD = [
    "PS3.15 Basic Application Confidentiality",
    "Retain Longitudinal Full Dates",
    "Retain Patient Characteristics",
    "PatientID: VCF Sentinel pseudonym",
]
_METHOD_CODES = (
    ("113100", "Basic Application Confidentiality Profile"),
    ("113106", "Retain Longitudinal Temporal Information Full Dates Option"),
    ("113108", "Retain Patient Characteristics Option"),
)
ZIP_CHUNK_BYTES = 1 << 20


def uid_key() -> str:
    """The secret UIDs are derived with: the pseudonym key, separated for this one use."""
    key = settings.VCF_PSEUDONYM_KEY.encode()
    return hmac.new(key, b"vcf-sentinel deidentified uid", hashlib.sha256).hexdigest()


def deidentified_uid(uid: str, *, key: str) -> str:
    """A new UID for ``uid``: the same for the same ``uid`` and ``key``, unrelated to it otherwise."""
    return str(generate_uid(entropy_srcs=[key, "|", uid]))


def _keeps_uid(keyword: str, value: str) -> bool:
    # Class UIDs, transfer syntaxes and coding schemes name kinds of things, not this patient.
    return keyword.endswith("ClassUID") or keyword == "TransferSyntaxUID" or value in UID_dictionary


def _clean_element(dataset: Dataset, element: DataElement, *, key: str, nested: bool) -> None:
    keyword = element.keyword
    if (
        keyword in REMOVED
        or (nested and (keyword in _TOP_LEVEL_ONLY or keyword in EMPTIED))
        or (element.VR == "PN" and keyword not in _TOP_LEVEL_ONLY)
    ):
        del dataset[element.tag]
    elif keyword in EMPTIED:
        element.value = ""
    elif element.VR == "UI" and element.value:
        values = element.value if element.VM > 1 else [element.value]
        new = [v if _keeps_uid(keyword, str(v)) else deidentified_uid(str(v), key=key) for v in values]
        element.value = new if element.VM > 1 else new[0]


def deidentify_dataset(dataset: Dataset, *, pseudo_id: str, key: str) -> None:
    """De-identify ``dataset`` in place (its file meta included); see the module's description."""
    dataset.remove_private_tags()
    dataset.walk(lambda ds, element: _clean_element(ds, element, key=key, nested=ds is not dataset))
    dataset.PatientID = pseudo_id
    dataset.PatientName = pseudo_id
    dataset.PatientIdentityRemoved = "YES"
    dataset.DeidentificationMethod = METHOD
    dataset.DeidentificationMethodCodeSequence = Sequence(
        [_code(value, meaning) for value, meaning in _METHOD_CODES]
    )
    dataset.LongitudinalTemporalInformationModified = "UNMODIFIED"
    meta = getattr(dataset, "file_meta", None)
    if meta is not None:
        if "MediaStorageSOPInstanceUID" in meta:
            meta.MediaStorageSOPInstanceUID = dataset.SOPInstanceUID
        for keyword in _META_REMOVED:
            if keyword in meta:
                delattr(meta, keyword)
    # The 128-byte preamble is free for applications (TIFF headers, say): nothing of it goes out.
    dataset.preamble = b"\x00" * 128


def _code(value: str, meaning: str) -> Dataset:
    item = Dataset()
    item.CodeValue = value
    item.CodingSchemeDesignator = "DCM"
    item.CodeMeaning = meaning
    return item


def export_filename(*, study: Study) -> str:
    """The download's name: the new StudyInstanceUID, which no one can trace without the key."""
    return f"deidentified-{deidentified_uid(study.study_instance_uid, key=uid_key())}.zip"


class _ChunkSink:
    """A write-only file for ZipFile (unseekable: it writes data descriptors); drained while writing."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def study_export_chunks(*, study: Study) -> Iterator[bytes]:
    """The de-identified study as zip bytes, one stored instance at a time (memory: one instance).

    Members are ``series-NNN/NNNNN.dcm``, numbered in series and instance order: no name or UID."""
    store = DicomStore()
    key = uid_key()
    sink = _ChunkSink()
    instances = (
        Instance.objects.filter(series__study=study)
        .select_related("series")
        .order_by("series__series_number", "series_id", "instance_number", "id")
    )
    series_numbers: dict[int, int] = {}
    counts: dict[int, int] = {}
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for instance in instances.iterator(chunk_size=200):
            series_index = series_numbers.setdefault(instance.series_id, len(series_numbers) + 1)
            counts[instance.series_id] = counts.get(instance.series_id, 0) + 1
            dataset = pydicom.dcmread(store.absolute(instance.relative_path))
            deidentify_dataset(dataset, pseudo_id=study.patient.pseudo_id, key=key)
            buffer = io.BytesIO()  # pydicom seeks while writing; a zip member cannot
            dataset.save_as(buffer, enforce_file_format=True)
            name = f"series-{series_index:03d}/{counts[instance.series_id]:05d}.dcm"
            archive.writestr(name, buffer.getvalue())
            if sum(len(part) for part in sink.parts) >= ZIP_CHUNK_BYTES:
                yield sink.drain()
    yield sink.drain()
