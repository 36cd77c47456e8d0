"""Every step of a review leaves an event: who did what."""

from __future__ import annotations

import itertools

import pytest

from studies.models import ReviewEvent
from studies.services.review_outcomes import start_consensus
from studies.services.reviews import DecisionInput, ReviewError, save_read, start_read
from tests.review.cases import FALSE_L1, TRUE_L1, submit

pytestmark = pytest.mark.django_db


def trail(review) -> list[tuple[str | None, str]]:
    return [
        (e.actor.username if e.actor else None, e.action)
        for e in ReviewEvent.objects.filter(review=review).select_related("actor")
    ]


def test_each_step_is_recorded_with_its_actor(flagged_review, readers) -> None:
    junior, senior = readers["junior"], readers["senior"]
    _, review = flagged_review()
    first = start_read(review_id=review.pk, reader=junior)
    save_read(read_id=first.pk, reader=junior, version=first.version, decisions=TRUE_L1, comment="draft")
    second = start_read(review_id=review.pk, reader=senior)
    submit(first, junior, TRUE_L1)
    submit(second, senior, FALSE_L1)
    consensus = start_consensus(review_id=review.pk, senior=senior)
    submit(consensus, senior, [DecisionInput(level="L1", is_fracture=True, grade=2)])
    assert trail(review) == [
        (None, "opened"),
        ("junior", "read_started"),
        ("junior", "read_saved"),
        ("senior", "read_started"),
        ("junior", "read_submitted"),
        ("senior", "read_submitted"),
        ("senior", "disagreement"),
        ("senior", "consensus_started"),
        ("senior", "read_submitted"),
        ("senior", "closed"),
    ]
    events = list(ReviewEvent.objects.filter(review=review))
    assert events[1].detail == {"read": first.pk, "slot": "first_reader"}
    assert events[3].detail == {"read": second.pk, "slot": "second_reader"}
    assert events[4].detail == {"read": first.pk, "decision": "tp"}
    assert events[6].detail == {"reads": [first.pk, second.pk]}
    assert events[-1].detail == {"decision": "tp", "agreed": False, "final_read": consensus.pk}
    assert all(a.at <= b.at for a, b in itertools.pairwise(events))


def test_a_refused_step_leaves_no_event(flagged_review, readers) -> None:
    _, review = flagged_review()
    read = start_read(review_id=review.pk, reader=readers["junior"])
    before = ReviewEvent.objects.count()
    with pytest.raises(ReviewError, match="missing"):
        submit(read, readers["junior"], [])
    assert ReviewEvent.objects.count() == before
