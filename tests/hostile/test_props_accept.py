"""Property tests of the Accept header parser and the multipart/related writer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from studies.dicomweb import multipart
from studies.dicomweb.accept import IMAGE_TYPES, NATIVE, Choice, choose_frames, choose_instances, parse_accept
from studies.dicomweb.errors import NotAcceptable
from tests.dicomweb.conftest import split_multipart

HOSTILE = settings.get_profile("hostile")
PIECES = st.sampled_from(
    [
        "multipart/related",
        "type=",
        '"application/octet-stream"',
        "application/dicom",
        "image/jls",
        "*/*",
        "*",
        "transfer-syntax=*",
        f"transfer-syntax={NATIVE}",
        "q=0",
        "q=0.5",
        "q=nan",
        "q=-1",
        "q=inf",
        ";",
        ",",
        '"',
        "=",
        " ",
        "image/*",
    ]
)
HEADERS = st.lists(PIECES, max_size=12).map("".join) | st.text(max_size=60)
SYNTAXES = st.sampled_from([NATIVE, "1.2.840.10008.1.2", *IMAGE_TYPES, "1.2.3.4"])


@settings(HOSTILE)
@given(header=HEADERS | st.none())
def test_accept_header_parses_to_ranges_best_first(header: str | None) -> None:
    ranges = parse_accept(header)
    qualities = [r.quality for r in ranges]
    assert all(q > 0 for q in qualities) and qualities == sorted(qualities, reverse=True)


@settings(HOSTILE)
@given(header=HEADERS | st.none(), stored=SYNTAXES)
def test_a_choice_or_406(header: str | None, stored: str) -> None:
    try:
        choice = choose_frames(header, stored)
    except NotAcceptable as error:
        assert error.status == 406 and str(error)
    else:
        assert isinstance(choice, Choice)
        assert choice.transfer_syntax in (NATIVE, stored)
        assert choice.as_stored or choice.transfer_syntax == NATIVE
    try:
        asked = choose_instances(header)
    except NotAcceptable as error:
        assert error.status == 406
    else:
        assert asked is None or isinstance(asked, str)


@settings(HOSTILE)
@given(
    parts=st.lists(
        st.tuples(
            st.sampled_from(["application/octet-stream", "image/jls; transfer-syntax=1.2"]), st.binary()
        ),
        min_size=1,
        max_size=5,
    )
)
def test_multipart_bodies_split_back_into_their_parts(parts: list[tuple[str, bytes]]) -> None:
    boundary = multipart.new_boundary()
    body = multipart.encode(parts, boundary)
    assert body == b"".join(multipart.stream(((t, [p]) for t, p in parts), boundary))
    assert split_multipart(body, multipart.content_type("application/octet-stream", boundary)) == parts
