"""Process-wide resources of a queue worker: the Analyzer is loaded once per process and reused."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from inference.pipeline.analyzer import Analyzer, model_version


@cache
def analyzer_for_this_process() -> Analyzer:
    return Analyzer(device=settings.VCF_ANALYSIS_DEVICE)


@cache
def current_model_version() -> str:
    """The version the shipped weights will stamp on results (read from the checkpoint headers)."""
    return model_version()
