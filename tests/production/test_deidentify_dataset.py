"""deidentify_dataset on one file: no identifier left anywhere, UIDs replaced consistently."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset

from studies.services.deidentify import deidentified_uid, deidentify_dataset
from tests.production.identified import IDENTIFYING
from tests.production.scan import element_texts, leaks

KEY = "k" * 64
PSEUDO = "P-0123456789ABCDEF0123"


def _first(folder: Path, index: int = 0) -> Dataset:
    return pydicom.dcmread(sorted(folder.glob("*.dcm"))[index])


def _written(dataset: Dataset) -> bytes:
    buffer = io.BytesIO()
    dataset.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def test_the_fixture_does_carry_every_identifier(identified_folder: Path) -> None:
    dataset = _first(identified_folder)
    raw = sorted(identified_folder.glob("*.dcm"))[0].read_bytes()
    assert leaks(texts=element_texts(dataset), raw=raw, needles=IDENTIFYING) == list(IDENTIFYING)


def test_no_identifier_survives_in_any_element_or_byte(identified_folder: Path) -> None:
    dataset = _first(identified_folder)
    original_uids = [dataset.StudyInstanceUID, dataset.SeriesInstanceUID, dataset.SOPInstanceUID]
    deidentify_dataset(dataset, pseudo_id=PSEUDO, key=KEY)
    raw = _written(dataset)
    assert leaks(texts=element_texts(dataset), raw=raw, needles=[*IDENTIFYING, *original_uids]) == []
    again = pydicom.dcmread(io.BytesIO(raw))
    assert leaks(texts=element_texts(again), raw=raw, needles=IDENTIFYING) == []


def test_patient_becomes_the_pseudonym_and_the_removal_is_recorded(identified_folder: Path) -> None:
    dataset = _first(identified_folder)
    deidentify_dataset(dataset, pseudo_id=PSEUDO, key=KEY)
    assert dataset.PatientID == PSEUDO and str(dataset.PatientName) == PSEUDO
    assert dataset.PatientBirthDate == "" and dataset.AccessionNumber == ""
    assert dataset.PatientIdentityRemoved == "YES"
    assert "PS3.15 Basic Application Confidentiality" in dataset.DeidentificationMethod
    codes = {item.CodeValue for item in dataset.DeidentificationMethodCodeSequence}
    assert codes == {"113100", "113106", "113108"}
    # Kept on purpose: patient characteristics and dates (longitudinal follow-up).
    assert dataset.PatientSex == "F" and dataset.PatientAge == "082Y" and dataset.StudyDate == "20231114"
    assert not any(element.tag.is_private for element in dataset.iterall())
    assert "PatientID" not in dataset.SourceImageSequence[0]
    assert "OtherPatientIDsSequence" not in dataset and "RequestAttributesSequence" not in dataset


def test_uids_are_replaced_consistently_across_files_and_references(identified_folder: Path) -> None:
    first, second = _first(identified_folder, 0), _first(identified_folder, 1)
    study, series, sop = first.StudyInstanceUID, first.SeriesInstanceUID, first.SOPInstanceUID
    frame = first.FrameOfReferenceUID
    for dataset in (first, second):
        deidentify_dataset(dataset, pseudo_id=PSEUDO, key=KEY)
    assert first.StudyInstanceUID == second.StudyInstanceUID == deidentified_uid(study, key=KEY) != study
    assert first.SeriesInstanceUID == second.SeriesInstanceUID == deidentified_uid(series, key=KEY)
    assert first.FrameOfReferenceUID == second.FrameOfReferenceUID != frame
    assert first.SOPInstanceUID != second.SOPInstanceUID
    assert (
        first.SOPInstanceUID == deidentified_uid(sop, key=KEY) == first.file_meta.MediaStorageSOPInstanceUID
    )
    assert first.SourceImageSequence[0].ReferencedSOPInstanceUID == first.SOPInstanceUID
    assert first.ReferencedStudySequence[0].ReferencedSOPInstanceUID == first.StudyInstanceUID
    # Kinds of things stay: the SOP class and the transfer syntax.
    assert first.SOPClassUID == "1.2.840.10008.5.1.4.1.1.2"
    assert first.ReferencedStudySequence[0].ReferencedSOPClassUID == "1.2.840.10008.3.1.2.3.1"
    for uid in (first.StudyInstanceUID, first.SeriesInstanceUID, first.SOPInstanceUID):
        assert len(uid) <= 64 and all(part.isdigit() for part in uid.split("."))


def test_the_uids_depend_on_the_key() -> None:
    uid = "1.2.826.0.1.3680043.8.498.1"
    assert deidentified_uid(uid, key=KEY) == deidentified_uid(uid, key=KEY)
    assert deidentified_uid(uid, key=KEY) != deidentified_uid(uid, key="another-secret-key-" * 3)


def test_pixel_data_is_unchanged(identified_folder: Path) -> None:
    dataset = _first(identified_folder)
    before = dataset.pixel_array.copy()
    deidentify_dataset(dataset, pseudo_id=PSEUDO, key=KEY)
    after = pydicom.dcmread(io.BytesIO(_written(dataset))).pixel_array
    np.testing.assert_array_equal(after, before)
