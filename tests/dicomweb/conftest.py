"""Fixtures of the DICOMweb tests: phantom series ingested into the store, users with tokens, and
the real dicomweb-client pointed at a live server."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pydicom
import pytest
import requests
from dicomweb_client import DICOMwebClient
from pydicom.uid import JPEGLSLossless
from rest_framework.authtoken.models import Token

from inference.phantom import generate_phantom, write_phantom
from inference.phantom.identity import default_identity, phantom_uid
from studies.models import Series, StudySource, User
from studies.roles import Role
from studies.services.ingest import Outcome, ingest_files
from tests.services.conftest import dicom_files, small_spec

SPEC = {"levels": ("L1", "L2"), "slice_mm": 5.0}


def _identity(key: str) -> object:
    spec = small_spec(**SPEC)
    return dataclasses.replace(
        default_identity(spec),
        patient_id=f"DW-{key}",
        patient_name=f"DICOMWEB^{key.upper()}",
        study_instance_uid=str(phantom_uid("dicomweb-test", key, "study")),
        series_instance_uid=str(phantom_uid("dicomweb-test", key, "series")),
        accession_number=f"DW{key.upper()[:6]}",
    )


@pytest.fixture(scope="session")
def phantom_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small native (Explicit VR Little Endian) CT series; read-only."""
    folder = tmp_path_factory.mktemp("dicomweb-native")
    write_phantom(generate_phantom(small_spec(**SPEC)), folder, identity=_identity("native"))  # type: ignore[arg-type]
    return folder


@pytest.fixture(scope="session")
def jpegls_folder(tmp_path_factory: pytest.TempPathFactory, phantom_folder: Path) -> Path:
    """The same slices re-identified (new UIDs) and compressed with JPEG-LS lossless; read-only."""
    folder = tmp_path_factory.mktemp("dicomweb-jpegls")
    identity = _identity("jpegls")
    for number, source in enumerate(dicom_files(phantom_folder), start=1):
        ds = pydicom.dcmread(source)
        ds.StudyInstanceUID = identity.study_instance_uid  # type: ignore[attr-defined]
        ds.SeriesInstanceUID = identity.series_instance_uid  # type: ignore[attr-defined]
        ds.PatientID = identity.patient_id  # type: ignore[attr-defined]
        ds.AccessionNumber = identity.accession_number  # type: ignore[attr-defined]
        ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = phantom_uid("dicomweb-jls", number)
        ds.compress(JPEGLSLossless, generate_instance_uid=False)
        ds.save_as(folder / source.name, enforce_file_format=True)
    return folder


def ingest(folder: Path) -> Series:
    report = ingest_files(paths=[(p, p.name) for p in dicom_files(folder)], source=StudySource.UPLOAD)
    assert report.count(Outcome.STORED) == len(dicom_files(folder)), report.outcomes[:3]
    return Series.objects.select_related("study").get(pk=report.touched_series_ids[0])


@pytest.fixture
def stored_series(db: None, phantom_folder: Path) -> Series:
    return ingest(phantom_folder)


@pytest.fixture
def stored_jpegls(db: None, jpegls_folder: Path) -> Series:
    return ingest(jpegls_folder)


@pytest.fixture
def token_for(make_user: Callable[..., User]) -> Callable[[Role | None], str]:
    def make(role: Role | None) -> str:
        return Token.objects.create(user=make_user(role)).key

    return make


@pytest.fixture
def dicomweb(live_server, token_for) -> Iterator[DICOMwebClient]:  # type: ignore[no-untyped-def]
    """dicomweb-client on the live server, as a radiologist with a token."""
    with closing_session() as session:
        session.headers["Authorization"] = f"Token {token_for(Role.RADIOLOGIST)}"
        yield DICOMwebClient(f"{live_server.url}/dicomweb", session=session)


@contextmanager
def closing_session() -> Iterator[requests.Session]:
    """A requests session whose kept-alive connections are closed before the test ends: the live
    server's request thread then finishes while the test database is still shared with it."""
    session = requests.Session()
    try:
        yield session
    finally:
        session.close()


def stored_bytes(series: Series) -> dict[str, bytes]:
    """SOPInstanceUID → the stored file's bytes."""
    from django.conf import settings

    return {
        i.sop_instance_uid: (Path(settings.VCF_DATA_DIR) / i.relative_path).read_bytes()
        for i in series.instances.all()
    }


def pixel_value(path: Path) -> bytes:
    return pydicom.dcmread(path).PixelData


def copy_folder(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def split_multipart(content: bytes, content_type: str) -> list[tuple[str, bytes]]:
    """(part Content-Type, payload) of each part of a multipart/related body."""
    boundary = next(p.split("=", 1)[1].strip('"') for p in content_type.split(";") if "boundary=" in p)
    assert content.endswith(f"--{boundary}--\r\n".encode())
    parts = []
    for chunk in content.split(f"--{boundary}".encode())[1:-1]:
        head, _, payload = chunk.partition(b"\r\n\r\n")
        assert payload.endswith(b"\r\n")
        header = head.decode().strip()
        assert header.startswith("Content-Type: ")
        parts.append((header.removeprefix("Content-Type: "), payload[:-2]))
    return parts
