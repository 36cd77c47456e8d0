"""Spec validation and identity defaults."""

from __future__ import annotations

from datetime import date

import pytest

from inference.phantom import FractureSpec, PhantomSpec, PhantomSpecError, default_identity, generate_phantom
from inference.phantom.spec import levels_in_view, validate


def test_defaults_are_valid_and_cover_t1_to_l5() -> None:
    validate(PhantomSpec())
    assert levels_in_view(PhantomSpec()) == tuple(f"T{i}" for i in range(1, 13)) + tuple(
        f"L{i}" for i in range(1, 6)
    )
    assert levels_in_view(PhantomSpec(levels=("C7", "S1")))[0] == "C7"


@pytest.mark.parametrize(
    "spec",
    [
        PhantomSpec(levels=("L1", "T1")),
        PhantomSpec(fractures=(FractureSpec("L1", "wedge", -1.0),)),
        PhantomSpec(fractures=(FractureSpec("S1", "wedge", 30.0),), levels=("T1", "S1")),
        PhantomSpec(fractures=(FractureSpec("L1", "wedge", 30.0), FractureSpec("L1", "crush", 30.0))),
        PhantomSpec(lytic=("L1", "L1")),
        PhantomSpec(size=8),
        PhantomSpec(noise_hu=-1.0),
    ],
)
def test_impossible_specs_are_refused_with_one_line(spec: PhantomSpec) -> None:
    with pytest.raises(PhantomSpecError) as caught:
        generate_phantom(spec)
    assert "\n" not in str(caught.value)


def test_default_identity_is_consistent_with_the_age() -> None:
    for seed in range(20):
        identity = default_identity(PhantomSpec(seed=seed, age=67))
        birth, study = identity.patient_birth_date, identity.study_date
        assert birth is not None and isinstance(study, date)
        age = study.year - birth.year - ((study.month, study.day) < (birth.month, birth.day))
        assert age == 67 and identity.patient_age == "067Y"
