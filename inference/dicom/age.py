"""Patient age from PatientAge (AS) or from birth date and study date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

DAYS_PER_YEAR = 365.25
_AGE_STRING = re.compile(r"^\s*(\d{1,3})\s*([DWMY]?)\s*$", re.IGNORECASE)
_UNIT_YEARS = {"D": 1 / DAYS_PER_YEAR, "W": 7 / DAYS_PER_YEAR, "M": 1 / 12, "Y": 1.0}


@dataclass(frozen=True)
class PatientAge:
    years: float
    source: str  # human-readable origin, for messages


def parse_age_string(value: str | None) -> float | None:
    """Years from a DICOM AS value: ``nnnD``, ``nnnW``, ``nnnM`` or ``nnnY`` (no unit read as years)."""
    if not value:
        return None
    match = _AGE_STRING.match(value)
    if match is None:
        return None
    unit = (match.group(2) or "Y").upper()
    return int(match.group(1)) * _UNIT_YEARS[unit]


def completed_years(birth: date, on: date) -> int | None:
    """Whole years between birth and ``on``, counting a year only once the birthday is reached."""
    if on < birth:
        return None
    before_birthday = (on.month, on.day) < (birth.month, birth.day)
    return on.year - birth.year - int(before_birthday)


def patient_age(
    *, age_string: str | None, birth_date: date | None, study_date: date | None
) -> PatientAge | None:
    """PatientAge when it parses, else birth date vs study date, else None."""
    from_string = parse_age_string(age_string)
    if from_string is not None:
        return PatientAge(years=from_string, source=f"PatientAge {age_string}")
    if birth_date is not None and study_date is not None:
        years = completed_years(birth_date, study_date)
        if years is not None:
            return PatientAge(
                years=float(years),
                source=f"birth date {birth_date.isoformat()}, study date {study_date.isoformat()}",
            )
    return None
