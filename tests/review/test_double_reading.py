"""Two blind reads (one senior), agreement closes the case, disagreement goes to the senior."""

from __future__ import annotations

import pytest

from studies.models import CaseDecision, ReviewOutcome, ReviewStatus
from studies.selectors.reviews import review_detail, visible_reads
from studies.services.review_outcomes import start_consensus
from studies.services.reviews import DecisionInput, ReviewConflict, ReviewError, save_read, start_read

pytestmark = pytest.mark.django_db

TRUE_L1 = [DecisionInput(level="L1", is_fracture=True, grade=3, reported=False)]
FALSE_L1 = [DecisionInput(level="L1", is_fracture=False, false_positive_reason="sclerotic_metastasis")]


def submit(read, reader, decisions):
    return save_read(read_id=read.pk, reader=reader, version=read.version, decisions=decisions, submit=True)


def test_agreeing_reads_close_the_case_as_true_positive(flagged_review, readers) -> None:
    _, review = flagged_review()
    first = start_read(review_id=review.pk, reader=readers["junior"])
    second = start_read(review_id=review.pk, reader=readers["senior"])
    submit(first, readers["junior"], TRUE_L1)
    review.refresh_from_db()
    assert review.status == ReviewStatus.OPEN
    submit(second, readers["senior"], TRUE_L1)
    review.refresh_from_db()
    assert review.status == ReviewStatus.CLOSED and review.decision == CaseDecision.TRUE_POSITIVE
    assert review.reads_agreed is True and review.fracture_reported is False
    [outcome] = ReviewOutcome.objects.filter(review=review)
    assert outcome.is_fracture and outcome.grade == 3 and outcome.flagged and outcome.reported is False
    assert outcome.prior_status == "no_prior"


def test_second_read_must_be_senior_when_the_first_is_junior(flagged_review, readers) -> None:
    _, review = flagged_review()
    start_read(review_id=review.pk, reader=readers["junior"])
    with pytest.raises(ReviewError, match="senior"):
        start_read(review_id=review.pk, reader=readers["junior2"])
    start_read(review_id=review.pk, reader=readers["senior"])
    with pytest.raises(ReviewError, match="two readers"):
        start_read(review_id=review.pk, reader=readers["senior2"])


def test_reads_are_blind_until_both_are_in(flagged_review, readers) -> None:
    _, review = flagged_review()
    first = start_read(review_id=review.pk, reader=readers["junior"])
    second = start_read(review_id=review.pk, reader=readers["senior"])
    submit(first, readers["junior"], TRUE_L1)
    detail = review_detail(review_id=review.pk)
    assert [r.pk for r in visible_reads(detail, readers["senior"])] == [second.pk]
    assert [r.pk for r in visible_reads(detail, readers["junior"])] == [first.pk]
    submit(second, readers["senior"], FALSE_L1)
    detail = review_detail(review_id=review.pk)
    assert {r.pk for r in visible_reads(detail, readers["junior"])} == {first.pk, second.pk}


def test_disagreement_is_resolved_by_the_senior(flagged_review, readers) -> None:
    _, review = flagged_review()
    first = start_read(review_id=review.pk, reader=readers["junior"])
    second = start_read(review_id=review.pk, reader=readers["senior"])
    submit(first, readers["junior"], TRUE_L1)
    submit(second, readers["senior"], FALSE_L1)
    review.refresh_from_db()
    assert review.status == ReviewStatus.CONSENSUS and review.reads_agreed is False
    with pytest.raises(ReviewError, match="senior"):
        start_consensus(review_id=review.pk, senior=readers["junior"])
    consensus = start_consensus(review_id=review.pk, senior=readers["senior"])
    assert consensus.decision == CaseDecision.FALSE_POSITIVE  # prefilled from the senior's read
    submit(
        consensus, readers["senior"], [DecisionInput(level="L1", is_fracture=True, grade=2, reported=True)]
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.CLOSED and review.decision == CaseDecision.TRUE_POSITIVE
    assert review.reads_agreed is False and review.fracture_reported is True
    assert ReviewOutcome.objects.get(review=review).grade == 2


def test_a_stale_save_is_a_conflict_not_a_lost_update(flagged_review, readers) -> None:
    _, review = flagged_review()
    read = start_read(review_id=review.pk, reader=readers["junior"])
    loaded = read.version
    save_read(read_id=read.pk, reader=readers["junior"], version=loaded, decisions=TRUE_L1, comment="tab one")
    with pytest.raises(ReviewConflict):
        save_read(
            read_id=read.pk, reader=readers["junior"], version=loaded, decisions=FALSE_L1, comment="tab two"
        )
    read.refresh_from_db()
    assert read.comment == "tab one" and read.vertebrae.get().is_fracture


def test_submitting_needs_every_flagged_vertebra(flagged_review, readers) -> None:
    _, review = flagged_review()
    read = start_read(review_id=review.pk, reader=readers["junior"])
    with pytest.raises(ReviewError, match="missing: L1"):
        submit(read, readers["junior"], [DecisionInput(level="L3", is_fracture=True, grade=1)])
