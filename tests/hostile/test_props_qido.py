"""Property tests of the QIDO-RS parameter parser and its wildcard matcher: any parameters give a
query or a ``BadRequest`` (400), and a wildcard pattern matches exactly what shell-style globbing
would, in linear time."""

from __future__ import annotations

import fnmatch
import re
import time

from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st

from studies.dicomweb.errors import BadRequest
from studies.dicomweb.qido import Level, Query, glob_regex, parse

HOSTILE = settings.get_profile("hostile")
NAMES = st.sampled_from(
    [
        "limit",
        "offset",
        "includefield",
        "fuzzymatching",
        "StudyDate",
        "StudyInstanceUID",
        "PatientID",
        "PatientName",
        "ModalitiesInStudy",
        "SeriesNumber",
        "SOPInstanceUID",
        "InstanceNumber",
        "00080020",
        "0020000D",
        "NoSuch",
        "99999999",
        "",
    ]
) | st.text(max_size=12)
VALUES = st.sampled_from(
    ["", "*", "?", "-", "20240101-", "-20240101", "1.2.3", "1,2", "a\\b", "%00"]
) | st.text(max_size=30)


@settings(HOSTILE)
@given(pairs=st.lists(st.tuples(NAMES, VALUES), max_size=6), level=st.sampled_from(list(Level)))
def test_any_parameters_give_a_query_or_400(pairs: list[tuple[str, str]], level: Level) -> None:
    params = QueryDict(mutable=True)
    for name, value in pairs:
        params.appendlist(name, value)
    try:
        query = parse(params, level)
    except BadRequest as error:
        assert str(error) and error.status == 400
    else:
        assert isinstance(query, Query)
        assert query.limit is None or query.limit >= 1
        assert query.offset >= 0


ALPHABET = st.text(alphabet="ab.", max_size=16)
PATTERNS = st.text(alphabet="ab.*?", max_size=12)


@settings(HOSTILE)
@given(pattern=PATTERNS, value=ALPHABET)
def test_wildcards_match_like_globbing(pattern: str, value: str) -> None:
    expected = fnmatch.fnmatchcase(value, pattern)
    for atomic in (True, False):
        assert bool(re.search(glob_regex(pattern, atomic=atomic), value)) is expected, (pattern, atomic)


@settings(HOSTILE)
@given(stars=st.integers(1, 40), length=st.integers(1, 64))
def test_atomic_wildcards_run_in_linear_time(stars: int, length: int) -> None:
    regex = re.compile(glob_regex("*a" * stars + "*b", atomic=True), re.IGNORECASE)
    started = time.monotonic()
    assert regex.search("a" * length) is None
    assert time.monotonic() - started < 0.5
