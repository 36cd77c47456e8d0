"""Patient age: PatientAge (AS) first, else completed years from birth date to study date."""

from __future__ import annotations

from datetime import date

import pytest

from inference.dicom import ExclusionReason, check_protocol
from inference.dicom.age import completed_years, parse_age_string, patient_age

from .protocol_cases import metadata


@pytest.mark.parametrize(
    ("value", "years"),
    [
        ("065Y", 65.0),
        ("050Y", 50.0),
        ("006M", 0.5),
        ("600M", 50.0),
        ("052W", 52 * 7 / 365.25),
        ("365D", 365 / 365.25),
        ("65", 65.0),
        ("065y", 65.0),
    ],
)
def test_age_strings(value: str, years: float) -> None:
    assert parse_age_string(value) == pytest.approx(years)


@pytest.mark.parametrize("value", [None, "", "Y", "65 years", "0065Y", "-50Y", "50X"])
def test_unparseable_age_strings(value: str | None) -> None:
    assert parse_age_string(value) is None


@pytest.mark.parametrize(
    ("birth", "on", "years"),
    [
        (date(1975, 6, 10), date(2025, 6, 9), 49),  # the day before the 50th birthday
        (date(1975, 6, 10), date(2025, 6, 10), 50),  # on it
        (date(1975, 6, 10), date(2025, 6, 11), 50),
        (date(1975, 12, 31), date(2025, 1, 1), 49),
        (date(1976, 2, 29), date(2026, 2, 28), 49),  # leap-day birthday in a common year
        (date(1976, 2, 29), date(2026, 3, 1), 50),
    ],
)
def test_completed_years_respect_the_birthday(birth: date, on: date, years: int) -> None:
    assert completed_years(birth, on) == years


def test_birth_after_study_is_no_age() -> None:
    assert completed_years(date(2030, 1, 1), date(2025, 1, 1)) is None


def test_age_string_wins_over_dates() -> None:
    age = patient_age(age_string="070Y", birth_date=date(2000, 1, 1), study_date=date(2025, 1, 1))
    assert age is not None and age.years == 70


def test_dates_are_used_when_age_string_is_missing_or_malformed() -> None:
    for age_string in (None, "garbage"):
        age = patient_age(age_string=age_string, birth_date=date(1975, 6, 10), study_date=date(2025, 6, 10))
        assert age is not None and age.years == 50


def test_fifty_on_the_birthday_is_eligible_and_the_day_before_is_not() -> None:
    birthday = metadata(patient_age=None, patient_birth_date=date(1975, 6, 10), study_date=date(2025, 6, 10))
    day_before = metadata(
        patient_age=None, patient_birth_date=date(1975, 6, 11), study_date=date(2025, 6, 10)
    )
    assert check_protocol(birthday).eligible
    assert check_protocol(day_before).reasons == (ExclusionReason.AGE_BELOW_MINIMUM,)


def test_months_below_fifty_years_are_below_the_minimum() -> None:
    assert check_protocol(metadata(patient_age="599M")).reasons == (ExclusionReason.AGE_BELOW_MINIMUM,)
    assert check_protocol(metadata(patient_age="600M")).eligible


def test_birth_date_without_study_date_is_unknown_age() -> None:
    decision = check_protocol(metadata(patient_age=None, study_date=None))
    assert decision.reasons == (ExclusionReason.AGE_UNKNOWN,)
