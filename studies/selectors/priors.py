"""What the patient's earlier studies say about each level: was it already fractured, and how badly?

A prior fracture is a level confirmed as fractured by a closed review of an earlier study, or,
where that study was not reviewed, a level the pipeline graded ≥ 1 (its current value: a reader's
correction wins). The most recent earlier study that measured the level speaks for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from studies.models import (
    Analysis,
    AnalysisStatus,
    PriorStatus,
    ReviewOutcome,
    ReviewStatus,
    VertebraFinding,
)


@dataclass(frozen=True)
class PriorLevel:
    fractured: bool
    height_loss_pct: float | None
    grade: int | None
    study_date: date | None


@dataclass(frozen=True)
class Priors:
    analysed_studies: int
    levels: dict[int, PriorLevel]  # level -> what the latest earlier study measured there

    def status(self, *, level: int, height_loss_pct: float | None, grade: int | None) -> PriorStatus:
        """New, progressed or stable for a fracture confirmed now at ``level``."""
        if self.analysed_studies == 0:
            return PriorStatus.NO_PRIOR
        prior = self.levels.get(level)
        if prior is None or not prior.fractured:
            return PriorStatus.NEW
        margin = float(settings.VCF_PROGRESSION_MARGIN_PCT)
        if height_loss_pct is not None and prior.height_loss_pct is not None:
            grew = height_loss_pct - prior.height_loss_pct >= margin
        else:
            grew = grade is not None and prior.grade is not None and grade > prior.grade
        return PriorStatus.PROGRESSED if grew else PriorStatus.STABLE


def _current_vhl(finding: VertebraFinding) -> tuple[float | None, int | None]:
    correction = finding.latest_correction
    if correction is not None and correction.grade is not None:
        return correction.height_loss_pct, correction.grade
    return finding.height_loss_pct, finding.grade


def earlier_analyses(*, analysis: Analysis) -> list[Analysis]:
    """The patient's finished analyses of studies dated before this analysis' study (or created
    before it when undated), oldest first."""
    study = analysis.series.study
    earlier = (
        Analysis.objects.filter(series__study__patient_id=study.patient_id, status=AnalysisStatus.DONE)
        .exclude(series__study_id=study.pk)
        .select_related("series__study")
    )
    if study.study_date is not None:
        earlier = earlier.filter(series__study__study_date__lt=study.study_date)
    else:
        earlier = earlier.filter(series__study__created_at__lt=study.created_at)
    return sorted(
        earlier, key=lambda a: (a.series.study.study_date or date.min, a.series.study.created_at, a.pk)
    )


def priors_for(*, analysis: Analysis) -> Priors:
    """What the patient's earlier studies (see ``earlier_analyses``) say about each level."""
    analyses = earlier_analyses(analysis=analysis)
    if not analyses:
        return Priors(analysed_studies=0, levels={})
    ids = [a.pk for a in analyses]
    findings = VertebraFinding.objects.filter(analysis_id__in=ids, grade__isnull=False).select_related(
        "latest_correction"
    )
    outcomes = ReviewOutcome.objects.filter(
        review__analysis_id__in=ids, review__status=ReviewStatus.CLOSED
    ).select_related("review")
    by_analysis: dict[int, dict[int, PriorLevel]] = {pk: {} for pk in ids}
    study_date = {a.pk: a.series.study.study_date for a in analyses}
    for finding in findings:
        vhl, grade = _current_vhl(finding)
        by_analysis[finding.analysis_id][finding.level] = PriorLevel(
            fractured=grade is not None and grade >= 1,
            height_loss_pct=vhl,
            grade=grade,
            study_date=study_date[finding.analysis_id],
        )
    # A closed review overrides the pipeline for every level it decided.
    for outcome in outcomes:
        analysis_id = outcome.review.analysis_id
        measured = by_analysis[analysis_id].get(outcome.level)
        by_analysis[analysis_id][outcome.level] = PriorLevel(
            fractured=outcome.is_fracture,
            height_loss_pct=outcome.height_loss_pct
            if outcome.height_loss_pct is not None
            else (measured.height_loss_pct if measured else None),
            grade=outcome.grade,
            study_date=study_date[analysis_id],
        )
    levels: dict[int, PriorLevel] = {}
    for analysis_id in ids:  # oldest first: later studies overwrite
        levels.update(by_analysis[analysis_id])
    return Priors(analysed_studies=len(analyses), levels=levels)
