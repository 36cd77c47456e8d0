from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from studies.models import Study
from studies.services.demo import import_demo_cohort, write_demo_cohort


class Command(BaseCommand):
    help = "Render a phantom cohort (once) and import it with its clinical facts; analyses are queued."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=30)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--folder", type=Path, default=Path(settings.VAR_DIR) / "demo-cohort")
        parser.add_argument("--force", action="store_true", help="import even when studies exist")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("demo data is for DEBUG sites; pass --force to load it anyway")
        if Study.objects.exists() and not options["force"]:
            self.stdout.write("Studies already present; demo cohort not imported again.")
            return
        if not 1 <= options["cases"] <= 500:
            raise CommandError("--cases must be between 1 and 500")
        folder: Path = options["folder"].resolve()
        self.stdout.write(f"Rendering {options['cases']} phantom studies into {folder} (once) …")
        manifest = write_demo_cohort(folder=folder, cases=options["cases"], seed=options["seed"])

        def progress(done: int, total: int) -> None:
            sys.stderr.write(f"\rimporting studies {done}/{total}")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

        report = import_demo_cohort(manifest=manifest, progress=progress)
        counts = ", ".join(f"{value} {key}" for key, value in report.summary().items())
        self.stdout.write(f"Demo cohort imported ({counts}); analyses are queued for the worker.")
