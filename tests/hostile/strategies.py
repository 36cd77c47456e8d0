"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

from hypothesis import strategies as st

from tests.hostile import corpus

VALID = corpus.ct_slice()
LENGTHS = (b"\xff\xff\xff\xff", b"\xf0\xff\xff\xff", b"\x00\x00\x01\x00")


@st.composite
def mutations(draw: st.DrawFn, valid: bytes = VALID) -> bytes:
    """``valid`` with a few bytes overwritten, lengths made enormous, a piece cut out or the end cut off."""
    data = bytearray(valid)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(128, len(data) - 1))
        kind = draw(st.sampled_from(["byte", "length", "cut", "truncate"]))
        if kind == "byte":
            data[at] = draw(st.integers(0, 255))
        elif kind == "length":
            data[at : at + 4] = draw(st.sampled_from(LENGTHS))
        elif kind == "cut":
            del data[at : at + draw(st.integers(1, 64))]
        else:
            del data[at:]
        if len(data) <= 132:
            break
    return bytes(data)
