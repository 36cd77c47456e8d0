"""Radiology report texts for phantom studies, written as a busy oncology reader would.

Most fractures go unmentioned (the seed paper found 83.5 % of true-positive cases unreported);
which ones a report mentions is decided by the cohort planner and passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SITE_PHRASES: dict[str, str] = {
    "lung": "non-small cell lung carcinoma",
    "head_and_neck": "squamous cell carcinoma of the head and neck",
    "skin": "cutaneous squamous cell carcinoma",
    "melanoma": "melanoma",
    "breast": "breast carcinoma",
    "prostate": "prostate adenocarcinoma",
    "colorectal": "colorectal adenocarcinoma",
    "kidney": "renal cell carcinoma",
    "pancreas": "pancreatic adenocarcinoma",
    "gynaecological": "ovarian carcinoma",
    "sarcoma": "soft-tissue sarcoma",
}
_GRADE_WORDS = {1: "mild", 2: "moderate", 3: "severe"}


@dataclass(frozen=True)
class ReportedFracture:
    level: str
    grade: int
    height_loss_pct: float


def _bones_paragraph(
    *,
    reported: Sequence[ReportedFracture],
    sclerotic: Sequence[str],
    cement: Sequence[str],
    rng: np.random.Generator,
) -> str:
    sentences: list[str] = []
    for fracture in reported:
        style = int(rng.integers(3))
        if style == 0:
            sentences.append(
                f"{_GRADE_WORDS[fracture.grade].capitalize()} compression fracture of {fracture.level} "
                f"with approximately {round(fracture.height_loss_pct / 5) * 5:.0f} % loss of height."
            )
        elif style == 1:
            sentences.append(f"Vertebral compression fracture of {fracture.level}.")
        else:
            sentences.append(f"Loss of height of the {fracture.level} vertebral body, unchanged appearance.")
    if sclerotic:
        sentences.append(f"Sclerotic bone lesions of {', '.join(sclerotic)}, consistent with metastases.")
    if cement:
        sentences.append(f"Status post vertebroplasty of {', '.join(cement)}.")
    if not sentences:
        sentences.append(
            str(
                rng.choice(
                    ["No suspicious bone lesion.", "No lytic or blastic bone lesion.", "Bones: unremarkable."]
                )
            )
        )
    return " ".join(sentences)


def write_report(
    *,
    cancer_site: str,
    contrast: bool,
    reported: Sequence[ReportedFracture],
    sclerotic: Sequence[str],
    cement: Sequence[str],
    rng: np.random.Generator,
) -> str:
    site = SITE_PHRASES.get(cancer_site, "malignancy of unknown primary")
    technique = "with intravenous contrast" if contrast else "without contrast"
    response = str(
        rng.choice(
            [
                "Stable disease compared with the previous examination.",
                "Partial response of the known target lesions.",
                "Progression with new hepatic lesions.",
                "No new lesion.",
            ]
        )
    )
    lungs = str(
        rng.choice(["No pulmonary nodule.", "Known pulmonary nodules, stable.", "Small pleural effusion."])
    )
    abdomen = str(rng.choice(["Liver, spleen and kidneys unremarkable.", "Stable hepatic hypodensities."]))
    bones = _bones_paragraph(reported=reported, sclerotic=sclerotic, cement=cement, rng=rng)
    return (
        f"CT thorax, abdomen and pelvis {technique}.\n"
        f"Indication: follow-up of stage IV {site}.\n"
        f"Findings: {lungs} {abdomen}\n"
        f"Bones: {bones}\n"
        f"Conclusion: {response}"
    )
