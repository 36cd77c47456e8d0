"""Which finished analyses get a review: every positive one, and a stable sample of negatives."""

from __future__ import annotations

import pytest
from django.test import override_settings

from studies.models import Analysis, AnalysisStatus, CaseReview, ReviewEvent, ReviewReason
from studies.services.reviews import _drawn_for_audit, open_review

pytestmark = pytest.mark.django_db


@override_settings(VCF_AUDIT_NEGATIVE_PERCENT=0)
def test_a_positive_analysis_is_always_opened(make_column) -> None:
    column = make_column(l1_anterior=19.0)  # 24 % → grade 1
    review = open_review(analysis_id=column.analysis.pk)
    assert review is not None and review.reason == ReviewReason.FLAGGED
    assert review.status == "open" and review.version == 0 and review.first_reader is None
    event = ReviewEvent.objects.get(review=review)
    assert event.action == "opened" and event.actor is None and event.detail == {"reason": "flagged"}


def test_opening_twice_gives_the_same_review(make_column) -> None:
    column = make_column(l1_anterior=12.0)
    first = open_review(analysis_id=column.analysis.pk)
    second = open_review(analysis_id=column.analysis.pk)
    assert first is not None and second is not None and first.pk == second.pk
    assert CaseReview.objects.count() == 1 and ReviewEvent.objects.count() == 1


def test_unfinished_or_unknown_analyses_are_not_opened(make_column) -> None:
    column = make_column(l1_anterior=12.0)
    Analysis.objects.filter(pk=column.analysis.pk).update(status=AnalysisStatus.RUNNING)
    assert open_review(analysis_id=column.analysis.pk) is None
    assert open_review(analysis_id=10**9) is None
    assert not CaseReview.objects.exists()


@override_settings(VCF_AUDIT_NEGATIVE_PERCENT=0)
def test_no_negative_is_audited_at_zero_percent(make_column) -> None:
    analyses = [make_column(l1_anterior=25.0).analysis for _ in range(10)]
    assert all(open_review(analysis_id=a.pk) is None for a in analyses)
    assert not CaseReview.objects.exists()


@override_settings(VCF_AUDIT_NEGATIVE_PERCENT=100)
def test_every_negative_is_audited_at_hundred_percent(make_column) -> None:
    analyses = [make_column(l1_anterior=25.0).analysis for _ in range(10)]
    reviews = [open_review(analysis_id=a.pk) for a in analyses]
    assert all(r is not None and r.reason == ReviewReason.AUDIT for r in reviews)
    assert CaseReview.objects.filter(reason=ReviewReason.AUDIT).count() == 10


@override_settings(VCF_AUDIT_NEGATIVE_PERCENT=50)
def test_the_audit_draw_is_stable_per_series(make_column) -> None:
    analyses = [make_column(l1_anterior=25.0).analysis for _ in range(40)]
    draws = [_drawn_for_audit(a) for a in analyses]
    assert draws == [_drawn_for_audit(Analysis.objects.get(pk=a.pk)) for a in analyses]
    assert 0 < sum(draws) < 40  # about half; all-or-nothing would have odds of 2^-39
    # A new analysis of the same series (another model version) falls the same way.
    again = Analysis.objects.get(pk=analyses[0].pk)
    again.pk, again.model_version = None, "test-model-2"
    again.save()
    assert _drawn_for_audit(again) == draws[0]
    opened = [open_review(analysis_id=a.pk) is not None for a in analyses]
    assert opened == draws


@override_settings(VCF_AUDIT_NEGATIVE_PERCENT=50)
def test_the_share_is_a_threshold_on_the_same_draw(make_column) -> None:
    analyses = [make_column(l1_anterior=25.0).analysis for _ in range(30)]
    with override_settings(VCF_AUDIT_NEGATIVE_PERCENT=20):
        small = {a.pk for a in analyses if _drawn_for_audit(a)}
    large = {a.pk for a in analyses if _drawn_for_audit(a)}
    assert small <= large  # raising the share only adds series to the sample
