"""The PACS goes down in the middle of a pull of a multi-instance series, then comes back.

A real Orthanc (tests/pacs/orthanc.py) is killed while its answer is being read: in the middle of
the series stream (the answer breaks off) and between two single-instance retrievals (the next
connection is refused). Either way the pull fails with a clear error, only whole instances stay
stored, the half series is not queued for analysis, and once Orthanc is back the next pull stores
the rest exactly once and queues one analysis.

Marked ``pacs``: runs in the loopback-only network namespace of scripts/test-pacs.sh (which must
name tests/faults too), skipped with the reason elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pydicom
import pytest
from django_q.models import OrmQ

from studies.ingest.store import DicomStore
from studies.models import Analysis, AnalysisStatus, Instance, PacsAuth, PacsConnection, Series, StudySource
from studies.services import pacs as pacs_service
from studies.services.ingest import IngestOutcome, ingest_files
from studies.services.pacs import PacsError, pull_studies
from tests.pacs.orthanc import PASSWORD, USER, OrthancServer, loopback_only_reason
from tests.services.conftest import dicom_files, write_series

pytestmark = [pytest.mark.pacs, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

KILL_AFTER = 3  # instances ingested before Orthanc is killed


@dataclass
class Pacs:
    server: OrthancServer
    files: list[Path]
    sops: dict[str, Path]
    day: date
    series_uid: str

    def restart(self) -> None:
        self.server = OrthancServer(self.server.folder, port=self.server.port)
        self.server.start()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """Orthanc's storage folder holding the series (Orthanc stopped), and the series' files."""
    reason = loopback_only_reason()
    if reason is not None:
        pytest.skip(f"real Orthanc {reason}")
    root = tmp_path_factory.mktemp("pacs-down")
    # 512 x 512 slices, about 30 MB in all: far more than the socket buffers can hold once Orthanc
    # dies, so killing it really cuts the series answer short.
    files = dicom_files(write_series(root / "series", size=512, pixel_mm=0.65))
    server = OrthancServer(root / "orthanc")
    server.start()
    try:
        server.upload(files)
    finally:
        server.stop()
    return root / "orthanc", files


@pytest.fixture
def pacs(archive: tuple[Path, list[Path]], tmp_path: Path, settings: object) -> Iterator[Pacs]:
    folder, files = archive
    settings.VCF_DATA_DIR = tmp_path / "data"  # type: ignore[attr-defined]
    server = OrthancServer(folder)
    server.start()
    headers = [pydicom.dcmread(f, stop_before_pixels=True) for f in files]
    sops = {str(header.SOPInstanceUID): f for header, f in zip(headers, files, strict=True)}
    day = datetime.strptime(str(headers[0].StudyDate), "%Y%m%d").date()
    series_uid = str(headers[0].SeriesInstanceUID)
    running = Pacs(server=server, files=files, sops=sops, day=day, series_uid=series_uid)
    try:
        yield running
    finally:
        running.server.stop()


def _connection(pacs: Pacs) -> PacsConnection:
    connection, _ = PacsConnection.objects.get_or_create(
        name="orthanc",
        defaults={
            "base_url": pacs.server.dicomweb_url,
            "auth": PacsAuth.BASIC,
            "username": USER,
            "secret": PASSWORD,
        },
    )
    return connection


def _kill_after(pacs: Pacs, count: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kill Orthanc (SIGKILL) right after the pull has ingested ``count`` instances."""
    real = pacs_service.ingest_file
    seen = 0

    def ingest_then_maybe_kill(**kwargs: object) -> IngestOutcome:
        nonlocal seen
        outcome = real(**kwargs)  # type: ignore[arg-type]
        seen += 1
        if seen == count:
            assert pacs.server.process is not None
            pacs.server.process.kill()
            pacs.server.process.wait(timeout=10)
        return outcome

    monkeypatch.setattr(pacs_service, "ingest_file", ingest_then_maybe_kill)


def _assert_only_whole_instances(pacs: Pacs) -> int:
    store = DicomStore()
    for instance in Instance.objects.all():
        stored = store.absolute(instance.relative_path)
        assert stored.read_bytes() == pacs.sops[instance.sop_instance_uid].read_bytes()
    sops = list(Instance.objects.values_list("sop_instance_uid", flat=True))
    assert len(sops) == len(set(sops))
    assert sorted(p for p in (store.root / "dicom").rglob("*.dcm")) == sorted(
        store.absolute(path) for path in Instance.objects.values_list("relative_path", flat=True)
    )
    assert list(store.staging_dir.iterdir()) == []
    if sops:
        assert Series.objects.get().instance_count == len(sops)
    return len(sops)


def _assert_failed_half_way(pacs: Pacs, error: PacsError, *, at_least: int) -> None:
    assert str(error).startswith("PACS 'orthanc' ")
    assert PacsConnection.objects.get().last_error == str(error)
    stored = _assert_only_whole_instances(pacs)
    assert at_least <= stored < len(pacs.files)
    assert Analysis.objects.count() == 0 and OrmQ.objects.count() == 0  # the half series is not queued


def _assert_retry_completes_once(pacs: Pacs, *, missing: int) -> None:
    pacs.restart()
    report = pull_studies(connection=_connection(pacs), since=pacs.day, until=pacs.day)
    assert report.ingest.summary() == {"stored": missing, "duplicate": 0, "rejected": 0}
    assert _assert_only_whole_instances(pacs) == len(pacs.files)
    assert set(Instance.objects.values_list("sop_instance_uid", flat=True)) == set(pacs.sops)
    [analysis] = Analysis.objects.all()
    assert analysis.status == AnalysisStatus.QUEUED and OrmQ.objects.count() == 1
    assert PacsConnection.objects.get().last_error == ""

    again = pull_studies(connection=_connection(pacs), since=pacs.day, until=pacs.day)
    assert (again.series_complete, again.ingest.outcomes, again.queued) == (1, [], 0)
    assert Analysis.objects.count() == 1 and OrmQ.objects.count() == 1


def test_orthanc_killed_in_the_middle_of_the_series_stream(
    pacs: Pacs, monkeypatch: pytest.MonkeyPatch
) -> None:
    _kill_after(pacs, KILL_AFTER, monkeypatch)
    with pytest.raises(PacsError) as caught:
        pull_studies(connection=_connection(pacs), since=pacs.day, until=pacs.day)
    message = str(caught.value)
    assert message.startswith(
        ("PACS 'orthanc': the answer broke off", "PACS 'orthanc' sent a cut-off instance")
    )
    assert f" while retrieving series {pacs.series_uid}" in message
    _assert_failed_half_way(pacs, caught.value, at_least=KILL_AFTER)
    monkeypatch.undo()
    _assert_retry_completes_once(pacs, missing=len(pacs.files) - Instance.objects.count())


def test_orthanc_killed_between_single_instance_retrievals(
    pacs: Pacs, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_files(paths=[(f, f.name) for f in pacs.files[:1]], source=StudySource.PACS)
    _kill_after(pacs, KILL_AFTER, monkeypatch)
    with pytest.raises(PacsError) as caught:
        pull_studies(connection=_connection(pacs), since=pacs.day, until=pacs.day)
    assert str(caught.value).startswith(f"PACS 'orthanc' is unreachable at {pacs.server.dicomweb_url} (")
    _assert_failed_half_way(pacs, caught.value, at_least=1 + KILL_AFTER)
    assert Instance.objects.count() == 1 + KILL_AFTER  # the next single retrieval was refused
    monkeypatch.undo()
    _assert_retry_completes_once(pacs, missing=len(pacs.files) - 1 - KILL_AFTER)
