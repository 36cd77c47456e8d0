"""ingest_file: every instance stored once, rows created around it, bad files rejected alone."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pydicom
import pytest

from inference.phantom import PhantomSpec
from inference.phantom.identity import default_identity, phantom_uid
from studies.ingest.store import DicomStore
from studies.models import Instance, Patient, Series, Study, StudySource
from studies.services.ingest import Outcome, ingest_file, ingest_files
from tests.services.conftest import dicom_files, small_spec, write_series

pytestmark = pytest.mark.django_db


def named(paths: list[Path]) -> list[tuple[Path, str]]:
    return [(p, p.name) for p in paths]


def test_series_is_stored_with_its_rows(phantom_series: Path) -> None:
    files = dicom_files(phantom_series)
    report = ingest_files(paths=named(files), source=StudySource.IMPORT)
    assert report.count(Outcome.STORED) == len(files)
    series = Series.objects.get()
    assert series.instance_count == len(files) == Instance.objects.count()
    assert series.study.source == StudySource.IMPORT and series.modality == "CT"
    store = DicomStore()
    for instance in Instance.objects.all():
        stored = store.absolute(instance.relative_path)
        assert stored.is_file() and stored.stat().st_size == instance.file_size
        assert pydicom.dcmread(stored, stop_before_pixels=True).SOPInstanceUID == instance.sop_instance_uid
    assert report.touched_series_ids == [series.pk]


def test_reimport_changes_nothing(phantom_series: Path) -> None:
    files = dicom_files(phantom_series)
    ingest_files(paths=named(files), source=StudySource.IMPORT)
    before = list(Instance.objects.values_list("pk", "relative_path", "file_size"))
    again = ingest_files(paths=named(files), source=StudySource.UPLOAD)
    assert again.count(Outcome.DUPLICATE) == len(files) and again.touched_series_ids == []
    assert list(Instance.objects.values_list("pk", "relative_path", "file_size")) == before
    assert Series.objects.get().instance_count == len(files)
    assert Study.objects.get().source == StudySource.IMPORT


def test_patient_id_is_pseudonymised(phantom_series: Path) -> None:
    first = dicom_files(phantom_series)[0]
    ingest_file(path=first, source=StudySource.IMPORT)
    real_id = pydicom.dcmread(first, stop_before_pixels=True).PatientID
    patient = Patient.objects.get()
    assert real_id not in patient.pseudo_id and patient.pseudo_id.startswith("P-")


@pytest.mark.filterwarnings("ignore:Invalid value for VR UI")  # the test writes a hostile UID on purpose
def test_broken_and_foreign_files_are_rejected_alone(phantom_series: Path, tmp_path: Path) -> None:
    good = dicom_files(phantom_series)[:3]
    truncated = tmp_path / "truncated.dcm"
    truncated.write_bytes(good[0].read_bytes()[:300])
    empty = tmp_path / "empty.dcm"
    empty.write_bytes(b"")
    text = tmp_path / "notes.txt"
    text.write_text("not dicom")
    mr = tmp_path / "mr.dcm"
    ds = pydicom.dcmread(good[1])
    ds.Modality = "MR"
    ds.SOPInstanceUID = "1.2.826.0.1.3680043.10.1234.999"
    ds.save_as(mr)
    bad_uid = tmp_path / "bad-uid.dcm"
    ds = pydicom.dcmread(good[2])
    ds.SOPInstanceUID = "../../etc/passwd"
    ds.save_as(bad_uid)
    report = ingest_files(
        paths=named([good[0], truncated, empty, text, mr, bad_uid, *good[1:]]), source=StudySource.UPLOAD
    )
    by_name = {o.name: o for o in report.outcomes}
    assert [by_name[p.name].outcome for p in good] == [Outcome.STORED] * 3
    for name in ("truncated.dcm", "empty.dcm", "notes.txt", "mr.dcm", "bad-uid.dcm"):
        assert by_name[name].outcome is Outcome.REJECTED and by_name[name].message
    assert "only CT" in by_name["mr.dcm"].message
    assert "not a valid DICOM UID" in by_name["bad-uid.dcm"].message
    assert Instance.objects.count() == 3
    assert not any(DicomStore().staging_dir.iterdir())


def test_a_study_cannot_change_patient(tmp_path: Path) -> None:
    spec = small_spec()
    identity = default_identity(spec)
    first = write_series(tmp_path / "a", identity=identity)
    other = dataclasses.replace(
        identity, patient_id="SOMEONE-ELSE", series_instance_uid=phantom_uid("other-series")
    )
    second = write_series(tmp_path / "b", identity=other)
    ingest_file(path=dicom_files(first)[0], source=StudySource.IMPORT)
    outcome = ingest_file(path=dicom_files(second)[0], source=StudySource.IMPORT)
    assert outcome.outcome is Outcome.REJECTED and "another patient" in outcome.message
    assert Instance.objects.count() == 1 and Patient.objects.count() == 1


def test_later_studies_of_a_patient_are_repeats(tmp_path: Path) -> None:
    spec: PhantomSpec = small_spec()
    base = default_identity(spec)
    ids = []
    for number, day in enumerate((15, 3, 28), start=1):  # the earliest arrives second
        identity = dataclasses.replace(
            base,
            study_instance_uid=phantom_uid("study", number),
            series_instance_uid=phantom_uid("series", number),
            study_date=base.study_date.replace(day=day),
        )
        folder = write_series(tmp_path / str(number), identity=identity)
        ingest_file(path=dicom_files(folder)[0], source=StudySource.PACS)
        ids.append(identity.study_instance_uid)
    studies = {s.study_instance_uid: s for s in Study.objects.all()}
    index = studies[ids[1]]
    assert index.repeat_of is None
    assert studies[ids[0]].repeat_of == index and studies[ids[2]].repeat_of == index
