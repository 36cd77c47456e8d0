"""Fixtures for the PACS pull tests: a real Orthanc holding phantom studies on known dates.

Tests marked ``pacs`` start Orthanc and are skipped, with the reason, unless this process runs in a
loopback-only network namespace (scripts/test-pacs.sh). The archive, for the range 2024-03-01..10:

- three CT studies in the range (one of them also holds a short MR series),
- one CT study after the range, one MR-only study in the range,
- one CT study dated today (for the schedule and "pull now").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pydicom
import pytest
from django.utils import timezone
from pydicom.uid import MRImageStorage

from inference.phantom import generate_phantom, write_phantom
from inference.phantom.identity import default_identity, phantom_uid
from studies.models import PacsAuth, PacsConnection
from tests.pacs.orthanc import PASSWORD, USER, OrthancServer, loopback_only_reason
from tests.services.conftest import dicom_files, small_spec

RANGE = (date(2024, 3, 1), date(2024, 3, 10))
CT_IN_RANGE = {"a": date(2024, 3, 4), "b": date(2024, 3, 6), "c": date(2024, 3, 8)}
CT_AFTER_RANGE = {"late": date(2024, 4, 20)}
MR_FILES = 4


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = loopback_only_reason()
    if reason is None:
        return
    for item in items:
        if item.get_closest_marker("pacs"):
            item.add_marker(pytest.mark.skip(reason=f"real Orthanc {reason}"))


@dataclasses.dataclass(frozen=True)
class Archive:
    server: OrthancServer
    folders: dict[str, Path]  # study key -> its CT series files
    study_uids: dict[str, str]  # study key -> StudyInstanceUID (CT and MR-only studies)
    mr_series_uids: frozenset[str]
    slices: int

    def uids(self, *keys: str) -> set[str]:
        return {self.study_uids[k] for k in keys}


def _uid(key: str, what: str) -> str:
    return str(phantom_uid("pacs-test", key, what))


def _mr_copy(ct_folder: Path, out: Path, *, key: str, study_uid: str | None = None) -> tuple[str, list[Path]]:
    """A few of the CT files re-labelled as an MR series (in the CT's study unless ``study_uid``)."""
    out.mkdir(parents=True)
    series_uid = _uid(key, "mr-series")
    written = []
    for number, source in enumerate(dicom_files(ct_folder)[:MR_FILES], start=1):
        ds = pydicom.dcmread(source)
        ds.Modality = "MR"
        ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = MRImageStorage
        ds.SeriesInstanceUID = series_uid
        ds.SeriesNumber = 90
        ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = _uid(key, f"mr-{number}")
        if study_uid is not None:
            ds.StudyInstanceUID = study_uid
        path = out / f"MR{number:05d}.dcm"
        ds.save_as(path, enforce_file_format=True)
        written.append(path)
    return series_uid, written


@pytest.fixture(scope="session")
def pacs_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    reason = loopback_only_reason()
    if reason is not None:
        pytest.skip(f"real Orthanc {reason}")
    root = tmp_path_factory.mktemp("pacs")
    spec = small_spec()
    phantom = generate_phantom(spec)
    dates = {**CT_IN_RANGE, **CT_AFTER_RANGE, "today": timezone.localdate()}
    folders: dict[str, Path] = {}
    study_uids: dict[str, str] = {}
    for number, (key, study_date) in enumerate(dates.items(), start=1):
        identity = dataclasses.replace(
            default_identity(spec),
            patient_id=f"PACS-{key.upper()}",
            patient_name=f"PACS^{key.upper()}",
            study_instance_uid=_uid(key, "study"),
            series_instance_uid=_uid(key, "series"),
            study_date=study_date,
            accession_number=f"PACS{number:04d}",
        )
        folders[key] = root / "ct" / key
        write_phantom(phantom, folders[key], identity=identity)
        study_uids[key] = identity.study_instance_uid
    mixed_mr, mixed_files = _mr_copy(folders["b"], root / "mr" / "b", key="b")
    study_uids["mr-only"] = _uid("mr-only", "study")
    alone_mr, alone_files = _mr_copy(
        folders["a"], root / "mr" / "alone", key="mr-only", study_uid=study_uids["mr-only"]
    )
    server = OrthancServer(root / "orthanc")
    server.start()
    try:
        for folder in folders.values():
            server.upload(dicom_files(folder))
        server.upload(mixed_files + alone_files)
        yield Archive(
            server=server,
            folders=folders,
            study_uids=study_uids,
            mr_series_uids=frozenset({mixed_mr, alone_mr}),
            slices=len(dicom_files(folders["a"])),
        )
    finally:
        server.stop()


@pytest.fixture
def make_connection(db: None, pacs_archive: Archive) -> Callable[..., PacsConnection]:
    """A PacsConnection to the test Orthanc (HTTP basic); keyword arguments override fields."""

    def make(name: str = "test-pacs", *, password: str = PASSWORD, **fields: object) -> PacsConnection:
        values: dict[str, object] = {
            "base_url": pacs_archive.server.dicomweb_url,
            "auth": PacsAuth.BASIC,
            "username": USER,
            "secret": password,
        }
        values.update(fields)
        return PacsConnection.objects.create(name=name, **values)

    return make
