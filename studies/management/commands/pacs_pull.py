from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from studies.models import PacsConnection
from studies.services.pacs import PacsError, pull_studies


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date; write it as YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Pull the CT studies of a date range from the PACS connections (DICOMweb) and queue their "
        "analyses. Studies and series already stored here are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", required=True, help="first study date, YYYY-MM-DD")
        parser.add_argument("--until", help="last study date, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--connection", metavar="NAME", help="only this connection (default: every enabled one)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        since = _date(options["since"])
        until = _date(options["until"]) if options["until"] else timezone.localdate()
        if since > until:
            raise CommandError(f"--since {since} is after --until {until}")
        if options["connection"]:
            connections = list(PacsConnection.objects.filter(name=options["connection"]))
            if not connections:
                known = ", ".join(PacsConnection.objects.values_list("name", flat=True)) or "none configured"
                raise CommandError(f"no PACS connection named {options['connection']!r} (known: {known})")
        else:
            connections = list(PacsConnection.objects.filter(enabled=True))
            if not connections:
                raise CommandError(
                    "no enabled PACS connection; add one in the admin or name one with --connection"
                )
        failed = []
        for connection in connections:
            try:
                report = pull_studies(connection=connection, since=since, until=until)
            except PacsError as error:
                failed.append(connection.name)
                self.stderr.write(f"{connection.name}: failed: {error}")
                continue
            self.stdout.write(report.summary())
        if failed:
            raise CommandError(f"pull failed for {len(failed)} of {len(connections)}: {', '.join(failed)}")
