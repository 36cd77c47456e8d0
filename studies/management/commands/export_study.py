from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from studies.selectors.studies import study_detail
from studies.services.deidentify import study_export_chunks


class Command(BaseCommand):
    help = (
        "Write a study's DICOM files, de-identified (PS3.15 basic profile subset, patient id replaced "
        "by the pseudonym, UIDs replaced consistently), to a zip file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("study_instance_uid", metavar="STUDY_UID")
        parser.add_argument(
            "--deidentify",
            action="store_true",
            help="required: only de-identified exports are made (identified data stays in the store)",
        )
        parser.add_argument("--out", type=Path, required=True, metavar="FILE.zip")
        parser.add_argument("--force", action="store_true", help="replace FILE.zip if it exists")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["deidentify"]:
            raise CommandError("only de-identified exports are supported: pass --deidentify")
        out: Path = options["out"]
        if out.exists() and not options["force"]:
            raise CommandError(f"{out} exists; pass --force to replace it")
        if not out.parent.is_dir():
            raise CommandError(f"folder {out.parent} does not exist")
        study = study_detail(study_instance_uid=options["study_instance_uid"])
        if study is None:
            raise CommandError("no study with this StudyInstanceUID")
        # Written beside the target and renamed: a failed export leaves no half zip under its name.
        handle, temporary = tempfile.mkstemp(prefix=".export-", suffix=".zip", dir=out.parent)
        try:
            with os.fdopen(handle, "wb") as file:
                for chunk in study_export_chunks(study=study):
                    file.write(chunk)
            os.replace(temporary, out)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.stdout.write(f"{out}: {out.stat().st_size} bytes, de-identified")
