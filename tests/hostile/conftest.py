"""Fixtures of the hostile-input tests: a private data folder, a good study stored before the attack
and a snapshot of everything stored about it (rows and file bytes), to prove nothing changed.

Hypothesis runs under the "hostile" profile (derandomized, so CI sees the same examples every run);
property tests use it with ``@settings(settings.get_profile("hostile"))``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from studies.models import Instance, Patient, Series, Study, StudySource
from studies.services.ingest import Outcome, ingest_file
from tests.hostile import corpus
from tests.listener.conftest import migrated_database, site  # noqa: F401 (the listener fixtures)

settings.register_profile(
    "hostile",
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    settings.VCF_DATA_DIR = str(folder)
    return folder


@dataclass(frozen=True)
class StoredStudy:
    study_uid: str
    series_uid: str
    patient_id: str
    sop_uids: tuple[str, ...]


@pytest.fixture
def stored_study(db: None, data_dir: Path, tmp_path: Path) -> StoredStudy:
    """Three slices of one CT series, stored before any hostile input arrives."""
    study, series = corpus.new_uid(), corpus.new_uid()
    sops = tuple(corpus.new_uid() for _ in range(3))
    for number, sop in enumerate(sops, start=1):
        path = tmp_path / f"good-{number}.dcm"
        path.write_bytes(corpus.ct_slice(study=study, series=series, sop=sop, number=number))
        assert ingest_file(path=path, source=StudySource.UPLOAD).outcome is Outcome.STORED
    return StoredStudy(study, series, "HOSTILE-1", sops)


def _rows(model: Any, **lookup: Any) -> list[dict[str, Any]]:
    return list(model.objects.filter(**lookup).order_by("pk").values())


def snapshot(data_dir: Path, study: StoredStudy) -> dict[str, Any]:
    """Every row and stored file byte of ``study`` (and its patient)."""
    row = Study.objects.get(study_instance_uid=study.study_uid)
    files = {
        str(path.relative_to(data_dir)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((data_dir / "dicom" / study.study_uid).rglob("*"))
        if path.is_file()
    }
    return {
        "patient": _rows(Patient, pk=row.patient_id),
        "study": _rows(Study, pk=row.pk),
        "series": _rows(Series, study_id=row.pk),
        "instances": _rows(Instance, series__study_id=row.pk),
        "files": files,
    }


@pytest.fixture
def unchanged(data_dir: Path, stored_study: StoredStudy) -> Callable[[], None]:
    """Call after the attack: fails when anything stored about ``stored_study`` changed."""
    before = snapshot(data_dir, stored_study)
    assert len(before["files"]) == len(stored_study.sop_uids)

    def check() -> None:
        assert snapshot(data_dir, stored_study) == before

    return check


def stored_files(data_dir: Path) -> set[str]:
    return {str(p.relative_to(data_dir)) for p in (data_dir / "dicom").rglob("*.dcm")}


def staging_left(data_dir: Path) -> list[Path]:
    staging = data_dir / "staging"
    return sorted(staging.rglob("*")) if staging.exists() else []


# The expected reason (a fragment of the message) for each file of corpus.broken_files().
REASONS = {
    "zero.dcm": "empty file",
    "truncated-header.dcm": "cut short",
    "truncated-pixels.dcm": "cut short",
    "not-dicom.gif": "not a DICOM file",
    "unknown-syntax.dcm": "transfer syntax",
    "video-syntax.dcm": "(1.2.840.10008.1.2.4.100): its pixel data cannot be decoded",
    "big-endian-claimed.dcm": "",  # garbage once read as big endian: any clear refusal
    "giant-element.dcm": "declares 4294967280 bytes",
    "giant-pixels.dcm": "declares 4294967280 bytes",
    "huge-image.dcm": "60000×60000",
    "deep-sequences.dcm": "",
    "mr.dcm": "modality MR",
    "sr.dcm": "modality SR",
    "dotdot-uid.dcm": "not a valid DICOM UID",
    "nul-uid.dcm": "not a valid DICOM UID",
}


def assert_rejected_with_reasons(outcomes: dict[str, tuple[str, str]]) -> None:
    """``outcomes``: name → (outcome, message) for at least every file of the broken corpus."""
    for name, reason in REASONS.items():
        outcome, message = outcomes[name]
        assert outcome == Outcome.REJECTED.value, (name, outcome, message)
        assert message and reason in message, (name, message)


GoodFile = Callable[[], tuple[str, bytes]]


@pytest.fixture
def good_file() -> GoodFile:
    """A new valid CT slice of a new study: (name, bytes)."""
    return lambda: ("good-after.dcm", corpus.ct_slice(patient_id="HOSTILE-2"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """pydicom and zipfile warn about each damaged value or duplicate name they meet: expected here."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.filterwarnings("ignore::UserWarning"))
