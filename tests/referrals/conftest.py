"""IR doctors with e-mail addresses and experience, and grade-3 referrals made by closing a review."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from studies.models import Referral, User
from studies.roles import Role
from tests.referrals.cases import confirm, referral_of
from tests.review.conftest import flagged_review, readers  # noqa: F401


@pytest.fixture
def ir_doctors(make_user) -> dict[str, User]:
    doctors = {}
    for name, years in (("ir1", 12), ("ir2", 4), ("ir3", 20)):
        doctor = make_user(Role.INTERVENTIONAL_RADIOLOGIST, username=name)
        doctor.email = f"{name}@hospital.invalid"
        doctor.ir_experience_years = years
        doctor.save()
        doctors[name] = doctor
    return doctors


@pytest.fixture
def grade3_referral(flagged_review, readers) -> Callable[[], Referral]:  # noqa: F811
    """A new referral: a flagged L1 grade-3 fracture confirmed by a junior and a senior."""

    def make() -> Referral:
        _, review = flagged_review()
        return referral_of(confirm(review, readers))

    return make
