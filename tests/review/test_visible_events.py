"""The audit trail as each person may see it: another reader's decision stays hidden while blind."""

from __future__ import annotations

import pytest

from studies.selectors.reviews import review_detail, review_state, visible_events
from studies.services.reviews import start_read
from tests.review.cases import FALSE_L1, TRUE_L1, submit

pytestmark = pytest.mark.django_db


def decisions_seen(review_id: int, user) -> list[str | None]:
    review = review_detail(review_id=review_id)
    assert review is not None
    return [e.detail.get("decision") for e in visible_events(review, user) if e.action == "read_submitted"]


def test_decisions_in_the_trail_follow_blindness(flagged_review, readers) -> None:
    _, review = flagged_review()
    junior, senior = readers["junior"], readers["senior"]
    first = start_read(review_id=review.pk, reader=junior)
    second = start_read(review_id=review.pk, reader=senior)
    submit(first, junior, TRUE_L1)
    assert decisions_seen(review.pk, junior) == ["tp"]
    assert decisions_seen(review.pk, senior) == [None]
    submit(second, senior, FALSE_L1)
    assert decisions_seen(review.pk, senior) == ["tp", "fp"]
    assert decisions_seen(review.pk, readers["senior2"]) == ["tp", "fp"]


def test_review_state_names(flagged_review, readers) -> None:
    _, review = flagged_review()
    assert review_state(review) == "unread"
    start_read(review_id=review.pk, reader=readers["junior"])
    review.refresh_from_db()
    assert review_state(review) == "reading"
