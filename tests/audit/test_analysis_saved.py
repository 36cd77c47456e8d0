"""A queue worker saving an analysis' results is recorded as a system change; a stale one is not."""

from __future__ import annotations

import pytest

from inference.pipeline.result import AnalysisResult
from studies.models import Analysis, AnalysisStatus, AuditAction, AuditEvent
from studies.services.analyses import save_result
from tests.audit.conftest import only_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(make_study) -> Analysis:
    series = make_study().series.get()
    return Analysis.objects.create(
        series=series, model_version="test-model", status=AnalysisStatus.RUNNING, attempts=1
    )


def _result(analysis: Analysis) -> AnalysisResult:
    return AnalysisResult.ineligible("test-model", None, analysis.series.series_instance_uid, ["not_axial"])


def test_saving_results_is_a_system_change(running: Analysis) -> None:
    assert save_result(analysis_id=running.pk, attempt=1, result=_result(running)) is True
    event = only_event(target_kind="analysis")
    assert (event.actor, event.action, event.target_id) == (None, AuditAction.CHANGE, str(running.pk))


def test_a_stale_attempt_writes_nothing_and_records_nothing(running: Analysis) -> None:
    assert save_result(analysis_id=running.pk, attempt=2, result=_result(running)) is False
    assert not AuditEvent.objects.exists()
