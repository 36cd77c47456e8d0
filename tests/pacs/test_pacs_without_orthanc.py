"""PACS plumbing that needs no archive: the schedule and which connections are due, the command's
argument errors, an unreachable PACS (a closed 127.0.0.1 port), and the admin pages and actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django_q.models import Schedule

from studies import tasks
from studies.models import Analysis, AnalysisStatus, PacsAuth, PacsConnection, Study
from studies.roles import Role
from studies.services.pacs import PacsError, check_connection, pull_due_connections
from tests.pacs.orthanc import free_port

pytestmark = pytest.mark.django_db

ADMIN_URL = "/admin/studies/pacsconnection/"
SECRET = "s3cret-Value-42"


def unreachable(name: str, **fields: object) -> PacsConnection:
    """A connection to a 127.0.0.1 port nothing listens on."""
    values: dict[str, object] = {"base_url": f"http://127.0.0.1:{free_port()}/dicom-web"}
    values.update(fields)
    return PacsConnection.objects.create(name=name, **values)


def test_setup_schedules_creates_one_pull_schedule_and_repairs_it() -> None:
    out = StringIO()
    call_command("setup_schedules", stdout=out)
    assert "'pacs-pull' created" in out.getvalue()
    schedule = Schedule.objects.get(name="pacs-pull")
    assert (schedule.func, schedule.schedule_type, schedule.minutes, schedule.repeats) == (
        "studies.tasks.pull_pacs",
        Schedule.MINUTES,
        1,
        -1,
    )
    Schedule.objects.filter(pk=schedule.pk).update(minutes=7, func="elsewhere.task")
    Schedule.objects.create(name="pacs-pull", func="studies.tasks.pull_pacs", schedule_type=Schedule.HOURLY)
    out = StringIO()
    call_command("setup_schedules", stdout=out)
    assert "'pacs-pull' up to date" in out.getvalue()
    [again] = Schedule.objects.filter(name="pacs-pull")
    assert again.pk == schedule.pk and (again.func, again.minutes) == ("studies.tasks.pull_pacs", 1)


def test_only_enabled_connections_past_their_interval_are_pulled() -> None:
    now = timezone.now()
    never = unreachable("never-pulled")
    stale = unreachable("stale", last_pull_at=now - timedelta(minutes=20), pull_every_minutes=15)
    recent = unreachable("recent", last_pull_at=now - timedelta(minutes=5), pull_every_minutes=15)
    off = unreachable("off", enabled=False)

    pulls = pull_due_connections(now=now)
    assert [(p.connection, p.report) for p in pulls] == [("never-pulled", None), ("stale", None)]
    assert all(" is unreachable at http://127.0.0.1:" in p.error for p in pulls)
    for connection in (never, stale, recent, off):
        connection.refresh_from_db()
    assert never.last_pull_at == stale.last_pull_at == now  # claimed: not tried again at every tick
    assert never.last_error == pulls[0].error and "(connection refused)" in never.last_error
    assert recent.last_error == off.last_error == "" and off.last_pull_at is None
    assert pull_due_connections(now=now + timedelta(minutes=1)) == []
    later = pull_due_connections(now=now + timedelta(minutes=11))  # "recent" was pulled 16 minutes before
    assert [p.connection for p in later] == ["recent"]


def test_schedule_task_reports_when_nothing_is_due() -> None:
    assert tasks.pull_pacs() == "no PACS connection due"
    unreachable("down")
    assert tasks.pull_pacs().startswith("down: PACS 'down' is unreachable at ")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"since": "2024-13-01"}, "'2024-13-01' is not a date; write it as YYYY-MM-DD"),
        ({"since": "2024-03-10", "until": "2024-03-01"}, "--since 2024-03-10 is after --until 2024-03-01"),
        ({"since": "2024-03-01", "connection": "nope"}, "no PACS connection named 'nope' (known: down)"),
        ({"since": "2024-03-01"}, "no enabled PACS connection"),
    ],
)
def test_pacs_pull_command_refuses_bad_arguments(arguments: dict[str, str], message: str) -> None:
    unreachable("down", enabled=False)
    with pytest.raises(CommandError) as caught:
        call_command("pacs_pull", stdout=StringIO(), stderr=StringIO(), **arguments)
    assert str(caught.value).startswith(message)


def test_pacs_pull_command_reports_an_unreachable_pacs() -> None:
    unreachable("down")
    err = StringIO()
    with pytest.raises(CommandError, match=r"^pull failed for 1 of 1: down$"):
        call_command("pacs_pull", since="2024-03-01", until="2024-03-02", stdout=StringIO(), stderr=err)
    assert err.getvalue().startswith("down: failed: PACS 'down' is unreachable at http://127.0.0.1:")
    assert Study.objects.count() == 0


def test_check_connection_names_what_failed() -> None:
    with pytest.raises(PacsError, match=r"^PACS 'down' is unreachable at .* \(connection refused\)$"):
        check_connection(connection=unreachable("down"))


@pytest.fixture
def admin_client(client_for: Callable[[Role | None], Client]) -> Client:
    return client_for(Role.ADMIN)


def form_data(connection: PacsConnection, **changes: str) -> dict[str, str]:
    data = {
        "name": connection.name,
        "base_url": connection.base_url,
        "auth": connection.auth,
        "username": connection.username,
        "secret": "",
        "enabled": "on",
        "pull_every_minutes": str(connection.pull_every_minutes),
        "modality": connection.modality,
        "pulled_through": "",
        "_save": "Save",
    }
    data.update(changes)
    return data


def test_admin_never_shows_the_secret_and_keeps_it_unless_changed(admin_client: Client) -> None:
    connection = unreachable("pacs", auth=PacsAuth.BASIC, username="reader", secret=SECRET)
    change_url = f"{ADMIN_URL}{connection.pk}/change/"
    for url in (ADMIN_URL, change_url):
        page = admin_client.get(url)
        assert page.status_code == 200 and SECRET not in page.content.decode()

    assert admin_client.post(change_url, form_data(connection)).status_code == 302
    connection.refresh_from_db()
    assert connection.secret == SECRET

    admin_client.post(change_url, form_data(connection, secret="new-one"))
    connection.refresh_from_db()
    assert connection.secret == "new-one"

    admin_client.post(change_url, form_data(connection, auth=PacsAuth.NONE))
    connection.refresh_from_db()
    assert (connection.auth, connection.secret) == (PacsAuth.NONE, "")


def test_admin_form_asks_for_what_the_authentication_needs(admin_client: Client) -> None:
    connection = unreachable("pacs")
    page = admin_client.post(
        f"{ADMIN_URL}{connection.pk}/change/", form_data(connection, auth=PacsAuth.BASIC, username="")
    )
    assert page.status_code == 200
    errors = page.context["adminform"].form.errors
    assert errors["username"] == ["HTTP basic authentication needs a user name."]
    assert errors["secret"] == ["This authentication needs a password or token."]
    connection.refresh_from_db()
    assert connection.auth == PacsAuth.NONE


def test_admin_test_action_shows_the_error(admin_client: Client) -> None:
    connection = unreachable("down")
    page = admin_client.post(
        ADMIN_URL, {"action": "check_connections", "_selected_action": [connection.pk]}, follow=True
    )
    [message] = list(page.context["messages"])
    assert message.level_tag == "error" and "PACS 'down' is unreachable at" in message.message


def test_admin_requeues_only_failed_analyses(admin_client: Client, make_study: Callable[..., Study]) -> None:
    series = make_study().series.get()
    failed = Analysis.objects.create(
        series=series, model_version="m1", status=AnalysisStatus.FAILED, error="x"
    )
    running = Analysis.objects.create(series=series, model_version="m2", status=AnalysisStatus.RUNNING)
    page = admin_client.post(
        "/admin/studies/analysis/",
        {"action": "requeue_failed", "_selected_action": [failed.pk, running.pk]},
        follow=True,
    )
    [message] = list(page.context["messages"])
    assert message.message == "1 failed analyses re-queued; 1 were not failed and were left as they were."
    failed.refresh_from_db()
    running.refresh_from_db()
    assert (failed.status, failed.error, running.status) == (
        AnalysisStatus.QUEUED,
        "",
        AnalysisStatus.RUNNING,
    )
