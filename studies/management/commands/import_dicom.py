from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from studies.models import AnalysisStatus, StudySource
from studies.services.ingest import Outcome
from studies.services.uploads import ingest_paths

EXIT_REJECTED = 1
EXIT_MISSING = 2
BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import DICOM files, folders (recursively) and zip archives into the store and queue the "
        "analyses of the series that received new images. Exit status: 0 all stored or already "
        "stored, 1 some files rejected (listed), 2 a path does not exist."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--source",
            choices=[source.value for source in StudySource],
            default=StudySource.IMPORT.value,
            help="how new studies are recorded as having arrived (default: import)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        missing = [str(path) for path in paths if not path.exists()]
        if missing:
            raise CommandError(f"not found: {', '.join(missing)}", returncode=EXIT_MISSING)
        bar = ProgressBar(self.stderr)
        report = ingest_paths(paths=paths, source=StudySource(options["source"]), progress=bar.update)
        bar.finish()

        queued = sum(a.status in (AnalysisStatus.QUEUED, AnalysisStatus.RUNNING) for a in report.analyses)
        excluded = sum(a.status == AnalysisStatus.EXCLUDED for a in report.analyses)
        self.stdout.write(
            f"{report.count(Outcome.STORED)} stored, {report.count(Outcome.DUPLICATE)} already stored, "
            f"{report.count(Outcome.REJECTED)} rejected; "
            f"{queued} analyses queued, {excluded} series excluded by the protocol filter."
        )
        rejected = [o for o in report.outcomes if o.outcome is Outcome.REJECTED]
        if rejected:
            self.stdout.write("Rejected:")
            for outcome in rejected:
                self.stdout.write(f"  {outcome.name}: {outcome.message}")
            raise CommandError(f"{len(rejected)} file(s) rejected", returncode=EXIT_REJECTED)


class ProgressBar:
    """Redrawn in place on a terminal; elsewhere (a log, a pipe) one line per tenth."""

    def __init__(self, out: OutputWrapper) -> None:
        self.out = out
        self.tty = out.isatty()
        self.shown = -1
        self.drawn = False

    def update(self, done: int, total: int) -> None:
        fraction = done / total if total else 1.0
        if self.tty:
            percent = int(fraction * 100)
            if percent == self.shown:
                return
            self.shown = percent
            filled = int(fraction * BAR_WIDTH)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            self._write(f"\r[{bar}] {percent:3d}% {_megabytes(done)} of {_megabytes(total)}", ending="")
            self.drawn = True
        else:
            tenth = int(fraction * 10)
            if tenth > self.shown:
                self.shown = tenth
                self._write(f"import {tenth * 10:3d}% ({_megabytes(done)} of {_megabytes(total)})")

    def finish(self) -> None:
        if self.drawn:
            self._write("")

    def _write(self, text: str, ending: str = "\n") -> None:
        self.out.write(text, style_func=_plain, ending=ending)
        self.out.flush()


def _plain(text: str) -> str:
    return text


def _megabytes(size: int) -> str:
    return f"{size / 1024**2:.1f} MiB"
