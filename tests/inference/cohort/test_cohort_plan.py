"""The cohort planner decides a realistic mix without rendering anything."""

from __future__ import annotations

import itertools
import re
from collections import Counter

import pytest

from inference.geometry import genant_grade
from inference.phantom.cohort import CohortOptions, CohortPlanner, StudyPlan


@pytest.fixture(scope="module")
def plans() -> list[StudyPlan]:
    return CohortPlanner(CohortOptions(cases=300, seed=7)).plan()


def test_exact_number_of_studies_and_unique_uids(plans: list[StudyPlan]) -> None:
    assert len(plans) == 300
    assert len({p.identity.study_instance_uid for p in plans}) == 300
    assert len({p.identity.series_instance_uid for p in plans}) == 300
    assert len({p.folder for p in plans}) == 300


def test_same_seed_same_cohort_other_seed_other_cohort() -> None:
    first = CohortPlanner(CohortOptions(cases=20, seed=3)).plan()
    again = CohortPlanner(CohortOptions(cases=20, seed=3)).plan()
    other = CohortPlanner(CohortOptions(cases=20, seed=4)).plan()
    assert first == again
    assert [p.identity.study_instance_uid for p in first] != [p.identity.study_instance_uid for p in other]


def test_some_patients_are_under_fifty_and_excluded_for_age(plans: list[StudyPlan]) -> None:
    young = [p for p in plans if int(p.identity.patient_age.rstrip("Y")) < 50]  # type: ignore[union-attr]
    assert 0.05 < len(young) / len(plans) < 0.35
    assert all("age_below_minimum" in p.expected_exclusions for p in young)


def test_ineligible_series_for_thickness_and_kernel(plans: list[StudyPlan]) -> None:
    reasons = Counter(reason for p in plans for reason in p.expected_exclusions)
    assert reasons["slice_too_thick"] > 5
    assert reasons["kernel_not_supported"] > 5
    for plan in plans:
        if "slice_too_thick" in plan.expected_exclusions:
            assert plan.spec.slice_mm > 3.0
        if "kernel_not_supported" in plan.expected_exclusions:
            assert plan.spec.kernel in {"LUNG", "B70f", "BONEPLUS"}


def test_repeat_and_prior_studies_share_the_patient(plans: list[StudyPlan]) -> None:
    roles = Counter(p.role for p in plans)
    assert roles["repeat"] > 5 and roles["prior"] > 10
    by_patient: dict[str, list[StudyPlan]] = {}
    for plan in plans:
        by_patient.setdefault(plan.patient.pseudo_id, []).append(plan)
    for studies in by_patient.values():
        assert len({s.identity.patient_birth_date for s in studies}) == 1
        dates = [s.identity.study_date for s in studies]
        assert dates == sorted(dates)


def test_every_prior_or_repeat_has_its_index_study() -> None:
    for cases in range(1, 40):
        plans = CohortPlanner(CohortOptions(cases=cases, seed=11)).plan()
        assert len(plans) == cases
        index_patients = {p.patient.pseudo_id for p in plans if p.role == "index"}
        assert {p.patient.pseudo_id for p in plans} == index_patients


def test_repeats_never_heal(plans: list[StudyPlan]) -> None:
    by_patient: dict[str, list[StudyPlan]] = {}
    for plan in plans:
        by_patient.setdefault(plan.patient.pseudo_id, []).append(plan)
    for studies in by_patient.values():
        for earlier, later in itertools.pairwise(studies):
            later_vhl = {f.level: f.vhl_pct for f in later.spec.fractures}
            for fracture in earlier.spec.fractures:
                assert later_vhl[fracture.level] >= fracture.vhl_pct


def test_grade_mix_and_most_fractures_unreported(plans: list[StudyPlan]) -> None:
    fractures = [(p, f) for p in plans for f in p.spec.fractures]
    grades = Counter(genant_grade(f.vhl_pct) for _, f in fractures)
    assert grades[1] > 0 and grades[2] > 0 and grades[3] > 0
    assert grades[3] < grades[2]
    reported = sum(f.level in p.reported_levels for p, f in fractures)
    assert 0.05 < reported / len(fractures) < 0.4
    positive_cases = sum(bool(p.spec.fractures) for p in plans)
    assert 0.2 < positive_cases / len(plans) < 0.6


def test_reports_mention_exactly_the_reported_levels(plans: list[StudyPlan]) -> None:
    for plan in plans:
        bones = plan.report_text.split("Bones:")[1]
        for fracture in plan.spec.fractures:
            mentioned = re.search(rf"\b{fracture.level}\b", bones) is not None
            assert mentioned == (fracture.level in plan.reported_levels)
        assert plan.report_text.startswith("CT thorax, abdomen and pelvis")


def test_confounders_never_share_a_level_with_a_fracture(plans: list[StudyPlan]) -> None:
    for plan in plans:
        fractured = {f.level for f in plan.spec.fractures}
        for levels in (plan.spec.sclerotic, plan.spec.cement, plan.spec.lytic):
            assert not fractured & set(levels)
        assert not set(plan.spec.cement) & set(plan.spec.sclerotic)


def test_clinical_facts_are_sometimes_unknown(plans: list[StudyPlan]) -> None:
    patients = {p.patient.pseudo_id: p.patient for p in plans}.values()
    for attribute in ("bone_metastases", "osteoporosis", "prior_vertebroplasty"):
        values = Counter(getattr(patient, attribute) for patient in patients)
        assert values[None] > 0 and values[True] > 0 and values[False] > 0, attribute
    osteoporotic = [p.trabecular_hu for p in patients if p.osteoporosis]
    normal = [p.trabecular_hu for p in patients if p.osteoporosis is False]
    assert sum(osteoporotic) / len(osteoporotic) < sum(normal) / len(normal) - 40
