"""Starting and submitting a read through the API leaves one event per request."""

from __future__ import annotations

import pytest

from studies.models import AuditAction
from tests.api.test_review_api import TRUE_L1_JSON, put_read
from tests.audit.conftest import client_of, only_event

pytestmark = pytest.mark.django_db


def test_a_read_started_and_submitted_is_recorded(flagged_review, readers) -> None:
    _, review = flagged_review()
    junior = client_of(readers["junior"])
    read = junior.post(f"/api/v1/reviews/{review.pk}/reads/").json()
    started = only_event(route="api-review-reads")
    assert (started.actor, started.action) == (readers["junior"], AuditAction.CREATE)
    assert (started.target_kind, started.target_id) == ("review", str(review.pk))

    response = put_read(junior, read["id"], version=0, decisions=TRUE_L1_JSON, submit=True)
    assert response.status_code == 200, response.content
    submitted = only_event(route="api-read")
    assert (submitted.actor, submitted.action, submitted.method) == (
        readers["junior"],
        AuditAction.CHANGE,
        "PUT",
    )
    assert (submitted.target_kind, submitted.target_id) == ("read", str(read["id"]))
