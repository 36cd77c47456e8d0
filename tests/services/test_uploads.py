"""ingest_upload and ingest_paths: archives known by their bytes, folders walked, analyses queued."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from studies.ingest.store import DicomStore
from studies.models import Analysis, Instance, Series, StudySource
from studies.services.ingest import Outcome
from studies.services.uploads import ingest_paths, ingest_upload
from tests.services.conftest import dicom_files
from tests.services.zips import folder_members, write_zip

pytestmark = pytest.mark.django_db


def outcomes(report) -> dict[str, Outcome]:
    return {o.name: o.outcome for o in report.outcomes}


def test_a_zip_is_known_by_its_bytes_not_its_name(phantom_series: Path, tmp_path: Path) -> None:
    files = dicom_files(phantom_series)
    disguised = write_zip(tmp_path / "IMG0001.dcm", folder_members(phantom_series)[:3])
    dicom_named_zip = tmp_path / "series.zip"
    shutil.copy(files[5], dicom_named_zip)
    report = ingest_upload(
        files=[(disguised, "IMG0001.dcm"), (dicom_named_zip, "series.zip")], source=StudySource.UPLOAD
    )
    assert report.summary() == {"stored": 4, "duplicate": 0, "rejected": 0}
    assert f"IMG0001.dcm/{files[0].name}" in outcomes(report)
    assert outcomes(report)["series.zip"] is Outcome.STORED


def test_other_archives_and_empty_zips_are_rejected_by_name(tmp_path: Path) -> None:
    tarball = tmp_path / "series.tgz"
    tarball.write_bytes(gzip.compress(b"anything"))
    empty = write_zip(tmp_path / "empty.zip", [("folder/", b""), (".DS_Store", b"junk")])
    report = ingest_upload(files=[(tarball, "series.tgz"), (empty, "empty.zip")], source=StudySource.UPLOAD)
    messages = {o.name: o.message for o in report.outcomes}
    assert messages == {
        "series.tgz": "gzip archive: only zip archives are unpacked",
        "empty.zip": "the archive holds no files",
    }
    assert report.analyses == []


def test_upload_queues_one_analysis_per_series_that_grew(phantom_series: Path) -> None:
    files = dicom_files(phantom_series)
    report = ingest_upload(files=[(f, f.name) for f in files[:10]], source=StudySource.UPLOAD)
    (analysis,) = report.analyses
    assert analysis.series == Series.objects.get()
    again = ingest_upload(files=[(f, f.name) for f in files[:10]], source=StudySource.UPLOAD)
    assert again.count(Outcome.DUPLICATE) == 10 and again.analyses == []
    assert Analysis.objects.count() == 1


def test_paths_are_walked_recursively_with_progress(phantom_series: Path, tmp_path: Path) -> None:
    files = dicom_files(phantom_series)
    root = tmp_path / "export"
    (root / "deep" / "er").mkdir(parents=True)
    (root / "__MACOSX").mkdir()
    for f in files[:20]:
        shutil.copy(f, root / "deep" / "er" / f.name)
    (root / "__MACOSX" / "._x").write_bytes(b"fork")
    (root / ".DS_Store").write_bytes(b"junk")
    (root / "DICOMDIR").write_bytes(b"index")
    archive = write_zip(tmp_path / "rest.zip", folder_members(phantom_series)[20:])
    calls: list[tuple[int, int]] = []
    report = ingest_paths(
        paths=[root, archive], source=StudySource.IMPORT, progress=lambda d, t: calls.append((d, t))
    )
    assert report.summary() == {"stored": len(files), "duplicate": 0, "rejected": 0}
    assert Instance.objects.count() == len(files)
    assert str(root / "deep" / "er" / files[0].name) in outcomes(report)
    total = sum(f.stat().st_size for f in files[:20]) + archive.stat().st_size
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert len(calls) > 20  # archive members move it too, not only whole files


def test_unreadable_paths_are_rejected_and_missing_ones_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "gone.dcm").symlink_to(tmp_path / "nowhere")
    report = ingest_paths(paths=[folder], source=StudySource.IMPORT)
    (outcome,) = report.outcomes
    assert outcome.outcome is Outcome.REJECTED and "not a regular file" in outcome.message
    with pytest.raises(FileNotFoundError, match="nowhere"):
        ingest_paths(paths=[tmp_path / "nowhere"], source=StudySource.IMPORT)


def test_no_staging_file_is_left_behind(phantom_series: Path, tmp_path: Path) -> None:
    staging = DicomStore().staging_dir
    before = set(staging.iterdir())
    archive = write_zip(tmp_path / "s.zip", [*folder_members(phantom_series)[:5], ("bad.dcm", b"not dicom")])
    ingest_upload(files=[(archive, "s.zip")], source=StudySource.UPLOAD)
    assert set(staging.iterdir()) == before
    assert archive.exists()  # the caller's file is left where it was
