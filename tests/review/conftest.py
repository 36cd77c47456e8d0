"""Flagged analyses with their review opened, and readers of each kind."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from studies.models import CaseReview, User
from studies.roles import Role
from studies.services.reviews import open_review
from tests.columns import Column


@pytest.fixture
def flagged_review(make_column) -> Callable[..., tuple[Column, CaseReview]]:
    def make(**column_options: object) -> tuple[Column, CaseReview]:
        column = make_column(**{"l1_anterior": 12.0, **column_options})
        review = open_review(analysis_id=column.analysis.pk)
        assert review is not None
        return column, review

    return make


@pytest.fixture
def readers(make_user) -> dict[str, User]:
    return {
        "junior": make_user(Role.RADIOLOGIST, username="junior"),
        "junior2": make_user(Role.RADIOLOGIST, username="junior2"),
        "senior": make_user(Role.SENIOR_RADIOLOGIST, username="senior"),
        "senior2": make_user(Role.SENIOR_RADIOLOGIST, username="senior2"),
    }
