"""The number of queries does not grow with the number of rows; the whole result is JSON-ready."""

from __future__ import annotations

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from studies.statistics.figures import department_statistics
from tests.statistics.cohort import build_cohort
from tests.statistics.conftest import ALL


def _queries() -> int:
    with CaptureQueriesContext(connection) as captured:
        department_statistics(ALL)
    return len(captured)


def test_query_count_is_constant(cohort) -> None:
    once = _queries()
    build_cohort()
    build_cohort()
    assert _queries() == once
    assert once == 4  # one aggregate per source (analyses, reviews, outcomes) and the timeline


def test_result_is_plain_json(cohort) -> None:
    result = department_statistics(ALL)
    text = json.dumps(result)
    assert "87.0" not in text  # not the paper: our cohort
    assert result["ppv_per_case"]["overall"]["text"] == "66.7 % (95 % CI 9.4–99.2 %)"
    assert result["flowchart"]["collected"] == 11
    assert result["filter"] == {"date_from": None, "date_to": None, "scanner": "", "cancer_site": ""}


def test_tripled_cohort_triples_counts(cohort) -> None:
    build_cohort()
    build_cohort()
    result = department_statistics(ALL)
    assert result["flowchart"]["collected"] == 33
    assert result["ppv_per_case"]["overall"]["k"] == 6 and result["ppv_per_case"]["overall"]["n"] == 9
