"""Tolerant readers for single DICOM attribute values.

Optional attributes come back as None when absent, empty or malformed; real-world headers are
full of all three, and none of them should stop a series from loading.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from datetime import date
from functools import cache
from pathlib import Path

from pydicom.datadict import dictionary_VR, tag_for_keyword
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue

from .errors import MissingTagError

# Value representations whose bytes are plain ASCII whatever the Specific Character Set says.
_ASCII_VRS = frozenset({"AE", "AS", "CS", "DA", "DS", "DT", "IS", "TM", "UI"})


@cache
def _tag(keyword: str) -> int:
    tag = tag_for_keyword(keyword)
    if tag is None:
        raise KeyError(f"not a DICOM keyword: {keyword}")
    return tag


@cache
def _dictionary_vr(tag: int) -> str | None:
    try:
        return dictionary_VR(tag)
    except KeyError:
        return None


def _raw(ds: Dataset, keyword: str) -> object | None:
    """The value as str / int or a list of them (or pydicom's own value).

    Parsing the raw bytes of ASCII and US elements directly is several times faster than pydicom's
    conversion, which matters when a few hundred headers are read for every series.
    """
    tag = _tag(keyword)
    element = ds.get_item(tag, keep_deferred=True)
    if isinstance(element, RawDataElement) and isinstance(element.value, bytes):
        vr = element.VR or _dictionary_vr(tag)
        if vr in _ASCII_VRS:
            return _ascii(element.value)
        if vr == "US" and len(element.value) % 2 == 0:
            numbers = struct.unpack(
                f"{'<' if element.is_little_endian else '>'}{len(element.value) // 2}H", element.value
            )
            return numbers[0] if len(numbers) == 1 else list(numbers)
    try:
        return ds.get(keyword)
    except (ValueError, TypeError, OverflowError):
        # pydicom converts raw bytes on first access; a malformed value must not escape.
        return None


def _ascii(value: bytes) -> str | list[str]:
    parts = [part.strip(" \x00") for part in value.decode("ascii", "replace").split("\\")]
    return parts[0] if len(parts) == 1 else parts


def text(ds: Dataset, keyword: str, *, join: str = "\\") -> str | None:
    """A string attribute, stripped; multi-valued ones joined with ``join``."""
    value = _raw(ds, keyword)
    if value is None:
        return None
    if isinstance(value, MultiValue | list | tuple):
        parts = [str(v).strip() for v in value if str(v).strip()]
        result = join.join(parts)
    else:
        result = str(value).strip()
    return result or None


def number(ds: Dataset, keyword: str) -> float | None:
    value = _raw(ds, keyword)
    if isinstance(value, MultiValue | list | tuple):
        value = value[0] if len(value) else None
    if value is None or value == "":
        return None
    try:
        result = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def integer(ds: Dataset, keyword: str) -> int | None:
    result = number(ds, keyword)
    if result is None or not result.is_integer():
        return None
    return int(result)


def numbers(ds: Dataset, keyword: str, count: int) -> tuple[float, ...] | None:
    """Exactly ``count`` finite numbers, or None."""
    value = _raw(ds, keyword)
    if value is None:
        return None
    items: Sequence[object] = value if isinstance(value, MultiValue | list | tuple) else [value]
    if len(items) != count:
        return None
    try:
        result = tuple(float(v) for v in items)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return result if all(math.isfinite(v) for v in result) else None


def required_numbers(ds: Dataset, keyword: str, count: int, path: Path) -> tuple[float, ...]:
    result = numbers(ds, keyword, count)
    if result is None:
        raise MissingTagError(keyword, path)
    return result


def required_integer(ds: Dataset, keyword: str, path: Path) -> int:
    result = integer(ds, keyword)
    if result is None:
        raise MissingTagError(keyword, path)
    return result


def dicom_date(value: str | None) -> date | None:
    """A DA value (YYYYMMDD; the old YYYY.MM.DD form is tolerated) as a date, else None."""
    if not value:
        return None
    digits = value.strip().replace(".", "")
    if len(digits) != 8 or not digits.isdigit():
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def date_attribute(ds: Dataset, keyword: str) -> date | None:
    return dicom_date(text(ds, keyword))
