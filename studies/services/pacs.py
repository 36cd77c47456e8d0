"""Pulling CT studies from a PACS over DICOMweb (QIDO-RS search, WADO-RS retrieve).

A pull searches the studies of a date range, keeps those whose ModalitiesInStudy holds the
connection's modality, then searches each one's CT series. ModalitiesInStudy is matched here, not
sent as a search filter: Orthanc (1.10 at least) applies limit/offset before that match, so paging
a filtered search skips studies; paging by date alone is consistent.

A series already complete here (as many stored instances as the PACS reports) is skipped; one not
stored at all is retrieved as a stream, one partly stored instance by instance for the missing
ones only. Every instance goes through ``ingest_file`` on its own, so whatever
happens later, an instance is either fully stored or not at all. A series is queued for analysis
once all of it has been retrieved.

A failed pull records its one-line error on the connection and raises ``PacsError``; the
instances stored before the failure stay (they are complete files) and the next pull of the same
range goes on from there.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from dicomweb_client import DICOMwebClient
from django.utils import timezone
from pydicom import Dataset

from studies.ingest.dicomweb import (
    ANY_TRANSFER_SYNTAX,
    NUMBER_OF_SERIES_RELATED_INSTANCES,
    SERIES_UID,
    SOP_INSTANCE_UID,
    STUDY_UID,
    Item,
    PacsError,
    client_for,
    count_value,
    cut_short,
    first_value,
    has_modality,
    paged,
    talking_to,
    write_staged,
)
from studies.ingest.store import DicomStore, StoreFullError
from studies.models import AnalysisStatus, Instance, PacsConnection, StudySource
from studies.runtime import current_model_version
from studies.services.analyses import series_received
from studies.services.ingest import IngestReport, Outcome, ingest_file

if TYPE_CHECKING:
    from django_q.models import Schedule

log = logging.getLogger(__name__)

PAGE_SIZE = 100
ANALYSED_MODALITY = "CT"
PULL_TASK = "studies.tasks.pull_pacs_connection"
SCHEDULE_NAME = "pacs-pull"
SCHEDULE_TASK = "studies.tasks.pull_pacs"
# A connection is due a little early rather than a whole schedule tick (one minute) late.
DUE_SLACK = timedelta(seconds=30)


@dataclass
class PullReport:
    connection: str
    since: date
    until: date
    modality: str = "CT"
    studies: int = 0  # in the range with the connection's modality
    other_studies: int = 0  # in the range without it
    series: int = 0  # CT series found on the PACS
    series_complete: int = 0  # of those, already complete here: nothing retrieved
    ingest: IngestReport = field(default_factory=IngestReport)
    queued: int = 0  # analyses queued for series that received new instances
    excluded: int = 0  # ... and those the protocol screen excluded

    def summary(self) -> str:
        counts = self.ingest.summary()
        return (
            f"{self.connection}: {self.since:%Y-%m-%d}..{self.until:%Y-%m-%d}: {self.studies} studies "
            f"({self.other_studies} without {self.modality} skipped), "
            f"{self.series} CT series ({self.series_complete} already complete); instances: "
            f"{counts[Outcome.STORED]} stored, {counts[Outcome.DUPLICATE]} already stored, "
            f"{counts[Outcome.REJECTED]} rejected; analyses: {self.queued} queued, {self.excluded} excluded"
        )


@dataclass(frozen=True)
class ScheduledPull:
    connection: str
    report: PullReport | None
    error: str = ""

    def summary(self) -> str:
        return self.report.summary() if self.report is not None else f"{self.connection}: {self.error}"


def pull_studies(
    *, connection: PacsConnection, since: date, until: date, page_size: int = PAGE_SIZE
) -> PullReport:
    """Pull the connection's studies dated ``since``..``until`` (both included)."""
    if since > until:
        raise ValueError(f"since ({since}) is after until ({until})")
    report = PullReport(connection=connection.name, since=since, until=until, modality=connection.modality)
    try:
        _pull(connection=connection, report=report, page_size=page_size)
    except PacsError as error:
        _record_failure(connection, str(error))
        raise
    except StoreFullError as error:
        _record_failure(connection, f"pull stopped: {error.strerror}")
        raise
    except Exception as error:
        _record_failure(connection, f"pull stopped by an internal error: {type(error).__name__}: {error}")
        raise
    _record_success(connection, since=since, until=until)
    log.info("PACS pull %s", report.summary())
    return report


def _pull(*, connection: PacsConnection, report: PullReport, page_size: int) -> None:
    client = client_for(connection)
    store = DicomStore()
    model_version = current_model_version()
    dates = f"{report.since:%Y%m%d}-{report.until:%Y%m%d}"
    with talking_to(connection, "searching studies"):
        studies = list(
            paged(
                lambda limit, offset: client.search_for_studies(
                    search_filters={"StudyDate": dates},
                    fields=["ModalitiesInStudy"],
                    limit=limit,
                    offset=offset,
                ),
                key=STUDY_UID,
                page_size=page_size,
            )
        )
    wanted = [study for study in studies if has_modality(study, connection.modality)]
    report.studies, report.other_studies = len(wanted), len(studies) - len(wanted)
    for study in wanted:
        study_uid = str(first_value(study, STUDY_UID))
        for series in _ct_series(client, connection, study_uid, page_size):
            report.series += 1
            grown = _pull_series(
                client, connection, study_uid, series, store=store, report=report, page_size=page_size
            )
            if grown:
                analyses = series_received(series_ids=grown, model_version=model_version)
                report.queued += sum(a.status == AnalysisStatus.QUEUED for a in analyses)
                report.excluded += sum(a.status == AnalysisStatus.EXCLUDED for a in analyses)


def _ct_series(
    client: DICOMwebClient, connection: PacsConnection, study_uid: str, page_size: int
) -> list[Item]:
    with talking_to(connection, f"searching the series of study {study_uid}"):
        return list(
            paged(
                lambda limit, offset: client.search_for_series(
                    study_instance_uid=study_uid,
                    search_filters={"Modality": ANALYSED_MODALITY},
                    fields=[NUMBER_OF_SERIES_RELATED_INSTANCES],
                    limit=limit,
                    offset=offset,
                ),
                key=SERIES_UID,
                page_size=page_size,
            )
        )


def _pull_series(
    client: DICOMwebClient,
    connection: PacsConnection,
    study_uid: str,
    series: Item,
    *,
    store: DicomStore,
    report: PullReport,
    page_size: int,
) -> list[int]:
    """Retrieve what is missing of one series; returns the stored series that got new instances
    (normally just this one)."""
    series_uid = str(first_value(series, SERIES_UID))
    on_pacs = count_value(series, NUMBER_OF_SERIES_RELATED_INSTANCES)
    here = set(
        Instance.objects.filter(series__series_instance_uid=series_uid).values_list(
            "sop_instance_uid", flat=True
        )
    )
    if here and on_pacs is not None and len(here) >= on_pacs:
        report.series_complete += 1
        return []
    outcomes_before = len(report.ingest.outcomes)
    if not here:
        action = f"retrieving series {series_uid}"
        with talking_to(connection, action):
            stream = client.iter_series(study_uid, series_uid, media_types=ANY_TRANSFER_SYNTAX)
        _ingest_stream(stream, connection=connection, action=action, store=store, report=report)
    else:
        for sop_uid in _missing_instances(client, connection, study_uid, series_uid, here, page_size):
            action = f"retrieving instance {sop_uid}"
            with talking_to(connection, action):
                dataset = client.retrieve_instance(
                    study_uid, series_uid, sop_uid, media_types=ANY_TRANSFER_SYNTAX
                )
            _ingest_stream(iter([dataset]), connection=connection, action=action, store=store, report=report)
    received = report.ingest.outcomes[outcomes_before:]
    if on_pacs is not None and len(here) + len(received) < on_pacs:
        # Stored instances stay; the series is queued once a later pull has the rest.
        raise PacsError(
            f"PACS {connection.name!r} sent {len(here) + len(received)} of the {on_pacs} instances "
            f"of series {series_uid}"
        )
    return IngestReport(received).touched_series_ids


def _missing_instances(
    client: DICOMwebClient,
    connection: PacsConnection,
    study_uid: str,
    series_uid: str,
    here: set[str],
    page_size: int,
) -> list[str]:
    with talking_to(connection, f"searching the instances of series {series_uid}"):
        items = list(
            paged(
                lambda limit, offset: client.search_for_instances(
                    study_instance_uid=study_uid, series_instance_uid=series_uid, limit=limit, offset=offset
                ),
                key=SOP_INSTANCE_UID,
                page_size=page_size,
            )
        )
    return [uid for item in items if (uid := str(first_value(item, SOP_INSTANCE_UID))) not in here]


def _ingest_stream(
    stream: Iterator[Dataset],
    *,
    connection: PacsConnection,
    action: str,
    store: DicomStore,
    report: PullReport,
) -> None:
    """Write each retrieved instance to a staging file, ingest it, delete the file; one at a time."""
    try:
        while True:
            with talking_to(connection, action):
                dataset = next(stream, None)
                if dataset is None:
                    return
                problem = cut_short(dataset)
                if problem is not None:
                    raise PacsError(
                        f"PACS {connection.name!r} sent a cut-off instance while {action} ({problem})"
                    )
                staged = write_staged(dataset, staging_dir=store.staging_dir)
            try:
                name = str(dataset.get("SOPInstanceUID", "") or staged.name)
                report.ingest.add(ingest_file(path=staged, source=StudySource.PACS, name=name, store=store))
            finally:
                staged.unlink(missing_ok=True)
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()  # ends the HTTP response when the stream stopped early


def _record_failure(connection: PacsConnection, message: str) -> None:
    connection.last_error = message.splitlines()[0] if message else "pull failed"
    PacsConnection.objects.filter(pk=connection.pk).update(last_error=connection.last_error)


def _record_success(connection: PacsConnection, *, since: date, until: date) -> None:
    """Clear the error; move ``pulled_through`` on when this range joins what was pulled before.

    Without ``pulled_through`` the schedule starts yesterday, so it counts as "done through the day
    before yesterday": pulling an old range then does not make the schedule jump back to it, and a
    range with a gap after ``pulled_through`` does not hide the gap."""
    today = timezone.localdate()
    done = connection.pulled_through or today - timedelta(days=2)
    connection.last_pull_at = timezone.now()
    connection.last_error = ""
    if since <= done + timedelta(days=1) and until > done:
        connection.pulled_through = min(until, max(today, done))
    PacsConnection.objects.filter(pk=connection.pk).update(
        last_pull_at=connection.last_pull_at, last_error="", pulled_through=connection.pulled_through
    )


def pull_due_connections(*, now: datetime | None = None) -> list[ScheduledPull]:
    """For the schedule: pull every enabled connection not pulled for ``pull_every_minutes``, from
    ``pulled_through`` (or yesterday) to today. A connection is claimed first (compare-and-set on
    ``last_pull_at``), so two overlapping schedule runs never pull it at the same time, and a failing
    one is tried again after its interval, not at every tick."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    results = []
    for connection in PacsConnection.objects.filter(enabled=True).order_by("name"):
        last = connection.last_pull_at
        if last is not None and last > now - timedelta(minutes=connection.pull_every_minutes) + DUE_SLACK:
            continue
        if not PacsConnection.objects.filter(pk=connection.pk, last_pull_at=last).update(last_pull_at=now):
            continue  # another run claimed it
        since = min(connection.pulled_through or today - timedelta(days=1), today)
        try:
            report = pull_studies(connection=connection, since=since, until=today)
        except PacsError as error:
            results.append(ScheduledPull(connection.name, None, str(error)))
            continue
        results.append(ScheduledPull(connection.name, report))
    return results


def pull_connection(*, connection_id: int, since: date, until: date) -> PullReport:
    """A pull asked for by hand (admin action, via the queue)."""
    return pull_studies(connection=PacsConnection.objects.get(pk=connection_id), since=since, until=until)


def queue_pull(*, connection: PacsConnection, since: date, until: date) -> str:
    """Queue a pull of ``since``..``until``; returns the task id."""
    from django_q.tasks import async_task

    return str(
        async_task(
            PULL_TASK,
            connection.pk,
            since,
            until,
            task_name=f"pacs-pull-{connection.pk}-{since:%Y%m%d}-{until:%Y%m%d}",
            group="pacs",
        )
    )


def check_connection(*, connection: PacsConnection) -> str:
    """Search one study (QIDO-RS, limit 1): a success message, or PacsError. Writes nothing."""
    client = client_for(connection)
    with talking_to(connection, "searching studies"):
        found = client.search_for_studies(limit=1)
    what = "found studies" if found else "has no studies yet"
    return f"PACS {connection.name!r} answered at {connection.base_url}: the search {what}"


def ensure_pull_schedule() -> tuple[Schedule, bool]:
    """Create or update the one "pacs-pull" schedule (every minute; the service decides which
    connections are due). Returns the schedule and whether it was created."""
    from django_q.models import Schedule

    from studies.services.schedules import ensure_schedule

    wanted = {"func": SCHEDULE_TASK, "schedule_type": Schedule.MINUTES, "minutes": 1, "repeats": -1}
    return ensure_schedule(name=SCHEDULE_NAME, wanted=wanted)
