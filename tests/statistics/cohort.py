"""A hand-built cohort of eleven analyses whose every figure is worked out in the tests.

A1  P1 F 1950-06-15 lung   SIEMENS 2025-01-10 flagged g3 HU 100  closed tp, report: not mentioned
    L1  flagged fracture g3 VHL 45 new, not reported, referred → eligible
    T12 flagged no fracture (VHL 22, tool g1) scoliosis
A2  P2 M 1960-01-01 breast GE      2025-02-01 flagged g2 HU 140  closed tp, report: mentioned
    T8  flagged fracture g2 VHL 30 stable, reported
    L3  not flagged, fracture g1 (missed), no prior
A3  P3 F unknown    lung   SIEMENS 2025-02-20 flagged g1 HU 160  closed fp
    L2  flagged no fracture (VHL 21, tool g1) sclerotic metastasis
A4  P4 ? 1940-12-31 lung   SIEMENS 2025-03-05 flagged g3 HU –    review still open
A5  P1 (repeat of A1's study)    2025-03-10 flagged g3       closed tp (L1 g3 not reported): removed
A6  P5 negative GE 2025-01-20, audit closed tn
A7  P6 negative SIEMENS 2025-02-10, audit closed fn: L4 missed g3, not reported, referred → not eligible
A8  P7 negative SIEMENS 2025-03-01, not reviewed
A9  excluded 2025-01-05 [slice_too_thick, kernel_not_supported]
A10 excluded 2025-02-05 [not_ct]
A11 failed 2025-03-02
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from studies.models import (
    Analysis,
    AnalysisStatus,
    CaseReview,
    Patient,
    Referral,
    ReferralFracture,
    ReviewOutcome,
    Series,
    Study,
    StudySource,
    VertebraFinding,
    VertebraLevel,
)
from tests.columns import grade_of
from tests.conftest import uid

CLOSED_AT = datetime(2025, 4, 1, tzinfo=UTC)


@dataclass
class Built:
    analyses: dict[str, Analysis]


def _patient(name: str, **facts: object) -> Patient:
    return Patient.objects.create(pseudo_id=f"{name}-{uid()[-6:]}", **facts)


def _analysis(
    patient: Patient,
    day: date,
    scanner: tuple[str, str] = ("SIEMENS", "SOMATOM Force"),
    *,
    repeat_of: Study | None = None,
    status: str = AnalysisStatus.DONE,
    max_grade: int | None = 0,
    l1_hu: float | None = None,
    reasons: list[str] | None = None,
) -> Analysis:
    study = Study.objects.create(
        study_instance_uid=uid(),
        patient=patient,
        study_date=day,
        source=StudySource.UPLOAD,
        repeat_of=repeat_of,
    )
    series = Series.objects.create(
        series_instance_uid=uid(),
        study=study,
        modality="CT",
        manufacturer=scanner[0],
        manufacturer_model_name=scanner[1],
    )
    fields: dict[str, object] = {"status": status}
    if status == AnalysisStatus.DONE:
        fields.update(eligible=True, positive=bool(max_grade), max_grade=max_grade, progress=1.0, l1_hu=l1_hu)
    elif status == AnalysisStatus.EXCLUDED:
        fields.update(eligible=False, exclusion_reasons=reasons or [])
    else:
        fields.update(error="boom")
    return Analysis.objects.create(series=series, model_version="test-model", **fields)


def _review(analysis: Analysis, reason: str, decision: str = "", reported: bool | None = None) -> CaseReview:
    closed = bool(decision)
    return CaseReview.objects.create(
        analysis=analysis,
        reason=reason,
        status="closed" if closed else "open",
        decision=decision,
        closed_at=CLOSED_AT if closed else None,
        fracture_reported=reported,
    )


def _outcome(
    review: CaseReview,
    label: str,
    *,
    vhl: float | None = None,
    grade: int | None = None,
    reason: str = "",
    reported: bool | None = None,
    prior: str = "",
) -> ReviewOutcome:
    level = VertebraLevel.from_label(label)
    finding = None
    if vhl is not None:  # flagged by the tool: its finding carries the tool's grade
        finding = VertebraFinding.objects.create(
            analysis=review.analysis,
            level=level,
            centroid_x_mm=0.0,
            centroid_y_mm=0.0,
            centroid_z_mm=0.0,
            confidence=0.9,
            height_loss_pct=vhl,
            grade=grade_of(vhl),
        )
    return ReviewOutcome.objects.create(
        review=review,
        level=level,
        finding=finding,
        flagged=vhl is not None,
        is_fracture=grade is not None,
        grade=grade,
        height_loss_pct=vhl,
        false_positive_reason=reason,
        reported=reported,
        prior_status=prior,
    )


def _refer(outcome: ReviewOutcome, patient: Patient, eligibility: str) -> None:
    referral = Referral.objects.create(
        patient=patient,
        level=outcome.level,
        source="auto",
        status="eligible" if eligibility == "yes" else "not_eligible",
        final_eligibility=eligibility,
    )
    ReferralFracture.objects.create(referral=referral, outcome=outcome)


def build_cohort() -> Built:
    ge = ("GE", "Revolution")
    p1 = _patient("P1", sex="F", birth_date=date(1950, 6, 15), bone_metastases=True, osteoporosis=False,
                  prior_vertebroplasty=False, primary_cancer_site="lung")  # fmt: skip
    p2 = _patient("P2", sex="M", birth_date=date(1960, 1, 1), bone_metastases=False, osteoporosis=True,
                  primary_cancer_site="breast")  # fmt: skip
    p3 = _patient("P3", sex="F", primary_cancer_site="lung")
    p4 = _patient("P4", birth_date=date(1940, 12, 31), primary_cancer_site="lung")
    a: dict[str, Analysis] = {}

    a["A1"] = _analysis(p1, date(2025, 1, 10), max_grade=3, l1_hu=100.0)
    r1 = _review(a["A1"], "flagged", "tp", reported=False)
    l1 = _outcome(r1, "L1", vhl=45.0, grade=3, reported=False, prior="new")
    _outcome(r1, "T12", vhl=22.0, reason="scoliosis")
    _refer(l1, p1, "yes")

    a["A2"] = _analysis(p2, date(2025, 2, 1), ge, max_grade=2, l1_hu=140.0)
    r2 = _review(a["A2"], "flagged", "tp", reported=True)
    _outcome(r2, "T8", vhl=30.0, grade=2, reported=True, prior="stable")
    _outcome(r2, "L3", grade=1, prior="no_prior")

    a["A3"] = _analysis(p3, date(2025, 2, 20), max_grade=1, l1_hu=160.0)
    _outcome(_review(a["A3"], "flagged", "fp"), "L2", vhl=21.0, reason="sclerotic_metastasis")

    a["A4"] = _analysis(p4, date(2025, 3, 5), max_grade=3)
    _review(a["A4"], "flagged")

    a["A5"] = _analysis(p1, date(2025, 3, 10), repeat_of=a["A1"].series.study, max_grade=3, l1_hu=90.0)
    _outcome(_review(a["A5"], "flagged", "tp", reported=False), "L1", vhl=50.0, grade=3, reported=False)

    a["A6"] = _analysis(_patient("P5"), date(2025, 1, 20), ge)
    _review(a["A6"], "audit", "tn")
    p6 = _patient("P6")
    a["A7"] = _analysis(p6, date(2025, 2, 10))
    l4 = _outcome(_review(a["A7"], "audit", "fn"), "L4", grade=3, reported=False, prior="no_prior")
    _refer(l4, p6, "no")
    a["A8"] = _analysis(_patient("P7"), date(2025, 3, 1))

    a["A9"] = _analysis(_patient("P8"), date(2025, 1, 5), status=AnalysisStatus.EXCLUDED,
                        reasons=["slice_too_thick", "kernel_not_supported"])  # fmt: skip
    a["A10"] = _analysis(_patient("P9"), date(2025, 2, 5), status=AnalysisStatus.EXCLUDED, reasons=["not_ct"])
    a["A11"] = _analysis(_patient("P10"), date(2025, 3, 2), status=AnalysisStatus.FAILED)
    return Built(analyses=a)
