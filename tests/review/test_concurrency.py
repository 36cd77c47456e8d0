"""Concurrent changes: a stale save is a conflict, and simultaneous steps never corrupt a review.

The threaded tests need PostgreSQL (row locks, READ COMMITTED); they are skipped on SQLite. They are
deterministic: a hook holds the first transaction open until the second is seen waiting on a lock
(pg_stat_activity), or both meet at a barrier, so the interleaving is always the same.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, connections

from studies.models import CaseReview, Read, ReadKind, ReviewStatus
from studies.services import reviews as review_services
from studies.services.review_outcomes import start_consensus
from studies.services.reviews import ReviewConflict, ReviewError, save_read, start_read
from tests.review.cases import FALSE_L1, TRUE_L1, double_read, submit

TIMEOUT_S = 10


def test_two_saves_of_the_same_version_keep_the_first(db, flagged_review, readers) -> None:
    _, review = flagged_review()
    junior = readers["junior"]
    read = start_read(review_id=review.pk, reader=junior)
    loaded = read.version
    save_read(read_id=read.pk, reader=junior, version=loaded, decisions=TRUE_L1, comment="first tab")
    with pytest.raises(ReviewConflict, match="reload"):
        save_read(read_id=read.pk, reader=junior, version=loaded, decisions=FALSE_L1, submit=True)
    read.refresh_from_db()
    assert read.version == loaded + 1 and not read.submitted
    assert read.comment == "first tab" and [d.is_fracture for d in read.vertebrae.all()] == [True]


# ---------------------------------------------------------------- threaded (PostgreSQL)

postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="row locks and concurrent transactions need PostgreSQL"
)


def run_in_thread(work: Callable[[], Any], results: dict[str, Any], name: str) -> threading.Thread:
    def target() -> None:
        try:
            results[name] = work()
        except Exception as error:  # the test inspects what each side got
            results[name] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread


def wait_until_someone_waits_on_a_lock() -> None:
    deadline = time.monotonic() + TIMEOUT_S
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0] >= 1:
                return
            time.sleep(0.01)
    raise AssertionError("the second transaction never waited on a lock")


@pytest.fixture
def hold_first(monkeypatch) -> Iterator[Callable[[str], tuple[threading.Event, threading.Event]]]:
    """Pause the first transaction that records ``action`` (still open) until released."""

    def install(action: str) -> tuple[threading.Event, threading.Event]:
        inside, release = threading.Event(), threading.Event()
        original = review_services.record_event
        taken = threading.Lock()

        def record_event(**kwargs: Any) -> None:
            original(**kwargs)
            if kwargs["action"] == action and taken.acquire(blocking=False):
                inside.set()
                release.wait(TIMEOUT_S)

        monkeypatch.setattr(review_services, "record_event", record_event)
        return inside, release

    yield install


def race(
    first: Callable[[], Any], second: Callable[[], Any], inside: threading.Event, release: threading.Event
) -> dict[str, Any]:
    """``first`` runs until its hook, ``second`` starts and blocks on its lock, then both finish."""
    results: dict[str, Any] = {}
    one = run_in_thread(first, results, "first")
    assert inside.wait(TIMEOUT_S)
    two = run_in_thread(second, results, "second")
    try:
        wait_until_someone_waits_on_a_lock()
    finally:
        release.set()
        one.join(TIMEOUT_S)
        two.join(TIMEOUT_S)
    assert not one.is_alive() and not two.is_alive()
    return results


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_one_read_second_is_a_conflict(flagged_review, readers, hold_first) -> None:
    _, review = flagged_review()
    junior = readers["junior"]
    read = start_read(review_id=review.pk, reader=junior)
    loaded = read.version
    inside, release = hold_first("read_saved")
    results = race(
        lambda: save_read(read_id=read.pk, reader=junior, version=loaded, decisions=TRUE_L1, comment="A"),
        lambda: save_read(read_id=read.pk, reader=junior, version=loaded, decisions=FALSE_L1, comment="B"),
        inside,
        release,
    )
    assert isinstance(results["first"], Read)
    assert isinstance(results["second"], ReviewConflict)
    read.refresh_from_db()
    assert read.comment == "A" and read.version == loaded + 1
    assert [d.is_fracture for d in read.vertebrae.all()] == [True]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_readers_taking_the_same_slot_at_once(flagged_review, readers, hold_first) -> None:
    _, review = flagged_review()
    inside, release = hold_first("read_started")
    results = race(
        lambda: start_read(review_id=review.pk, reader=readers["junior"]),
        lambda: start_read(review_id=review.pk, reader=readers["junior2"]),
        inside,
        release,
    )
    assert isinstance(results["first"], Read)
    assert isinstance(results["second"], ReviewConflict)
    review.refresh_from_db()
    assert review.first_reader == readers["junior"] and review.second_reader is None
    assert Read.objects.filter(review=review).count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_still_close_the_case(flagged_review, readers, monkeypatch) -> None:
    """Both submit at the same moment: each transaction alone sees only its own submitted read."""
    _, review = flagged_review()
    junior, senior = readers["junior"], readers["senior"]
    first = start_read(review_id=review.pk, reader=junior)
    second = start_read(review_id=review.pk, reader=senior)
    barrier = threading.Barrier(2, timeout=TIMEOUT_S)
    original = review_services.record_event

    def record_event(**kwargs: Any) -> None:
        original(**kwargs)
        if kwargs["action"] == "read_submitted":
            barrier.wait()  # both reads are updated, neither is committed

    monkeypatch.setattr(review_services, "record_event", record_event)
    results: dict[str, Any] = {}
    threads = [
        run_in_thread(lambda: submit(first, junior, TRUE_L1), results, "junior"),
        run_in_thread(lambda: submit(second, senior, TRUE_L1), results, "senior"),
    ]
    for thread in threads:
        thread.join(TIMEOUT_S)
    assert isinstance(results["junior"], Read) and isinstance(results["senior"], Read)
    review.refresh_from_db()
    assert review.status == ReviewStatus.CLOSED and review.reads_agreed is True


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_seniors_starting_the_consensus_at_once(flagged_review, readers, monkeypatch) -> None:
    _, review = flagged_review()
    double_read(review, (readers["junior"], TRUE_L1), (readers["senior"], FALSE_L1))
    assert review.status == ReviewStatus.CONSENSUS
    inside, release = threading.Event(), threading.Event()
    from studies.services import review_outcomes

    original = review_outcomes.record_event

    def record_event(**kwargs: Any) -> None:
        original(**kwargs)
        if kwargs["action"] == "consensus_started" and not inside.is_set():
            inside.set()
            release.wait(TIMEOUT_S)

    monkeypatch.setattr(review_outcomes, "record_event", record_event)
    results = race(
        lambda: start_consensus(review_id=review.pk, senior=readers["senior"]),
        lambda: start_consensus(review_id=review.pk, senior=readers["senior2"]),
        inside,
        release,
    )
    assert isinstance(results["first"], Read)
    assert isinstance(results["second"], ReviewError), results["second"]
    assert "senior is already resolving" in str(results["second"])
    assert Read.objects.filter(review=review, kind=ReadKind.CONSENSUS).count() == 1
    assert CaseReview.objects.get(pk=review.pk).status == ReviewStatus.CONSENSUS
