"""A phantom with a known grade-3 L1, stored and analysed for real, for the viewer's browser tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from inference.phantom import FractureSpec, PhantomSpec, generate_phantom, write_phantom
from inference.pipeline.analyzer import Analyzer
from studies.models import Analysis, AnalysisStatus, StudySource
from studies.runtime import current_model_version
from studies.services.analyses import run_analysis, series_received
from studies.services.ingest import ingest_files

L1_WEDGE_PCT = 50.0
VIEWER_SPEC = PhantomSpec(
    seed=11,
    levels=("T10", "L3"),
    fractures=(FractureSpec("L1", "wedge", L1_WEDGE_PCT),),
    size=256,
    pixel_mm=1.2,
    slice_mm=1.5,
)


@dataclass(frozen=True)
class ViewerCase:
    folder: Path
    truth_vhl: dict[str, float]  # label -> true VHL %


def write_viewer_case(folder: Path) -> ViewerCase:
    write_phantom(generate_phantom(VIEWER_SPEC), folder)
    truth = json.loads((folder / "truth.json").read_text())
    return ViewerCase(
        folder=folder,
        truth_vhl={
            v["label"]: v["height_loss_pct"] for v in truth["vertebrae"] if v["height_loss_pct"] is not None
        },
    )


def store_and_analyse(case: ViewerCase, analyzer: Analyzer) -> Analysis:
    files = sorted(case.folder.glob("*.dcm"))
    report = ingest_files(paths=[(path, path.name) for path in files], source=StudySource.IMPORT)
    [queued] = series_received(series_ids=report.touched_series_ids, model_version=current_model_version())
    done = run_analysis(analysis_id=queued.pk, analyzer=analyzer)
    assert done is not None and done.status == AnalysisStatus.DONE, done and done.error
    return done
