"""QIDO-RS query parameters (PS3.18 8.3.4): attribute matching, includefield, limit and offset.

Parameters name attributes by keyword (``PatientID``) or tag (``00100020``). Matching supported:
single value, UID lists (comma or backslash separated, or the parameter repeated), ``*``/``?``
wildcards on text, dates and date ranges (``YYYYMMDD``, ``A-B``, ``-B``, ``A-``). Anything else is
a ``BadRequest`` naming the parameter. ``fuzzymatching`` is accepted and ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from django.db import connection
from django.db.models import Q
from django.http import QueryDict
from pydicom.datadict import keyword_for_tag, tag_for_keyword

from studies.dicomweb.errors import BadRequest, check_uid

MAX_RESULTS = 5000  # per request; more is cut with a Warning header
MAX_OFFSET = 2**31 - 1  # databases take 64-bit offsets; no result set here comes near this
INT_RANGE = (-(2**31), 2**31 - 1)  # an IS value (PS3.5 6.2)
MAX_TEXT = 256  # no matchable attribute is longer than 64 characters
_TAG = re.compile(r"^[0-9A-Fa-f]{8}$")
_DATE = re.compile(r"^\d{8}$")


class Level(StrEnum):
    STUDY = "study"
    SERIES = "series"
    INSTANCE = "instance"


class Kind(StrEnum):
    UID = "uid"
    TEXT = "text"  # wildcards allowed, case-sensitive
    NAME = "name"  # wildcards allowed, case-insensitive
    DATE = "date"
    INTEGER = "integer"
    CODES = "codes"  # a list of code strings (ModalitiesInStudy)


@dataclass(frozen=True)
class Attribute:
    keyword: str
    level: Level
    kind: Kind
    path: str  # the model field, relative to the level's model


# Matchable attributes; each level's queryset can reach the levels above it.
ATTRIBUTES: dict[str, Attribute] = {
    a.keyword: a
    for a in (
        Attribute("StudyInstanceUID", Level.STUDY, Kind.UID, "study_instance_uid"),
        Attribute("PatientID", Level.STUDY, Kind.TEXT, "patient__pseudo_id"),
        Attribute("PatientName", Level.STUDY, Kind.NAME, "patient__pseudo_id"),
        Attribute("StudyDate", Level.STUDY, Kind.DATE, "study_date"),
        Attribute("AccessionNumber", Level.STUDY, Kind.TEXT, "accession_number"),
        Attribute("StudyDescription", Level.STUDY, Kind.NAME, "description"),
        Attribute("ModalitiesInStudy", Level.STUDY, Kind.CODES, "series__modality"),
        Attribute("SeriesInstanceUID", Level.SERIES, Kind.UID, "series_instance_uid"),
        Attribute("Modality", Level.SERIES, Kind.CODES, "modality"),
        Attribute("SeriesNumber", Level.SERIES, Kind.INTEGER, "series_number"),
        Attribute("SeriesDescription", Level.SERIES, Kind.NAME, "description"),
        Attribute("SOPInstanceUID", Level.INSTANCE, Kind.UID, "sop_instance_uid"),
        Attribute("SOPClassUID", Level.INSTANCE, Kind.UID, "sop_class_uid"),
        Attribute("InstanceNumber", Level.INSTANCE, Kind.INTEGER, "instance_number"),
    )
}
_PREFIX = {  # from a level's model to the model of the attribute's level
    (Level.STUDY, Level.STUDY): "",
    (Level.SERIES, Level.STUDY): "study__",
    (Level.SERIES, Level.SERIES): "",
    (Level.INSTANCE, Level.STUDY): "series__study__",
    (Level.INSTANCE, Level.SERIES): "series__",
    (Level.INSTANCE, Level.INSTANCE): "",
}
_ORDER = [Level.STUDY, Level.SERIES, Level.INSTANCE]


@dataclass
class Query:
    level: Level
    filters: list[Q] = field(default_factory=list)
    include_all: bool = False
    include: set[str] = field(default_factory=set)  # keywords
    limit: int | None = None
    offset: int = 0
    passthrough: dict[str, object] = field(default_factory=dict)  # for a PACS (dicomweb-client arguments)


def keyword_of(name: str) -> str:
    """The keyword a parameter names (keyword or 8-digit tag); BadRequest when it names none."""
    if _TAG.match(name):
        keyword = keyword_for_tag(int(name, 16))
        if not keyword:
            raise BadRequest(f"query parameter {name!r} is not a known DICOM attribute")
        return keyword
    if tag_for_keyword(name) is None:
        raise BadRequest(
            f"query parameter {name[:64]!r} is neither a DICOM keyword nor a tag, nor a QIDO-RS option"
        )
    return name


def parse(params: QueryDict, level: Level) -> Query:
    query = Query(level)
    filters: dict[str, object] = {}
    for name in params:
        values = [v for v in params.getlist(name)]
        if any("\x00" in v for v in (name, *values)):  # PostgreSQL refuses NUL in any string
            raise BadRequest(f"query parameter {name[:64]!r} holds a NUL character")
        if name == "limit":
            query.limit = _integer(name, values[-1], minimum=1, maximum=MAX_OFFSET)
        elif name == "offset":
            query.offset = _integer(name, values[-1], minimum=0, maximum=MAX_OFFSET)
        elif name == "includefield":
            _includefield(query, values)
        elif name == "fuzzymatching":
            if values[-1].lower() not in ("true", "false"):
                raise BadRequest("fuzzymatching must be true or false")
        else:
            keyword = keyword_of(name)
            attribute = ATTRIBUTES.get(keyword)
            if attribute is None:
                raise BadRequest(f"matching on {keyword} is not supported")
            if _ORDER.index(attribute.level) > _ORDER.index(level):
                raise BadRequest(f"{keyword} is an attribute of {attribute.level}s: it cannot match {level}s")
            query.filters.append(_matcher(attribute, _PREFIX[(level, attribute.level)], values))
            filters[keyword] = ",".join(values)
    query.passthrough = {"search_filters": filters, "offset": query.offset}
    if query.limit is not None:
        query.passthrough["limit"] = query.limit
    if query.include_all:
        query.passthrough["fields"] = ["all"]
    elif query.include:
        query.passthrough["fields"] = sorted(query.include)
    return query


def _integer(name: str, value: str, *, minimum: int, maximum: int) -> int:
    text = value.strip()
    if not re.fullmatch(r"[0-9]{1,18}", text) or not minimum <= int(text) <= maximum:
        raise BadRequest(f"{name} must be an integer from {minimum} to {maximum}, not {value[:40]!r}")
    return int(text)


def _includefield(query: Query, values: list[str]) -> None:
    for value in values:
        for name in filter(None, (v.strip() for v in value.split(","))):
            if name.lower() == "all":
                query.include_all = True
            else:
                query.include.add(keyword_of(name))


def _split_values(values: list[str]) -> list[str]:
    return [v.strip() for value in values for v in re.split(r"[,\\]", value) if v.strip()]


def _matcher(attribute: Attribute, prefix: str, values: list[str]) -> Q:
    path = prefix + attribute.path
    if attribute.kind is Kind.UID:
        uids = [check_uid(v, attribute.keyword) for v in _split_values(values)]
        return Q(**{f"{path}__in": uids})
    if attribute.kind is Kind.CODES and attribute.keyword == "ModalitiesInStudy":
        # A study matches when one of its series does; a subquery keeps the study rows single.
        from studies.models import Series

        studies = Series.objects.filter(modality__in=_split_values(values)).values("study_id")
        return Q(**{f"{prefix}pk__in": studies})
    if attribute.kind is Kind.CODES:
        return Q(**{f"{path}__in": _split_values(values)})
    value = values[-1].strip()
    if len(value) > MAX_TEXT:
        raise BadRequest(f"{attribute.keyword} value is longer than {MAX_TEXT} characters")
    if attribute.kind is Kind.INTEGER:
        low, high = INT_RANGE
        if not re.fullmatch(r"-?[0-9]{1,10}", value) or not low <= int(value) <= high:
            raise BadRequest(
                f"{attribute.keyword} must be an integer from {low} to {high}, not {value[:40]!r}"
            )
        return Q(**{path: int(value)})
    if attribute.kind is Kind.DATE:
        return _date_range(attribute.keyword, path, value)
    return _text(path, value, ignore_case=attribute.kind is Kind.NAME)


def _text(path: str, value: str, *, ignore_case: bool) -> Q:
    if not value or value == "*":
        return Q()
    if "*" not in value and "?" not in value:
        return Q(**{f"{path}__{'iexact' if ignore_case else 'exact'}": value})
    pattern = glob_regex(value, atomic=connection.vendor == "sqlite")
    return Q(**{f"{path}__{'iregex' if ignore_case else 'regex'}": pattern})


def glob_regex(value: str, *, atomic: bool) -> str:
    """The regular expression of a QIDO wildcard value (``*`` any run, ``?`` one character).

    A plain translation (``^.*a.*a.*b$``) backtracks exponentially in a backtracking engine (Python's,
    which SQLite's REGEXP uses): a few stars against a 64-character value hang the request. With
    ``atomic`` each inner segment is found at its first occurrence and never revisited, which is
    enough (the segments have fixed lengths, so the earliest match leaves the most for the rest):
    linear time. PostgreSQL's engine does not backtrack like this and lacks atomic groups."""
    segments = ["".join("." if c == "?" else re.escape(c) for c in part) for part in re.split(r"\*+", value)]
    if len(segments) == 1:
        return f"^{segments[0]}$"
    first, *inner, last = segments
    if atomic:
        middle = "".join(f"(?>.*?{segment})" for segment in inner if segment)
    else:
        middle = "".join(f".*{segment}" for segment in inner)
    return f"^{first}{middle}.*{last}$"


def _parse_date(keyword: str, text: str) -> date:
    if not _DATE.match(text):
        raise BadRequest(f"{keyword} {text[:40]!r} is not a date (YYYYMMDD) or a range YYYYMMDD-YYYYMMDD")
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise BadRequest(f"{keyword} {text!r} is not a valid date") from None


def _date_range(keyword: str, path: str, value: str) -> Q:
    if "-" not in value:
        return Q(**{path: _parse_date(keyword, value)})
    start, _, end = value.partition("-")
    if not start and not end:
        raise BadRequest(f"{keyword} range {value!r} has neither a start nor an end")
    q = Q()
    if start:
        q &= Q(**{f"{path}__gte": _parse_date(keyword, start)})
    if end:
        q &= Q(**{f"{path}__lte": _parse_date(keyword, end)})
    if start and end and _parse_date(keyword, start) > _parse_date(keyword, end):
        raise BadRequest(f"{keyword} range {value!r} ends before it starts")
    return q
