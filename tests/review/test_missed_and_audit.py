"""Fractures the tool missed, and audited negatives: true or false negative."""

from __future__ import annotations

import pytest
from django.test import override_settings

from studies.models import CaseDecision, ReviewOutcome, ReviewReason, ReviewStatus
from studies.services.reviews import DecisionInput, ReviewError, open_review, start_read
from tests.review.cases import TRUE_L1, double_read, submit

pytestmark = pytest.mark.django_db

MISSED_L3 = DecisionInput(level="L3", is_fracture=True, grade=2, reported=False)


def test_a_fracture_missed_by_the_tool_is_kept_in_the_outcome(flagged_review, readers) -> None:
    _, review = flagged_review()
    both = [*TRUE_L1, MISSED_L3]
    first, _ = double_read(review, (readers["junior"], both), (readers["senior"], both))
    missed = first.vertebrae.get(level=22)
    assert missed.missed_by_tool and missed.finding_id is None
    assert review.status == ReviewStatus.CLOSED and review.decision == CaseDecision.TRUE_POSITIVE
    outcomes = {o.level: o for o in ReviewOutcome.objects.filter(review=review)}
    assert set(outcomes) == {20, 22}
    assert outcomes[22].flagged is False and outcomes[22].finding_id is None
    assert outcomes[22].grade == 2 and outcomes[22].height_loss_pct is None
    assert outcomes[20].flagged is True and outcomes[20].height_loss_pct == pytest.approx(52.0)


def test_only_a_missed_fracture_leaves_the_flag_false(flagged_review, readers) -> None:
    _, review = flagged_review()
    calls = [
        DecisionInput(level="L1", is_fracture=False, false_positive_reason="artefact"),
        MISSED_L3,
    ]
    double_read(review, (readers["junior"], calls), (readers["senior"], calls))
    assert review.decision == CaseDecision.FALSE_POSITIVE


def test_a_level_the_tool_did_not_see_is_only_added_as_a_fracture(flagged_review, readers) -> None:
    _, review = flagged_review()
    read = start_read(review_id=review.pk, reader=readers["junior"])
    with pytest.raises(ReviewError, match="only added as a fracture"):
        submit(
            read,
            readers["junior"],
            [*TRUE_L1, DecisionInput(level="L4", is_fracture=False, false_positive_reason="artefact")],
        )


@override_settings(VCF_AUDIT_NEGATIVE_PERCENT=100)
def test_audited_negative_confirmed_is_a_true_negative(make_column, readers) -> None:
    column = make_column(l1_anterior=25.0)
    review = open_review(analysis_id=column.analysis.pk)
    assert review is not None and review.reason == ReviewReason.AUDIT
    assert not review.has_new_fracture and not review.has_known_fracture
    double_read(review, (readers["junior"], []), (readers["senior"], []))
    assert review.status == ReviewStatus.CLOSED and review.decision == CaseDecision.TRUE_NEGATIVE
    assert review.reads_agreed is True and not ReviewOutcome.objects.filter(review=review).exists()


@override_settings(VCF_AUDIT_NEGATIVE_PERCENT=100)
def test_audited_negative_with_a_fracture_is_a_false_negative(make_column, readers) -> None:
    column = make_column(l1_anterior=25.0)
    review = open_review(analysis_id=column.analysis.pk)
    assert review is not None
    found = [DecisionInput(level="L1", is_fracture=True, grade=1, reported=False)]
    double_read(review, (readers["junior"], found), (readers["senior"], found))
    assert review.decision == CaseDecision.FALSE_NEGATIVE
    outcome = ReviewOutcome.objects.get(review=review)
    assert outcome.flagged is False and outcome.finding_id == column.findings["L1"].pk
    assert outcome.prior_status == "no_prior"


@override_settings(VCF_AUDIT_NEGATIVE_PERCENT=100)
def test_audit_disagreement_goes_to_consensus(make_column, readers) -> None:
    column = make_column(l1_anterior=25.0)
    review = open_review(analysis_id=column.analysis.pk)
    assert review is not None
    found = [DecisionInput(level="L1", is_fracture=True, grade=1)]
    double_read(review, (readers["junior"], found), (readers["senior"], []))
    assert review.status == ReviewStatus.CONSENSUS
