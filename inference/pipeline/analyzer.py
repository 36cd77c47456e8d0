"""The Analyzer: loads the models once, then turns many CT series into ``vcf-analysis/1`` results.

Stages: load → protocol filter → locate and label vertebrae (3D detector) → local spine frames →
six landmarks per body (2D network, with test-time augmentation) → cement, heights/VHL/grade,
sclerosis, trabecular HU, uncertainty (non-learned) → result.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from inference.device import resolve_device
from inference.dicom import CtVolume, NotCtError, ProtocolConfig, check_protocol, load_series, scan_series
from inference.geometry import GRADABLE_LABELS
from inference.nets.checkpoint import read_checkpoint_header
from inference.pipeline.assess import AssessConfig, ColumnAssessor, Detection
from inference.pipeline.landmarks import LandmarkPredictor
from inference.pipeline.localise import VertebraCandidate, VertebraLocator
from inference.pipeline.result import AnalysisResult
from inference.pipeline.sagittal import local_frames
from inference.pipeline.skipped_levels import verified_indices

WEIGHTS_DIR = Path(__file__).resolve().parent.parent / "weights"

# Share of the work done when each stage starts; reported to a progress callback.
STAGE_PROGRESS = {"load": 0.0, "locate": 0.15, "landmarks": 0.45, "measure": 0.9}
ProgressCallback = Callable[[str, float], None]


def model_version(weights_dir: Path = WEIGHTS_DIR) -> str:
    """The version string results will carry, read from the checkpoints without building networks."""
    detector, _ = read_checkpoint_header(weights_dir / "detector.pt")
    levels, _ = read_checkpoint_header(weights_dir / "levels.pt")
    landmarks, _ = read_checkpoint_header(weights_dir / "landmarks.pt")
    return f"{detector}+{levels}+{landmarks}"


@dataclass(frozen=True)
class AnalyzerSettings:
    confidence_threshold: float = 0.5  # SPEC: candidates below it are ignored
    protocol: ProtocolConfig = field(default_factory=ProtocolConfig)
    assess: AssessConfig = field(default_factory=AssessConfig)


class _Timer:
    def __init__(self, progress: ProgressCallback | None = None) -> None:
        self.seconds: dict[str, float] = {}
        self.progress = progress

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.progress is not None:
            self.progress(name, STAGE_PROGRESS.get(name, 0.0))
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = round(time.perf_counter() - started, 4)


class Analyzer:
    """Holds the loaded networks; ``analyze_folder`` and ``analyze_volume`` may be called many times."""

    def __init__(
        self,
        *,
        weights_dir: Path = WEIGHTS_DIR,
        device: str = "auto",
        settings: AnalyzerSettings | None = None,
    ) -> None:
        self.device = resolve_device(device)
        self.settings = settings or AnalyzerSettings()
        self.locator = VertebraLocator(
            weights_dir / "detector.pt", self.device, calibrator_path=weights_dir / "levels.pt"
        )
        self.landmarks = LandmarkPredictor(weights_dir / "landmarks.pt", self.device)
        self.model_version = f"{self.locator.model_version}+{self.landmarks.version}"

    def analyze_folder(
        self,
        path: Path,
        *,
        series_uid: str | None = None,
        ignore_protocol: bool = False,
        progress: ProgressCallback | None = None,
    ) -> AnalysisResult:
        """Raises inference.dicom.DicomLoadError when the series cannot be read. ``progress(stage,
        fraction)`` is called as each stage starts."""
        timer = _Timer(progress)
        started = time.perf_counter()
        try:
            with timer.stage("load"):
                volume = load_series(path, series_uid=series_uid)
        except NotCtError as error:
            return self._not_ct(path, series_uid, timer, started, error)
        return self._analyze(volume, timer, started, ignore_protocol=ignore_protocol)

    def _not_ct(
        self, path: Path, series_uid: str | None, timer: _Timer, started: float, error: NotCtError
    ) -> AnalysisResult:
        """A readable series that is not CT is a result (not_ct), not an error."""
        summaries = [s for s in scan_series(path) if series_uid in (None, s.metadata.series_instance_uid)]
        if not summaries:
            raise error
        metadata = summaries[0].metadata
        reasons = [r.value for r in check_protocol(metadata, config=self.settings.protocol).reasons]
        timer.seconds["total"] = round(time.perf_counter() - started, 4)
        return AnalysisResult.ineligible(
            self.model_version,
            metadata.study_instance_uid,
            metadata.series_instance_uid,
            reasons,
            timer.seconds,
        )

    def analyze_volume(self, volume: CtVolume, *, ignore_protocol: bool = False) -> AnalysisResult:
        return self._analyze(volume, _Timer(), time.perf_counter(), ignore_protocol=ignore_protocol)

    def _analyze(
        self, volume: CtVolume, timer: _Timer, started: float, *, ignore_protocol: bool
    ) -> AnalysisResult:
        metadata = volume.metadata
        decision = check_protocol(metadata, config=self.settings.protocol)
        if not decision.eligible and not ignore_protocol:
            return self._ineligible(volume, [r.value for r in decision.reasons], timer, started)
        with timer.stage("locate"):
            candidates = [
                c for c in self.locator.locate(volume) if c.confidence >= self.settings.confidence_threshold
            ]
        visible = sum(c.label in GRADABLE_LABELS for c in candidates)
        coverage = check_protocol(metadata, config=self.settings.protocol, visible_vertebrae=visible)
        reasons = [r.value for r in coverage.reasons]
        if "insufficient_coverage" in reasons and not ignore_protocol:
            return self._ineligible(volume, reasons, timer, started)
        with timer.stage("landmarks"):
            detections = self._detections(volume, candidates)
        with timer.stage("measure"):
            assessment = ColumnAssessor(volume.hu, volume.affine, self.settings.assess).assess(detections)
        timer.seconds["total"] = round(time.perf_counter() - started, 4)
        return AnalysisResult(
            model_version=self.model_version,
            study_uid=metadata.study_instance_uid,
            series_uid=metadata.series_instance_uid,
            eligible=not reasons,
            exclusion_reasons=tuple(reasons),
            vertebrae=assessment.vertebrae,
            bone_density=assessment.bone_density,
            timings_s=dict(timer.seconds),
        )

    def _detections(self, volume: CtVolume, candidates: list[VertebraCandidate]) -> list[Detection]:
        frames = local_frames([c.centroid_lps_mm for c in candidates], volume.hu, volume.affine)
        predictions = self.landmarks.predict(volume.hu, volume.affine, frames)
        kept = verified_indices(
            [c.recovered for c in candidates],
            [p.landmarks_lps_mm for p in predictions],
            [f.superior for f in frames],
            self.locator.settings.skipped,
        )
        if len(kept) < len(candidates):  # the neighbours' frames were sized with the dropped point
            return self._detections(volume, [candidates[k] for k in kept])
        return [
            Detection(
                label=candidate.label,
                centroid_lps_mm=tuple(float(v) for v in candidate.centroid_lps_mm),  # type: ignore[arg-type]
                confidence=float(candidate.confidence),
                landmarks_lps_mm={k: tuple(float(x) for x in v) for k, v in p.landmarks_lps_mm.items()},
                landmark_spread_mm=dict(p.spread_mm),
            )
            for candidate, p in zip(candidates, predictions, strict=True)
        ]

    def _ineligible(
        self, volume: CtVolume, reasons: list[str], timer: _Timer, started: float
    ) -> AnalysisResult:
        timer.seconds["total"] = round(time.perf_counter() - started, 4)
        return AnalysisResult.ineligible(
            self.model_version,
            volume.metadata.study_instance_uid,
            volume.metadata.series_instance_uid,
            reasons,
            timer.seconds,
        )
