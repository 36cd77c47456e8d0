from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from studies.ingest.listener import DicomListener, ListenerConfig, ListenerConfigError
from studies.runtime import current_model_version


class Command(BaseCommand):
    help = (
        "Receive CT series pushed by a PACS or scanner (DICOM C-STORE, C-ECHO) and queue each series "
        "for analysis once it has been quiet. Stops cleanly on SIGTERM or Ctrl-C."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port",
            type=int,
            default=11112,
            help="TCP port (default 11112; 0: any free port, printed at start)",
        )
        parser.add_argument("--ae-title", default="VCF", help="this listener's AE title (default VCF)")
        parser.add_argument(
            "--bind", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0: all)"
        )
        parser.add_argument(
            "--allow-aet",
            action="extend",
            nargs="+",
            metavar="AE",
            help="calling AE titles allowed to connect (default VCF_LISTENER_ALLOWED_AETS; none: any)",
        )
        parser.add_argument(
            "--quiet-seconds",
            type=int,
            help="seconds without a new instance before a series is queued (default VCF_LISTENER_QUIET_S)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["quiet_seconds"]
        allowed = options["allow_aet"]
        try:
            model_version = current_model_version()
        except Exception as error:  # missing or unreadable weights: no analysis could be queued
            raise CommandError(f"cannot read the model version from the weights: {error}") from error
        try:
            config = ListenerConfig(
                ae_title=options["ae_title"],
                bind=options["bind"],
                port=options["port"],
                allowed_aets=tuple(allowed if allowed is not None else settings.VCF_LISTENER_ALLOWED_AETS),
                quiet_seconds=quiet if quiet is not None else settings.VCF_LISTENER_QUIET_S,
                model_version=model_version,
            )
        except ListenerConfigError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] < 3:  # pynetdicom's own INFO lines repeat ours
            logging.getLogger("pynetdicom").setLevel(logging.WARNING)

        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, request_stop)
        listener = DicomListener(config)
        try:
            listener.start()
        except OSError as error:
            raise CommandError(f"cannot listen on {config.bind}:{config.port}: {error}") from error
        self.stdout.write(f"Listening as {config.ae_title} on {config.bind}:{listener.port}", ending="\n")
        self.stdout.flush()
        while not stop.wait(0.5):
            pass
        listener.stop()
