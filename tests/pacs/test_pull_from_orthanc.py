"""PACS pull against a real Orthanc (DICOMweb): the right studies, stored once, analyses queued,
clear errors and nothing half-stored. Runs only in a loopback-only network namespace
(scripts/test-pacs.sh)."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pydicom
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_q.models import OrmQ
from django_q.signing import SignedPackage

from studies import tasks
from studies.ingest.store import DicomStore
from studies.models import Analysis, AnalysisStatus, Instance, PacsConnection, Series, Study, StudySource
from studies.roles import Role
from studies.services.ingest import ingest_files
from studies.services.pacs import PacsError, pull_due_connections, pull_studies
from tests.pacs.conftest import RANGE, Archive
from tests.pacs.orthanc import OrthancServer
from tests.services.conftest import dicom_files

pytestmark = [pytest.mark.pacs, pytest.mark.django_db(transaction=True)]

MakeConnection = Callable[..., PacsConnection]


def staged_leftovers() -> list[Path]:
    return sorted(DicomStore().staging_dir.iterdir())


def assert_stored_as_pulled(archive: Archive, keys: tuple[str, ...]) -> None:
    assert {s.study_instance_uid for s in Study.objects.all()} == archive.uids(*keys)
    assert set(Study.objects.values_list("source", flat=True)) == {StudySource.PACS}
    assert set(Series.objects.values_list("modality", flat=True)) == {"CT"}
    assert not Series.objects.filter(series_instance_uid__in=archive.mr_series_uids).exists()
    assert Instance.objects.count() == len(keys) * archive.slices
    store = DicomStore()
    for instance in Instance.objects.all():
        stored = store.absolute(instance.relative_path)
        assert pydicom.dcmread(stored, stop_before_pixels=True).SOPInstanceUID == instance.sop_instance_uid
        assert stored.stat().st_size == instance.file_size


def test_pull_takes_exactly_the_ct_studies_of_the_range_and_again_changes_nothing(
    pacs_archive: Archive, make_connection: MakeConnection
) -> None:
    connection = make_connection()
    report = pull_studies(connection=connection, since=RANGE[0], until=RANGE[1], page_size=2)
    assert (report.studies, report.other_studies, report.series, report.series_complete) == (3, 1, 3, 0)
    assert report.ingest.summary() == {"stored": 3 * pacs_archive.slices, "duplicate": 0, "rejected": 0}
    assert_stored_as_pulled(pacs_archive, ("a", "b", "c"))
    analyses = Analysis.objects.all()
    assert analyses.count() == 3 and {a.status for a in analyses} == {AnalysisStatus.QUEUED}
    assert report.queued == 3 and OrmQ.objects.count() == 3  # one queue message per analysis
    connection.refresh_from_db()
    assert connection.last_error == "" and connection.last_pull_at is not None
    assert connection.pulled_through is None  # an old range does not move the schedule's start
    assert staged_leftovers() == []

    files_before = list(Instance.objects.order_by("pk").values_list("pk", "relative_path", "file_size"))
    again = pull_studies(connection=connection, since=RANGE[0], until=RANGE[1], page_size=2)
    assert (again.studies, again.series, again.series_complete) == (3, 3, 3)
    assert again.ingest.outcomes == [] and again.queued == 0
    assert (
        list(Instance.objects.order_by("pk").values_list("pk", "relative_path", "file_size")) == files_before
    )
    assert Analysis.objects.count() == 3 and OrmQ.objects.count() == 3


def test_partly_stored_series_gets_only_its_missing_instances(
    pacs_archive: Archive, make_connection: MakeConnection
) -> None:
    files = dicom_files(pacs_archive.folders["a"])
    ingest_files(paths=[(p, p.name) for p in files[:20]], source=StudySource.IMPORT)
    report = pull_studies(connection=make_connection(), since=RANGE[0], until=RANGE[0].replace(day=5))
    assert (report.studies, report.series, report.series_complete) == (1, 1, 0)
    assert report.ingest.summary() == {"stored": len(files) - 20, "duplicate": 0, "rejected": 0}
    assert Series.objects.get().instance_count == len(files) == Instance.objects.count()
    assert [a.status for a in Analysis.objects.all()] == [AnalysisStatus.QUEUED]


def test_wrong_password_is_a_clear_error_and_stores_nothing(
    pacs_archive: Archive, make_connection: MakeConnection
) -> None:
    connection = make_connection(password="not-the-password")
    with pytest.raises(PacsError) as caught:
        pull_studies(connection=connection, since=RANGE[0], until=RANGE[1])
    message = str(caught.value)
    assert message == (
        "PACS 'test-pacs' answered HTTP 401 Unauthorized while searching studies: "
        "check the user name and password"
    )
    connection.refresh_from_db()
    assert connection.last_error == message and connection.last_pull_at is None
    assert Study.objects.count() == Instance.objects.count() == Analysis.objects.count() == 0
    assert staged_leftovers() == []


def test_stopped_orthanc_is_unreachable(
    pacs_archive: Archive, make_connection: MakeConnection, tmp_path: Path
) -> None:
    gone = OrthancServer(tmp_path / "gone")
    gone.start()
    gone.stop()
    connection = make_connection("gone", base_url=gone.dicomweb_url)
    with pytest.raises(PacsError, match=r"^PACS 'gone' is unreachable at http://127\.0\.0\.1:\d+/dicom-web "):
        pull_studies(connection=connection, since=RANGE[0], until=RANGE[1])
    connection.refresh_from_db()
    assert "connection refused" in connection.last_error
    assert Instance.objects.count() == 0


def test_pacs_pull_command_end_to_end(pacs_archive: Archive, make_connection: MakeConnection) -> None:
    make_connection("main")
    make_connection("switched-off", password="wrong", enabled=False)
    out = StringIO()
    call_command("pacs_pull", since="2024-03-01", until="2024-03-10", stdout=out)
    assert out.getvalue().startswith(
        "main: 2024-03-01..2024-03-10: 3 studies (1 without CT skipped), 3 CT series"
    )
    assert "switched-off" not in out.getvalue()
    assert_stored_as_pulled(pacs_archive, ("a", "b", "c"))

    err = StringIO()
    with pytest.raises(CommandError, match="pull failed for 1 of 1: switched-off"):
        call_command(
            "pacs_pull", since="2024-03-01", connection="switched-off", stdout=StringIO(), stderr=err
        )
    assert "switched-off: failed: PACS 'switched-off' answered HTTP 401" in err.getvalue()


def test_schedule_pulls_from_yesterday_and_then_waits(
    pacs_archive: Archive, make_connection: MakeConnection
) -> None:
    connection = make_connection(pull_every_minutes=15)
    [pulled] = pull_due_connections()
    assert pulled.report is not None and pulled.report.since < pulled.report.until == timezone.localdate()
    assert {s.study_instance_uid for s in Study.objects.all()} == pacs_archive.uids("today")
    connection.refresh_from_db()
    assert connection.pulled_through == timezone.localdate() and connection.last_error == ""
    assert pull_due_connections() == []  # not due again for 15 minutes
    assert tasks.pull_pacs() == "no PACS connection due"


def test_admin_tests_the_connection_and_queues_a_pull_now(
    pacs_archive: Archive, make_connection: MakeConnection, client_for: Callable[[Role | None], Client]
) -> None:
    good = make_connection("good")
    bad = make_connection("bad", password="wrong")
    admin = client_for(Role.ADMIN)
    url = "/admin/studies/pacsconnection/"
    page = admin.post(
        url, {"action": "check_connections", "_selected_action": [good.pk, bad.pk]}, follow=True
    ).content.decode()
    assert "PACS &#x27;good&#x27; answered at" in page
    assert "PACS &#x27;bad&#x27; answered HTTP 401 Unauthorized" in page
    assert Instance.objects.count() == 0

    admin.post(url, {"action": "pull_now", "_selected_action": [good.pk]}, follow=True)
    [message] = OrmQ.objects.all()
    task = SignedPackage.loads(message.payload)
    assert task["func"] == "studies.tasks.pull_pacs_connection"
    summary = tasks.pull_pacs_connection(*task["args"])  # what the worker would run
    assert summary.startswith("good: ") and " 1 studies (0 without CT skipped), 1 CT series" in summary
    assert {s.study_instance_uid for s in Study.objects.all()} == pacs_archive.uids("today")


def test_a_pulled_series_is_analysed_by_the_queued_task(
    pacs_archive: Archive, make_connection: MakeConnection
) -> None:
    pull_studies(connection=make_connection(), since=RANGE[0], until=RANGE[1], page_size=2)
    queued = Analysis.objects.order_by("pk").first()
    assert queued is not None and queued.status == AnalysisStatus.QUEUED
    assert tasks.run_analysis(queued.pk) == AnalysisStatus.DONE  # what the worker runs, same process
    done = Analysis.objects.get(pk=queued.pk)
    assert (
        done.eligible is True
        and done.document.body["schema"] == "vcf-analysis/1"
        and done.findings.count() > 0
    )
