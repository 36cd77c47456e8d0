"""Agreement closes with the senior's read as the final one; disagreement waits for the senior."""

from __future__ import annotations

import pytest

from studies.models import CaseDecision, ReadKind, ReviewEvent, ReviewOutcome, ReviewStatus
from studies.services.review_outcomes import start_consensus
from studies.services.reviews import DecisionInput, ReviewError, start_read
from tests.review.cases import FALSE_L1, TRUE_L1, double_read, submit

pytestmark = pytest.mark.django_db


def test_agreement_keeps_the_seniors_read_as_final(flagged_review, readers) -> None:
    _, review = flagged_review()
    junior_says = [DecisionInput(level="L1", is_fracture=True, grade=3, reported=True)]
    senior_says = [DecisionInput(level="L1", is_fracture=True, grade=3, reported=False)]
    # The senior reads first here: "final" follows seniority, not the order of the reads.
    senior_read, _ = double_read(review, (readers["senior"], senior_says), (readers["junior"], junior_says))
    assert review.status == ReviewStatus.CLOSED and review.reads_agreed is True
    assert review.decision == CaseDecision.TRUE_POSITIVE and review.closed_at is not None
    closed = ReviewEvent.objects.get(review=review, action="closed")
    assert closed.detail["final_read"] == senior_read.pk and closed.detail["agreed"] is True
    outcome = ReviewOutcome.objects.get(review=review)
    assert outcome.reported is False and review.fracture_reported is False


def test_agreement_ignores_differing_false_positive_reasons(flagged_review, readers) -> None:
    _, review = flagged_review()
    other = [
        DecisionInput(level="L1", is_fracture=False, false_positive_reason="other", false_positive_note="x")
    ]
    double_read(review, (readers["junior"], other), (readers["senior"], FALSE_L1))
    assert review.status == ReviewStatus.CLOSED and review.decision == CaseDecision.FALSE_POSITIVE
    outcome = ReviewOutcome.objects.get(review=review)
    assert not outcome.is_fracture and outcome.false_positive_reason == "sclerotic_metastasis"
    assert outcome.prior_status == "" and review.fracture_reported is None


def test_a_different_grade_is_a_disagreement(flagged_review, readers) -> None:
    _, review = flagged_review()
    grade_two = [DecisionInput(level="L1", is_fracture=True, grade=2)]
    double_read(review, (readers["junior"], TRUE_L1), (readers["senior"], grade_two))
    assert review.status == ReviewStatus.CONSENSUS and review.reads_agreed is False
    assert review.decision == "" and not ReviewOutcome.objects.filter(review=review).exists()


def test_consensus_is_prefilled_and_its_submission_closes_the_case(flagged_review, readers) -> None:
    _, review = flagged_review()
    double_read(review, (readers["junior"], TRUE_L1), (readers["senior"], FALSE_L1))
    consensus = start_consensus(review_id=review.pk, senior=readers["senior2"])
    assert consensus.kind == ReadKind.CONSENSUS and consensus.reader_is_senior
    # Prefilled from the senior's read, not the junior's.
    [prefilled] = consensus.vertebrae.all()
    assert not prefilled.is_fracture and prefilled.false_positive_reason == "sclerotic_metastasis"
    assert start_consensus(review_id=review.pk, senior=readers["senior2"]).pk == consensus.pk
    with pytest.raises(ReviewError, match="senior2 is already resolving"):
        start_consensus(review_id=review.pk, senior=readers["senior"])
    submit(
        consensus, readers["senior2"], [DecisionInput(level="L1", is_fracture=True, grade=3, reported=False)]
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.CLOSED and review.decision == CaseDecision.TRUE_POSITIVE
    assert review.reads_agreed is False
    closed = ReviewEvent.objects.get(review=review, action="closed")
    assert (
        closed.detail
        == {
            "decision": "tp",
            "agreed": False,
            "final_read": consensus.pk,
        }
        and closed.actor == readers["senior2"]
    )
    assert ReviewOutcome.objects.get(review=review).grade == 3


def test_consensus_only_when_the_reads_disagree(flagged_review, readers) -> None:
    _, review = flagged_review()
    with pytest.raises(ReviewError, match="does not wait for a consensus"):
        start_consensus(review_id=review.pk, senior=readers["senior"])
    start_read(review_id=review.pk, reader=readers["junior"])
    with pytest.raises(ReviewError, match="does not wait"):
        start_consensus(review_id=review.pk, senior=readers["senior"])


def test_no_third_read_once_both_are_in(flagged_review, readers) -> None:
    _, review = flagged_review()
    double_read(review, (readers["junior"], TRUE_L1), (readers["senior"], FALSE_L1))
    with pytest.raises(ReviewError, match="already in"):
        start_read(review_id=review.pk, reader=readers["senior2"])


def test_a_submitted_read_is_final(flagged_review, readers) -> None:
    _, review = flagged_review()
    read = start_read(review_id=review.pk, reader=readers["junior"])
    read = submit(read, readers["junior"], TRUE_L1)
    with pytest.raises(ReviewError, match="submitted"):
        submit(read, readers["junior"], FALSE_L1)
