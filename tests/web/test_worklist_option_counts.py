"""The worklist's option counts: one aggregate per distinct (reader, kind) pair, "me" a plain count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studies.selectors.reviews import WorklistFilters
from studies.selectors.worklist_page import option_counts
from studies.services.reviews import start_read

pytestmark = pytest.mark.django_db


def _aggregates(captured: CaptureQueriesContext) -> int:
    return sum(1 for query in captured.captured_queries if "FILTER (WHERE" in query["sql"])


def test_without_filters_one_aggregate_and_one_count_answer_every_option(make_review, people) -> None:
    make_review(grade=3)
    mine = make_review(grade=2)
    make_review(grade=0)
    start_read(review_id=mine.pk, reader=people["junior"])
    with CaptureQueriesContext(connection) as captured:
        counts = option_counts(WorklistFilters(), me=people["junior"])
    assert _aggregates(captured) == 1 and len(captured.captured_queries) == 2
    assert counts.counts["all"] == 3 and counts.counts["grade_3"] == 1
    assert counts.by_kind == {"": 3, "flagged": 2, "audit": 1}
    assert counts.by_reader == {"": 3, "me": 1}


def test_reader_and_kind_filters_still_count_apart(make_review, people) -> None:
    mine = make_review(grade=3)
    make_review(grade=1)
    audited = make_review(grade=0)
    for review in (mine, audited):
        start_read(review_id=review.pk, reader=people["junior"])
    filters = WorklistFilters(reader_id=people["junior"].pk, audit=False)
    with CaptureQueriesContext(connection) as captured:
        counts = option_counts(filters, me=people["junior"])
    # (me, flagged) twice, (me, any kind) and (anyone, flagged): three distinct pairs, no count.
    assert _aggregates(captured) == 3 and len(captured.captured_queries) == 3
    assert counts.counts["all"] == 1
    assert counts.by_kind == {"": 2, "flagged": 1, "audit": 1}
    assert counts.by_reader == {"": 2, "me": 1}
