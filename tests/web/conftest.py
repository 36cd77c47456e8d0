"""Reviews for the worklist and review page tests: opened on finished analyses of box columns."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from studies.models import CaseReview, ReviewReason, User, VertebraFinding, VertebraLevel
from studies.roles import Role
from studies.services.reviews import open_review

# l1_anterior (mm of 25) for each tool grade: VHL 52 %, 32 %, 22 %, 0 %.
ANTERIOR_FOR_GRADE = {3: 12.0, 2: 17.0, 1: 19.5, 0: 25.0}


@pytest.fixture
def make_review(make_column) -> Callable[..., CaseReview]:
    def make(
        *,
        grade: int = 3,
        study_date: date | None = date(2025, 2, 3),
        uncertain: bool = False,
        new: bool = False,
        known: bool = False,
        report: str = "",
    ) -> CaseReview:
        column = make_column(l1_anterior=ANTERIOR_FOR_GRADE[grade])
        study = column.analysis.series.study
        study.study_date = study_date
        study.report_text = report
        study.save(update_fields=["study_date", "report_text"])
        if uncertain:
            VertebraFinding.objects.filter(analysis=column.analysis, level=VertebraLevel.L1).update(
                uncertain=True
            )
        if grade == 0:  # a negative drawn for audit
            review = CaseReview.objects.create(analysis=column.analysis, reason=ReviewReason.AUDIT)
        else:
            opened = open_review(analysis_id=column.analysis.pk)
            assert opened is not None
            review = opened
        CaseReview.objects.filter(pk=review.pk).update(has_new_fracture=new, has_known_fracture=known)
        review.refresh_from_db()
        return review

    return make


@pytest.fixture
def people(make_user) -> dict[str, User]:
    return {
        "junior": make_user(Role.RADIOLOGIST, username="junior"),
        "junior2": make_user(Role.RADIOLOGIST, username="junior2"),
        "senior": make_user(Role.SENIOR_RADIOLOGIST, username="senior"),
        "senior2": make_user(Role.SENIOR_RADIOLOGIST, username="senior2"),
        "lead": make_user(Role.DEPARTMENT_LEAD, username="lead"),
        "ir": make_user(Role.INTERVENTIONAL_RADIOLOGIST, username="ir"),
    }
