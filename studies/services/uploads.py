"""Uploads and command-line imports: DICOM files and zip archives into the store, then analysed.

Each file is a zip archive or a DICOM file by its first bytes, whatever its name. Every file is
handled on its own: a bad one is reported and the good ones around it are stored. Once all are in,
the series that received new instances are screened and queued for analysis.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from studies.ingest.archives import JUNK_DIRECTORIES, ArchiveError, extract_zip, file_archive_kind, is_junk
from studies.ingest.store import DicomStore
from studies.models import Analysis, StudySource
from studies.runtime import current_model_version
from studies.services.analyses import series_received
from studies.services.ingest import IngestOutcome, IngestReport, Outcome, ingest_file

ProgressCallback = Callable[[int, int], None]


@dataclass
class UploadReport(IngestReport):
    """The ingest report with the analyses the upload queued (or excluded at screening)."""

    analyses: list[Analysis] = field(default_factory=list)


def ingest_upload(*, files: Iterable[tuple[Path, str]], source: StudySource) -> UploadReport:
    """``files`` yields (file on disk, name the sender gave it); the files are left where they are."""
    report = UploadReport()
    store = DicomStore()
    meter = _Meter(total=0, callback=None)
    for path, name in files:
        _ingest_one(path=path, name=name, source=source, store=store, report=report, meter=meter)
    return _queue_analyses(report)


def ingest_paths(
    *, paths: Sequence[Path], source: StudySource, progress: ProgressCallback | None = None
) -> UploadReport:
    """Files, folders (walked recursively, symlinked folders not followed) and zip archives.
    ``progress`` gets (bytes done, bytes in all) as the files are read."""
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise FileNotFoundError(f"not found: {', '.join(missing)}")
    found = [(path, _size(path)) for path in _walk(paths)]
    meter = _Meter(total=sum(size for _, size in found), callback=progress)
    meter.advance(0)
    report = UploadReport()
    store = DicomStore()
    for path, size in found:
        start = meter.done
        _ingest_one(path=path, name=str(path), source=source, store=store, report=report, meter=meter)
        meter.settle(start + size)
    return _queue_analyses(report)


def _ingest_one(
    *, path: Path, name: str, source: StudySource, store: DicomStore, report: IngestReport, meter: _Meter
) -> None:
    if not path.is_file():
        report.add(IngestOutcome(name, Outcome.REJECTED, "not a regular file (broken link, device, pipe)"))
        return
    try:
        kind = file_archive_kind(path)
    except OSError as error:
        report.add(IngestOutcome(name, Outcome.REJECTED, f"cannot be read ({error.strerror or error})"))
        return
    if kind is None:
        report.add(ingest_file(path=path, source=source, name=name, store=store))
        return
    if kind != "zip":
        report.add(IngestOutcome(name, Outcome.REJECTED, f"{kind} archive: only zip archives are unpacked"))
        return
    seen = 0
    try:
        with closing(extract_zip(path, label=name, staging_dir=store.staging_dir)) as members:
            for member in members:
                seen += 1
                if member.path is None:
                    report.add(IngestOutcome(member.name, Outcome.REJECTED, member.error))
                else:
                    report.add(ingest_file(path=member.path, source=source, name=member.name, store=store))
                meter.advance(member.packed_size)
    except ArchiveError as error:
        report.add(IngestOutcome(name, Outcome.REJECTED, str(error)))
        return
    if not seen:
        report.add(IngestOutcome(name, Outcome.REJECTED, "the archive holds no files"))


def _queue_analyses(report: UploadReport) -> UploadReport:
    series_ids = report.touched_series_ids
    if series_ids:
        report.analyses = series_received(series_ids=series_ids, model_version=current_model_version())
    return report


def _walk(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        for folder, directories, files in os.walk(path):
            directories[:] = sorted(d for d in directories if d not in JUNK_DIRECTORIES)
            for name in sorted(files):
                if not is_junk(name):
                    yield Path(folder, name)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


class _Meter:
    """Progress in bytes of input read, never going back and never past the total."""

    def __init__(self, *, total: int, callback: ProgressCallback | None) -> None:
        self.total = total
        self.done = 0
        self.callback = callback

    def advance(self, amount: int) -> None:
        self.settle(self.done + amount)

    def settle(self, done: int) -> None:
        self.done = max(self.done, min(done, self.total))
        if self.callback is not None:
            self.callback(self.done, self.total)
