from __future__ import annotations

from pathlib import Path

import pytest

from studies.models import Study, StudySource
from studies.services.uploads import ingest_paths
from tests.production.identified import write_identified_series


@pytest.fixture(scope="session")
def identified_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The identified series' files (read-only for tests)."""
    folder = tmp_path_factory.mktemp("identified-series")
    write_identified_series(folder)
    return folder


@pytest.fixture
def stored_study(db, identified_folder: Path) -> Study:
    report = ingest_paths(paths=sorted(identified_folder.glob("*.dcm")), source=StudySource.IMPORT)
    assert report.summary()["rejected"] == 0
    return Study.objects.select_related("patient").get()
