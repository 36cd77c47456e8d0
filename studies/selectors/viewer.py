"""What the image viewer draws for one analysis: findings as measured, and as corrected by readers."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from studies.models import Analysis, FindingCorrection, VertebraFinding


def viewer_analysis(*, analysis_id: int) -> Analysis | None:
    """The analysis with its series, study, patient and findings (each with its latest correction)."""
    findings = VertebraFinding.objects.select_related("latest_correction__author").order_by("level")
    return (
        Analysis.objects.select_related("series__study__patient")
        .prefetch_related(Prefetch("findings", queryset=findings))
        .filter(pk=analysis_id)
        .first()
    )


def _heights(source: VertebraFinding | FindingCorrection) -> dict[str, float] | None:
    values = (source.height_anterior_mm, source.height_middle_mm, source.height_posterior_mm)
    if any(v is None for v in values):
        return None
    return {"anterior": values[0], "middle": values[1], "posterior": values[2]}  # type: ignore[dict-item]


def _measurement(source: VertebraFinding | FindingCorrection) -> dict[str, Any]:
    return {
        "landmarks_lps_mm": source.landmarks,
        "heights_mm": _heights(source),
        "height_loss_pct": source.height_loss_pct,
        "grade": source.grade,
    }


def _correction(correction: FindingCorrection | None) -> dict[str, Any] | None:
    if correction is None:
        return None
    return {
        "id": correction.pk,
        "author": correction.author.get_username(),
        "created_at": correction.created_at,
        "note": correction.note,
        **_measurement(correction),
    }


def viewer_vertebra(finding: VertebraFinding) -> dict[str, Any]:
    """One vertebra for the viewer; ``current`` is what counts now (a correction wins)."""
    correction = finding.latest_correction
    current_source: VertebraFinding | FindingCorrection = finding
    if correction is not None and correction.landmarks is not None:
        current_source = correction
    return {
        "finding_id": finding.pk,
        "label": finding.label,
        "centroid_lps_mm": [finding.centroid_x_mm, finding.centroid_y_mm, finding.centroid_z_mm],
        "confidence": finding.confidence,
        "status": finding.status,
        "uncertain": finding.uncertain,
        "uncertainty_reasons": finding.uncertainty_reasons,
        "mean_hu": finding.mean_hu,
        "hu_roi": finding.hu_roi,
        "measured": _measurement(finding),
        "correction": _correction(correction),
        "current": {
            **_measurement(current_source),
            "source": "correction" if current_source is correction else "pipeline",
        },
    }


def viewer_data(*, analysis: Analysis, can_correct: bool, dicomweb_root: str) -> dict[str, Any]:
    series = analysis.series
    study = series.study
    return {
        "analysis": {
            "id": analysis.pk,
            "status": analysis.status,
            "model_version": analysis.model_version,
            "positive": analysis.positive,
            "max_grade": analysis.max_grade,
            "l1_hu": analysis.l1_hu,
            "mean_hu": analysis.mean_hu,
            "study_instance_uid": study.study_instance_uid,
            "series_instance_uid": series.series_instance_uid,
            "patient_pseudonym": study.patient.pseudo_id,
            "study_date": study.study_date,
            "study_description": study.description,
        },
        "dicomweb_root": dicomweb_root,
        "can_correct": can_correct,
        "vertebrae": [viewer_vertebra(finding) for finding in analysis.findings.all()],
    }
