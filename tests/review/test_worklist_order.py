"""The worklist: grade 3 before 2 before 1 (audited negatives last), then the oldest study first."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings

from studies.models import Study
from studies.selectors.reviews import WorklistFilters, worklist, worklist_counts
from studies.services.reviews import open_review, start_read
from tests.review.cases import FALSE_L1, TRUE_L1, double_read

pytestmark = pytest.mark.django_db

# L1 anterior height (of 25 mm) → VHL → grade: 19 → 24 % → 1, 17 → 32 % → 2, 12 → 52 % → 3.
ANTERIOR_FOR_GRADE = {0: 25.0, 1: 19.0, 2: 17.0, 3: 12.0}


@pytest.fixture
def cases(make_column):
    def make(grade: int, day: date):
        column = make_column(l1_anterior=ANTERIOR_FOR_GRADE[grade])
        Study.objects.filter(series__analyses=column.analysis).update(study_date=day)
        review = open_review(analysis_id=column.analysis.pk)
        assert review is not None
        return review

    return make


@override_settings(VCF_AUDIT_NEGATIVE_PERCENT=100)
def test_severest_first_then_oldest_study(cases) -> None:
    made = {
        "g1-old": cases(1, date(2024, 1, 5)),
        "g3-new": cases(3, date(2024, 6, 1)),
        "g0-old": cases(0, date(2023, 1, 1)),
        "g2-new": cases(2, date(2024, 5, 1)),
        "g3-old": cases(3, date(2024, 2, 1)),
        "g2-old": cases(2, date(2024, 1, 1)),
        "g1-new": cases(1, date(2024, 3, 1)),
    }
    names = {review.pk: name for name, review in made.items()}
    order = [names[r.pk] for r in worklist(WorklistFilters())]
    assert order == ["g3-old", "g3-new", "g2-old", "g2-new", "g1-old", "g1-new", "g0-old"]


@override_settings(VCF_AUDIT_NEGATIVE_PERCENT=100)
def test_counts_and_filters(cases, readers) -> None:
    unread = cases(3, date(2024, 1, 1))
    reading = cases(2, date(2024, 2, 1))
    consensus = cases(3, date(2024, 3, 1))
    closed = cases(3, date(2024, 4, 1))
    audit = cases(0, date(2024, 5, 1))
    start_read(review_id=reading.pk, reader=readers["junior"])
    double_read(consensus, (readers["junior"], TRUE_L1), (readers["senior"], FALSE_L1))
    double_read(closed, (readers["senior"], TRUE_L1), (readers["junior2"], TRUE_L1))

    counts = worklist_counts(WorklistFilters())
    assert counts["all"] == 5 and counts["grade_3"] == 3 and counts["grade_2"] == 1
    assert counts["grade_1"] == 0 and counts["grade_0"] == 1 and counts["audit"] == 1
    assert [counts[f"state_{s}"] for s in ("unread", "reading", "consensus", "closed")] == [2, 1, 1, 1]
    assert counts["uncertain"] == 0 and counts["new"] == 0 and counts["known"] == 0

    def ids(**filters: object) -> list[int]:
        return [r.pk for r in worklist(WorklistFilters(**filters))]  # type: ignore[arg-type]

    assert ids(state="unread") == [unread.pk, audit.pk]
    assert ids(state="reading") == [reading.pk]
    assert ids(state="consensus") == [consensus.pk]
    assert ids(state="closed") == [closed.pk]
    assert ids(grade=3, state="unread") == [unread.pk]
    assert ids(audit=True) == [audit.pk]
    assert set(ids(reader_id=readers["junior"].pk)) == {reading.pk, consensus.pk}
    assert set(ids(reader_id=readers["senior"].pk)) == {consensus.pk, closed.pk}
    assert ids(date_from=date(2024, 2, 1), date_to=date(2024, 3, 31)) == [consensus.pk, reading.pk]
    # Counts keep the reader and kind filters, not the others (each choice shows what it would give).
    mine = worklist_counts(WorklistFilters(reader_id=readers["senior"].pk, state="closed"))
    assert mine["all"] == 2 and mine["state_consensus"] == 1 and mine["state_closed"] == 1


def test_uncertain_and_novelty_filters(cases, make_column) -> None:
    plain = cases(3, date(2024, 1, 1))
    doubtful = cases(2, date(2024, 1, 2))
    finding = doubtful.analysis.findings.get(level=20)
    finding.uncertain = True
    finding.save()
    assert [r.pk for r in worklist(WorklistFilters(uncertain=True))] == [doubtful.pk]
    assert [r.pk for r in worklist(WorklistFilters(uncertain=False))] == [plain.pk]
    assert worklist_counts(WorklistFilters())["uncertain"] == 1
    # No earlier study: neither new nor known.
    assert not list(worklist(WorklistFilters(novelty="new")))
    assert not list(worklist(WorklistFilters(novelty="known")))
