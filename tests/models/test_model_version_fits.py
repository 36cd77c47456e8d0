"""The shipped models' version string fits the column that stores it (PostgreSQL enforces lengths)."""

from __future__ import annotations

from studies.models import Analysis
from studies.runtime import current_model_version


def test_current_model_version_fits_the_analysis_column() -> None:
    field = Analysis._meta.get_field("model_version")
    assert len(current_model_version()) <= field.max_length
