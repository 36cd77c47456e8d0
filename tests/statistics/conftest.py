from __future__ import annotations

import pytest

from studies.statistics.filters import StatisticsFilter
from tests.statistics.cohort import Built, build_cohort

ALL = StatisticsFilter()


@pytest.fixture
def cohort(db) -> Built:
    return build_cohort()
