"""Two people moving one referral at once: one wins, the other gets ReferralConflict.

The threaded test needs PostgreSQL (row locks, concurrent transactions); it is skipped on SQLite.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections  # noqa: F401 (connection: the skipif condition)

from studies.models import Referral, ReferralEvent, ReferralStatus
from studies.services.referrals import ReferralConflict, assess, decide, transition
from tests.referrals.cases import bring_to

TIMEOUT_S = 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "stale"),
    [
        ("scheduled", "lost"),  # the stale move would still be legal
        ("declined", "scheduled"),  # it would now be illegal: still a conflict, not a rule error
    ],
)
def test_a_move_from_a_stale_version_is_a_conflict_and_keeps_the_first(
    grade3_referral, ir_doctors, first: str, stale: str
) -> None:
    referral = bring_to(grade3_referral(), ReferralStatus.ELIGIBLE, ir_doctors["ir1"], ir_doctors["ir2"])
    loaded = referral.version
    transition(referral_id=referral.pk, actor=ir_doctors["ir1"], to=first, version=loaded)
    with pytest.raises(ReferralConflict, match="reload"):
        transition(referral_id=referral.pk, actor=ir_doctors["ir2"], to=stale, version=loaded)
    referral.refresh_from_db()
    assert (referral.status, referral.version) == (first, loaded + 1)
    assert ReferralEvent.objects.filter(referral=referral, to_status=stale).count() == 0


@pytest.mark.django_db
def test_a_stale_decision_is_a_conflict(grade3_referral, ir_doctors) -> None:
    referral = bring_to(grade3_referral(), ReferralStatus.IN_ASSESSMENT, ir_doctors["ir1"], ir_doctors["ir2"])
    stale = referral.version
    assess(referral_id=referral.pk, assessor=ir_doctors["ir2"], eligibility="yes")
    Referral.objects.filter(pk=referral.pk).update(version=stale + 1)  # someone saved meanwhile
    with pytest.raises(ReferralConflict):
        decide(referral_id=referral.pk, actor=ir_doctors["ir1"], eligible=True, version=stale)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.IN_ASSESSMENT


postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="concurrent transactions need PostgreSQL"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_moves_one_wins_one_conflicts(grade3_referral, ir_doctors) -> None:
    referral = bring_to(grade3_referral(), ReferralStatus.ELIGIBLE, ir_doctors["ir1"], ir_doctors["ir2"])
    loaded = referral.version
    barrier = threading.Barrier(2, timeout=TIMEOUT_S)
    results: dict[str, Any] = {}

    def move(name: str, to: str) -> None:
        try:
            barrier.wait()
            results[name] = transition(
                referral_id=referral.pk, actor=ir_doctors[name], to=to, version=loaded
            ).status
        except Exception as error:  # the test inspects what each side got
            results[name] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=move, args=("ir1", "scheduled"), daemon=True),
        threading.Thread(target=move, args=("ir2", "declined"), daemon=True),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_S)
    assert set(results) == {"ir1", "ir2"}
    conflicts = [r for r in results.values() if isinstance(r, ReferralConflict)]
    winners = [r for r in results.values() if isinstance(r, str)]
    assert len(conflicts) == 1 and len(winners) == 1, results
    referral.refresh_from_db()
    assert referral.status == winners[0] and referral.version == loaded + 1
    assert ReferralEvent.objects.filter(referral=referral, from_status="eligible").count() == 1
