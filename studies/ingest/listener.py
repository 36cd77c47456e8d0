"""The DICOM listener: a C-STORE / C-ECHO SCP that stores pushed CT instances and queues quiet series.

Every storage SOP class is accepted at association time in every transfer syntax pynetdicom
knows, so that a sender can push a whole study; each instance then goes through ``ingest_file``
like any other route. CT is stored (a repeat is answered with success and changes nothing); other
instances are answered with a failure status whose error comment tells the sender why, and an
unexpected error is answered with "out of resources" so that the sender may try again later.
Nothing about one instance can stop the listener.

A background thread hands series that have been quiet for ``quiet_seconds`` to the analysis queue
(``studies.services.push``); its bookkeeping lives in the database, so a restart loses nothing.
Logs name instances by their UIDs only, never by patient.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections
from pydicom.dataset import Dataset
from pynetdicom import (
    AE,
    ALL_TRANSFER_SYNTAXES,
    AllStoragePresentationContexts,
    VerificationPresentationContexts,
    evt,
)
from pynetdicom.events import Event
from pynetdicom.transport import ThreadedAssociationServer

from studies.ingest.store import DicomStore
from studies.models import StudySource
from studies.services.ingest import Outcome, ingest_file
from studies.services.push import queue_quiet_series

log = logging.getLogger(__name__)

STATUS_SUCCESS = 0x0000
STATUS_OUT_OF_RESOURCES = 0xA700  # transient: the sender may retry
STATUS_CANNOT_UNDERSTAND = 0xC000  # refused by content: a retry gives the same answer
ERROR_COMMENT_MAX = 64  # LO value representation
RETRY_FAILED_SERIES_S = 60.0
AE_TITLE_MAX = 16


class ListenerConfigError(ValueError):
    pass


def validate_ae_title(value: str) -> str:
    """An AE title as DICOM allows it: 1–16 characters of printable ASCII except backslash;
    leading and trailing spaces are not significant."""
    title = value.strip(" ")
    if not title:
        raise ListenerConfigError("an AE title needs 1 to 16 characters")
    if len(title) > AE_TITLE_MAX:
        raise ListenerConfigError(f"AE title {title!r} is longer than {AE_TITLE_MAX} characters")
    if any(not (" " <= char <= "~") or char == "\\" for char in title):
        raise ListenerConfigError(f"AE title {title!r} may hold printable ASCII only, without backslash")
    return title


def validate_port(value: int) -> int:
    if not 0 <= value <= 65535:
        raise ListenerConfigError(f"port {value} is outside 0–65535")
    return value


@dataclass(frozen=True)
class ListenerConfig:
    ae_title: str = "VCF"
    bind: str = "127.0.0.1"
    port: int = 11112  # 0: any free port (see DicomListener.port)
    allowed_aets: tuple[str, ...] = ()  # empty: any calling AE
    quiet_seconds: float = 30.0
    model_version: str = ""
    poll_seconds: float = 1.0
    shutdown_grace_s: float = 60.0

    def __post_init__(self) -> None:
        validate_ae_title(self.ae_title)
        validate_port(self.port)
        for title in self.allowed_aets:
            validate_ae_title(title)
        if self.quiet_seconds <= 0 or self.poll_seconds <= 0:
            raise ListenerConfigError("quiet and poll times must be positive")
        if not self.model_version:
            raise ListenerConfigError("the listener needs the model version it queues analyses for")


class DicomListener:
    """``start()`` returns once the port is bound; ``stop()`` stops accepting, lets running
    associations finish (aborting those still open after the grace time) and ends the quiet loop."""

    def __init__(self, config: ListenerConfig, *, store: DicomStore | None = None) -> None:
        self.config = config
        self.store = store or DicomStore()
        self._server: ThreadedAssociationServer | None = None
        self._stopping = threading.Event()
        self._quiet_thread: threading.Thread | None = None
        self._failed_until: dict[int, float] = {}

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the listener is not running")
        return int(self._server.server_address[1])

    def start(self) -> None:
        ae = AE(ae_title=validate_ae_title(self.config.ae_title))
        for context in [*AllStoragePresentationContexts, *VerificationPresentationContexts]:
            if context.abstract_syntax is not None:
                ae.add_supported_context(context.abstract_syntax, ALL_TRANSFER_SYNTAXES)
        ae.require_called_aet = True
        ae.require_calling_aet = [validate_ae_title(t) for t in self.config.allowed_aets]
        handlers: list[Any] = [
            (evt.EVT_C_STORE, self._on_store),
            (evt.EVT_C_ECHO, self._on_echo),
            (evt.EVT_ACCEPTED, self._on_accepted),
            (evt.EVT_REJECTED, self._on_rejected),
            (evt.EVT_RELEASED, self._on_released),
            (evt.EVT_ABORTED, self._on_aborted),
        ]
        self._server = ae.start_server(
            (self.config.bind, self.config.port), block=False, evt_handlers=handlers
        )
        self._quiet_thread = threading.Thread(target=self._quiet_loop, name="vcf-quiet-series", daemon=True)
        self._quiet_thread.start()
        log.info(
            "listening as %s on %s:%s (calling AEs: %s; quiet time %ss; model %s)",
            self.config.ae_title,
            self.config.bind,
            self.port,
            ", ".join(self.config.allowed_aets) or "any",
            self.config.quiet_seconds,
            self.config.model_version,
        )

    def stop(self) -> None:
        self._stopping.set()
        server = self._server
        if server is not None:
            server.shutdown()  # no new associations from here on
            running = server.active_associations
            log.info("stopping: waiting for %d running association(s) to finish", len(running))
            deadline = time.monotonic() + self.config.shutdown_grace_s
            for assoc in running:
                assoc.join(timeout=max(0.0, deadline - time.monotonic()))
                if assoc.is_alive():
                    log.warning("aborting association from %s at shutdown", _peer(assoc))
                    assoc.abort()
                    assoc.join(timeout=5)
        if self._quiet_thread is not None:
            self._quiet_thread.join(timeout=self.config.shutdown_grace_s)
        log.info("listener stopped")

    # --- association events (each runs in the association's own thread) ---

    def _on_store(self, event: Event) -> Dataset:
        sop_uid = str(getattr(event.request, "AffectedSOPInstanceUID", "") or "")
        peer = _peer(event.assoc)
        try:
            staged = self.store.stage_chunks([event.encoded_dataset()])
            try:
                outcome = ingest_file(path=staged, source=StudySource.PUSH, name=sop_uid, store=self.store)
            finally:
                staged.unlink(missing_ok=True)
        except Exception:  # disk full, database gone, …: the sender keeps the instance and may retry
            log.exception("instance %s from %s: not stored", sop_uid, peer)
            connection.close()  # a broken connection must not fail the association's next instances
            return _status(STATUS_OUT_OF_RESOURCES, "not stored: internal error, try again later")
        if outcome.outcome is Outcome.REJECTED:
            log.info("instance %s from %s rejected: %s", sop_uid, peer, outcome.message)
            return _status(STATUS_CANNOT_UNDERSTAND, outcome.message)
        log.info("instance %s from %s %s (series #%s)", sop_uid, peer, outcome.outcome, outcome.series_id)
        return _status(STATUS_SUCCESS)

    def _on_echo(self, event: Event) -> int:
        log.info("C-ECHO from %s", _peer(event.assoc))
        return STATUS_SUCCESS

    def _on_accepted(self, event: Event) -> None:
        log.info("association from %s accepted", _peer(event.assoc))

    def _on_rejected(self, event: Event) -> None:
        log.warning("association from %s rejected (called AE %r)", _peer(event.assoc), _called(event))

    def _on_released(self, event: Event) -> None:
        log.info("association from %s released", _peer(event.assoc))
        connections.close_all()  # the association thread's database connection ends with it

    def _on_aborted(self, event: Event) -> None:
        log.warning("association from %s aborted", _peer(event.assoc))
        connections.close_all()

    # --- quiet series ---

    def _quiet_loop(self) -> None:
        try:
            while not self._stopping.wait(self.config.poll_seconds):
                self._quiet_pass()
        finally:
            connections.close_all()

    def _quiet_pass(self) -> None:
        now = time.monotonic()
        self._failed_until = {sid: until for sid, until in self._failed_until.items() if until > now}
        try:
            result = queue_quiet_series(
                quiet_seconds=self.config.quiet_seconds,
                model_version=self.config.model_version,
                exclude=self._failed_until.keys(),
            )
        except Exception:  # the database may be briefly away; the next pass tries again
            log.exception("quiet-series pass failed")
            connections.close_all()
            return
        for series_id in result.queued:
            log.info(
                "series #%s quiet for %ss: handed to the analysis queue", series_id, self.config.quiet_seconds
            )
        for series_id in result.failed:
            self._failed_until[series_id] = now + RETRY_FAILED_SERIES_S


def _status(code: int, comment: str = "") -> Dataset:
    status = Dataset()
    status.Status = code
    if comment:
        status.ErrorComment = comment[:ERROR_COMMENT_MAX]
    return status


def _peer(assoc: Any) -> str:
    requestor = assoc.requestor
    return f"{requestor.ae_title or '?'}@{requestor.address}:{requestor.port}"


def _called(event: Event) -> str:
    primitive = getattr(event.assoc.requestor, "primitive", None)
    return str(getattr(primitive, "called_ae_title", "") or "")
