"""django-q2 task functions. Each one calls a service and nothing else."""

from __future__ import annotations

from studies.runtime import analyzer_for_this_process
from studies.services.analyses import run_analysis as run_analysis_service


def run_analysis(analysis_id: int) -> str:
    analysis = run_analysis_service(analysis_id=analysis_id, analyzer=analyzer_for_this_process())
    return "nothing to do" if analysis is None else analysis.status
