"""A cohort of phantom studies for the demo and the statistics: patients, repeats, priors,
ineligible series, clinical facts and report texts, with a manifest of the truth.

Proportions follow the seed paper loosely (stage-IV oncology CT, ~half osteoporotic, a third
with bone metastases, most fractures unreported) but are enriched in fractures so that a small
demo cohort has something to review.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, Literal, cast

import numpy as np
from pydicom.uid import generate_uid

from inference.geometry import genant_grade
from inference.phantom import FractureSpec, PhantomSpec, SeriesIdentity
from inference.phantom.reports import ReportedFracture, write_report

CANCER_SITES: tuple[tuple[str, float], ...] = (
    ("lung", 0.19),
    ("head_and_neck", 0.19),
    ("skin", 0.10),
    ("prostate", 0.09),
    ("breast", 0.08),
    ("colorectal", 0.08),
    ("kidney", 0.06),
    ("melanoma", 0.06),
    ("gynaecological", 0.06),
    ("pancreas", 0.05),
    ("sarcoma", 0.04),
)
# Thoracolumbar junction first: where osteoporotic fractures cluster.
FRACTURE_LEVELS: tuple[tuple[str, float], ...] = (
    ("T5", 0.03), ("T6", 0.05), ("T7", 0.08), ("T8", 0.09), ("T9", 0.07), ("T10", 0.06),
    ("T11", 0.10), ("T12", 0.17), ("L1", 0.16), ("L2", 0.08), ("L3", 0.05), ("L4", 0.04), ("L5", 0.02),
)  # fmt: skip
FRACTURE_KINDS: tuple[tuple[str, float], ...] = (("wedge", 0.55), ("biconcave", 0.30), ("crush", 0.15))
FractureKind = Literal["wedge", "biconcave", "crush"]
PERIOD_START = date(2023, 9, 1)
PERIOD_DAYS = 122  # September to December, as in the paper


@dataclass(frozen=True)
class CohortOptions:
    cases: int
    seed: int
    size: int = 256
    pixel_mm: float = 1.4
    slice_mm: float = 2.5
    period_start: date = PERIOD_START
    period_days: int = PERIOD_DAYS


@dataclass(frozen=True)
class PatientPlan:
    pseudo_id: str
    sex: str
    birth_date: date
    cancer_site: str
    bone_metastases: bool | None
    osteoporosis: bool | None
    prior_vertebroplasty: bool | None
    trabecular_hu: float


@dataclass(frozen=True)
class StudyPlan:
    patient: PatientPlan
    spec: PhantomSpec
    identity: SeriesIdentity
    report_text: str
    reported_levels: tuple[str, ...]
    expected_exclusions: tuple[str, ...]
    role: str  # "index", "repeat" (same patient later in the period) or "prior" (before the period)
    folder: str = field(default="")


def _choice(rng: np.random.Generator, weighted: tuple[tuple[str, float], ...]) -> str:
    names = [name for name, _ in weighted]
    weights = np.array([weight for _, weight in weighted])
    return str(rng.choice(names, p=weights / weights.sum()))


def _unknown_or(rng: np.random.Generator, value: bool, unknown_share: float) -> bool | None:
    return None if rng.random() < unknown_share else value


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class CohortPlanner:
    """Decides every patient, study and series of a cohort; renders nothing."""

    def __init__(self, options: CohortOptions) -> None:
        self.options = options
        self.rng = np.random.default_rng(options.seed)
        self._uid_counter = 0

    def plan(self) -> list[StudyPlan]:
        plans: list[StudyPlan] = []
        patient_number = 0
        while len(plans) < self.options.cases:
            patient_number += 1
            studies = self._studies_of(self._patient(patient_number))
            remaining = self.options.cases - len(plans)
            if len(studies) > remaining:  # never a prior or a repeat without its index study
                studies = [study for study in studies if study.role == "index"][:remaining]
            plans.extend(studies)
        return [replace(plan, folder=f"{plan.patient.pseudo_id}/{plan.identity.study_date:%Y%m%d}-{i:03d}")
                for i, plan in enumerate(plans)]  # fmt: skip

    def _uid(self, kind: str) -> str:
        self._uid_counter += 1
        return str(generate_uid(entropy_srcs=[f"vcf-cohort-{self.options.seed}-{kind}-{self._uid_counter}"]))

    def _patient(self, number: int) -> PatientPlan:
        rng = self.rng
        sex = "F" if rng.random() < 0.47 else "M"
        age = int(np.clip(rng.normal(63.5, 11.5), 32, 90))
        birth = self.options.period_start - timedelta(days=int(age * 365.25 + rng.integers(0, 365)))
        osteoporotic = rng.random() < (0.35 + 0.01 * max(0, age - 50) + (0.1 if sex == "F" else 0.0))
        metastatic = rng.random() < 0.31
        base_hu = 230.0 - 1.6 * (age - 40) + rng.normal(0, 25)
        trabecular = float(np.clip(base_hu * (0.55 if osteoporotic else 1.0), 45, 280))
        return PatientPlan(
            pseudo_id=f"PHANTOM-{self.options.seed:03d}-{number:04d}",
            sex=sex,
            birth_date=birth,
            cancer_site=_choice(rng, CANCER_SITES),
            bone_metastases=_unknown_or(rng, metastatic, 0.11),
            osteoporosis=_unknown_or(rng, osteoporotic, 0.14),
            prior_vertebroplasty=_unknown_or(rng, bool(rng.random() < 0.07), 0.12),
            trabecular_hu=round(trabecular, 1),
        )

    def _fractures(self, patient: PatientPlan) -> tuple[FractureSpec, ...]:
        rng = self.rng
        risk = 0.25 + (0.25 if patient.osteoporosis else 0.0) + (0.1 if patient.bone_metastases else 0.0)
        if rng.random() >= risk:
            return ()
        count = 1 + int(rng.random() < 0.35) + int(rng.random() < 0.1)
        levels: list[str] = []
        while len(levels) < count:
            level = _choice(rng, FRACTURE_LEVELS)
            if level not in levels:
                levels.append(level)
        grade_ranges = ((20.5, 24.5), (26.0, 39.0), (41.0, 65.0))
        fractures = []
        for level in levels:
            low, high = grade_ranges[int(rng.choice(3, p=[0.40, 0.47, 0.13]))]
            fractures.append(
                FractureSpec(
                    level=level,
                    kind=cast(FractureKind, _choice(rng, FRACTURE_KINDS)),
                    vhl_pct=round(float(rng.uniform(low, high)), 1),
                )
            )
        return tuple(fractures)

    def _confounders(self, patient: PatientPlan, fractured: set[str]) -> dict[str, Any]:
        rng = self.rng
        free = [level for level, _ in FRACTURE_LEVELS if level not in fractured] + ["T3", "T4"]
        picks = lambda n: tuple(str(x) for x in rng.choice(free, size=n, replace=False))  # noqa: E731
        confounders: dict[str, Any] = {
            "sclerotic": (),
            "lytic": (),
            "cement": (),
            "osteophytes": (),
            "schmorl": (),
        }
        if patient.bone_metastases and rng.random() < 0.5:
            confounders["sclerotic"] = picks(int(rng.integers(1, 3)))
        if patient.bone_metastases and rng.random() < 0.3:
            confounders["lytic"] = tuple(x for x in picks(1) if x not in confounders["sclerotic"])
        if patient.prior_vertebroplasty:
            taken = set(confounders["sclerotic"]) | set(confounders["lytic"])
            confounders["cement"] = tuple(x for x in picks(1) if x not in taken)
        age = _age_on(patient.birth_date, self.options.period_start)
        if rng.random() < 0.02 * max(0, age - 45):
            confounders["osteophytes"] = ("L3", "L4") if rng.random() < 0.5 else ("T8", "T9")
        if rng.random() < 0.15:
            confounders["schmorl"] = tuple(x for x in picks(1) if x not in confounders["cement"])
        confounders["scoliosis_deg"] = round(float(rng.uniform(12, 30)), 1) if rng.random() < 0.1 else 0.0
        return confounders

    def _acquisition(self) -> tuple[float, str, tuple[str, ...]]:
        """Slice thickness, kernel and the protocol reasons they cause."""
        draw = self.rng.random()
        if draw < 0.08:
            return 5.0, "STANDARD", ("slice_too_thick",)
        if draw < 0.14:
            return (
                self.options.slice_mm,
                str(self.rng.choice(["LUNG", "B70f", "BONEPLUS"])),
                ("kernel_not_supported",),
            )
        return self.options.slice_mm, str(self.rng.choice(["STANDARD", "SOFT", "B30f", "Br40"])), ()

    def _studies_of(self, patient: PatientPlan) -> list[StudyPlan]:
        rng = self.rng
        fractures = self._fractures(patient)
        confounders = self._confounders(patient, {f.level for f in fractures})
        index_day = self.options.period_start + timedelta(
            days=int(rng.integers(0, self.options.period_days - 30))
        )
        plans = [self._study(patient, fractures, confounders, index_day, role="index")]
        draw = rng.random()
        if draw < 0.12:  # a repeat CT in the period; an existing fracture may progress
            later = index_day + timedelta(days=int(rng.integers(20, 30)))
            plans.append(self._study(patient, _progressed(fractures, rng), confounders, later, role="repeat"))
        elif draw < 0.30:  # a prior CT from before the period, for comparison
            earlier = index_day - timedelta(days=int(rng.integers(90, 200)))
            plans.insert(
                0, self._study(patient, _regressed(fractures, rng), confounders, earlier, role="prior")
            )
        return plans

    def _study(
        self,
        patient: PatientPlan,
        fractures: tuple[FractureSpec, ...],
        confounders: dict[str, Any],
        day: date,
        *,
        role: str,
    ) -> StudyPlan:
        rng = self.rng
        slice_mm, kernel, reasons = self._acquisition()
        age = _age_on(patient.birth_date, day)
        if age < 50:
            reasons = ("age_below_minimum", *reasons)
        spec = PhantomSpec(
            seed=int(rng.integers(0, 2**31 - 1)),
            fractures=fractures,
            scoliosis_deg=confounders["scoliosis_deg"],
            sclerotic=confounders["sclerotic"],
            lytic=confounders["lytic"],
            cement=confounders["cement"],
            osteophytes=confounders["osteophytes"],
            schmorl=confounders["schmorl"],
            trabecular_hu=patient.trabecular_hu,
            slice_mm=slice_mm,
            pixel_mm=self.options.pixel_mm,
            size=self.options.size,
            age=age,
            sex=patient.sex,  # type: ignore[arg-type]
            kernel=kernel,
            noise_hu=round(float(rng.uniform(8, 20)), 1),
        )
        # Reports mention about one fracture in five, severe ones a little more often.
        reported = tuple(f for f in fractures if rng.random() < (0.35 if f.vhl_pct > 40 else 0.17))
        report = write_report(
            cancer_site=patient.cancer_site,
            contrast=bool(rng.random() < 0.8),
            reported=[ReportedFracture(f.level, genant_grade(f.vhl_pct), f.vhl_pct) for f in reported],
            sclerotic=spec.sclerotic if rng.random() < 0.6 else (),
            cement=spec.cement,
            rng=rng,
        )
        identity = SeriesIdentity(
            patient_id=patient.pseudo_id,
            patient_name=f"PHANTOM^{patient.pseudo_id[-4:]}",
            patient_birth_date=patient.birth_date,
            patient_age=f"{age:03d}Y",
            study_instance_uid=self._uid("study"),
            series_instance_uid=self._uid("series"),
            study_date=day,
            study_time=f"{int(rng.integers(8, 18)):02d}{int(rng.integers(0, 60)):02d}00",
            accession_number=f"A{self.options.seed:02d}{self._uid_counter:06d}",
            study_description="CT THORAX ABDOMEN PELVIS",
            series_description=f"AXIAL {slice_mm:g}mm {kernel}",
            series_number=2,
            institution_name="Phantom Cancer Centre",
            manufacturer=str(rng.choice(["GE MEDICAL SYSTEMS", "SIEMENS"])),
            manufacturer_model_name=str(rng.choice(["Optima CT660", "SOMATOM Force"])),
        )
        return StudyPlan(
            patient=patient,
            spec=spec,
            identity=identity,
            report_text=report,
            reported_levels=tuple(f.level for f in reported),
            expected_exclusions=reasons,
            role=role,
        )


def _progressed(fractures: tuple[FractureSpec, ...], rng: np.random.Generator) -> tuple[FractureSpec, ...]:
    return tuple(
        replace(f, vhl_pct=round(min(75.0, f.vhl_pct + float(rng.uniform(0, 12))), 1)) for f in fractures
    )


def _regressed(fractures: tuple[FractureSpec, ...], rng: np.random.Generator) -> tuple[FractureSpec, ...]:
    """The same spine months earlier: each fracture milder or not there yet."""
    earlier = []
    for fracture in fractures:
        vhl = fracture.vhl_pct - float(rng.uniform(5, 20))
        if vhl >= 20.5:
            earlier.append(replace(fracture, vhl_pct=round(vhl, 1)))
    return tuple(earlier)
