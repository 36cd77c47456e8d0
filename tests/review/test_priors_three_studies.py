"""One patient, three studies: L1 mild, then stable with a new T12, then progressed."""

from __future__ import annotations

from datetime import date

import pytest

from studies.models import Patient, PriorStatus, ReviewOutcome, ReviewStatus
from studies.selectors.priors import priors_for
from studies.services.reviews import DecisionInput, open_review
from tests.review.cases import add_study, double_read

pytestmark = pytest.mark.django_db


def close_as_read(column, readers, decisions):
    review = open_review(analysis_id=column.analysis.pk)
    assert review is not None
    double_read(review, (readers["junior"], decisions), (readers["senior"], decisions))
    assert review.status == ReviewStatus.CLOSED
    return review


def outcomes(review) -> dict[str, ReviewOutcome]:
    return {o.get_level_display(): o for o in ReviewOutcome.objects.filter(review=review)}


def fracture(level: str, grade: int) -> DecisionInput:
    return DecisionInput(level=level, is_fracture=True, grade=grade, reported=False)


def test_new_stable_and_progressed_across_three_studies(readers) -> None:
    patient = Patient.objects.create(pseudo_id="P-THREE")
    first = add_study(patient, study_date=date(2023, 1, 10), vhl={"L1": 22.0})
    second = add_study(patient, study_date=date(2023, 7, 10), vhl={"L1": 24.0, "T12": 30.0})
    third = add_study(patient, study_date=date(2024, 1, 10), vhl={"L1": 45.0, "T12": 31.0})

    review_one = close_as_read(first, readers, [fracture("L1", 1)])
    assert not review_one.has_new_fracture and not review_one.has_known_fracture
    assert outcomes(review_one)["L1"].prior_status == PriorStatus.NO_PRIOR
    assert outcomes(review_one)["L1"].prior_height_loss_pct is None

    review_two = close_as_read(second, readers, [fracture("L1", 1), fracture("T12", 2)])
    assert review_two.has_new_fracture and review_two.has_known_fracture
    two = outcomes(review_two)
    assert two["L1"].prior_status == PriorStatus.STABLE  # 24 − 22 < the 10-point margin
    assert two["L1"].prior_height_loss_pct == pytest.approx(22.0)
    assert two["T12"].prior_status == PriorStatus.NEW and two["T12"].prior_height_loss_pct is None

    review_three = close_as_read(third, readers, [fracture("L1", 3), fracture("T12", 2)])
    assert not review_three.has_new_fracture and review_three.has_known_fracture
    three = outcomes(review_three)
    assert three["L1"].prior_status == PriorStatus.PROGRESSED  # 45 − 24 ≥ 10
    assert three["L1"].prior_height_loss_pct == pytest.approx(24.0)  # the latest prior, not the first
    assert three["L1"].height_loss_pct == pytest.approx(45.0)
    assert three["T12"].prior_status == PriorStatus.STABLE
    assert three["T12"].prior_height_loss_pct == pytest.approx(30.0)


def test_a_closed_review_overrides_the_pipeline_in_later_priors(readers) -> None:
    patient = Patient.objects.create(pseudo_id="P-OVERRIDE")
    first = add_study(patient, study_date=date(2023, 1, 10), vhl={"L1": 22.0})
    second = add_study(patient, study_date=date(2023, 7, 10), vhl={"L1": 24.0})
    # The readers say the first study's L1 was no fracture: in the second it counts as new.
    close_as_read(
        first, readers, [DecisionInput(level="L1", is_fracture=False, false_positive_reason="degenerative")]
    )
    assert priors_for(analysis=second.analysis).levels[20].fractured is False
    review_two = close_as_read(second, readers, [fracture("L1", 1)])
    assert outcomes(review_two)["L1"].prior_status == PriorStatus.NEW


def test_priors_follow_the_study_date_not_the_creation_order(readers) -> None:
    patient = Patient.objects.create(pseudo_id="P-ORDER")
    later = add_study(patient, study_date=date(2024, 1, 10), vhl={"L1": 45.0})
    earlier = add_study(patient, study_date=date(2023, 1, 10), vhl={"L1": 22.0})
    assert priors_for(analysis=earlier.analysis).analysed_studies == 0
    review = close_as_read(later, readers, [fracture("L1", 3)])
    assert review.has_known_fracture and not review.has_new_fracture
    assert outcomes(review)["L1"].prior_status == PriorStatus.PROGRESSED
