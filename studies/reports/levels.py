"""Spinal level names in report text: "L1", "T 12", "Th12", "D12" (French dorsal), ranges and lists.

Works on *folded* text (lower case, accents stripped, one character per original character; see
``studies.reports.mentions.fold``) so offsets are those of the original report.

Handled: single levels C1–C7, T1–T12 (also "Th" and French "D"), L1–L5, S1–S5, with or without a space
("L 1"); ranges with "-", "to", "through", "à"/"au"/"jusqu'à" between two levels ("T11-L1", "de T11 à L1",
"from T11 to L1") and the short form "L4-5"; lists joined by ",", "and", "et", "or", "ou", "/", "&".
Not handled: levels written in words ("first lumbar vertebra"), Roman numerals ("D XII"), bare numbers in
lists ("L2 and 3"), "L6"/transitional vertebrae. "T1"/"T2" followed by an MRI word ("T1-weighted",
"T2 hypersignal") and TNM stages ("pT2", "T2 N0") are not levels. "S1 nerve root" still yields S1, and a
spaced chemotherapy cycle "C1 D1" reads as C1 and T1 (glued "C1D1" does not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEVEL_ORDER: tuple[str, ...] = (
    *(f"C{i}" for i in range(1, 8)),
    *(f"T{i}" for i in range(1, 13)),
    *(f"L{i}" for i in range(1, 6)),
    *(f"S{i}" for i in range(1, 6)),
)
_INDEX = {label: i for i, label in enumerate(LEVEL_ORDER)}
_LETTER = {"c": "C", "t": "T", "th": "T", "d": "T", "l": "L", "s": "S"}
_MAX = {"C": 7, "T": 12, "L": 5, "S": 5}

_SINGLE = re.compile(r"(?<!\w)(?P<letter>th|[ctdls])\s?(?P<number>1[0-2]|[1-9])(?![\w.,]\d|\w)")
_MRI = re.compile(
    r"\s?-?\s?(?:weighted|w\b|hyper|hypo|signal|sequence|pondere|ponderation|stir|flair|fat|gado|gd\b"
    r"|image|mapping)"
)
_TNM = re.compile(r"\s?n[0-3x]\b")
_RANGE_JOIN = re.compile(r"\s*(?:-|to|through|thru|a|au|jusqu'a|jusqu'au)\s*")
_SHORT_RANGE = re.compile(r"\s*[-/]\s*(1[0-2]|[1-9])(?![\w.,]\d|\w|\s?%|\s?mm|\s?cm)")
_LIST_JOIN = re.compile(r"\s*(?:,\s*)?(?:(?:and|et|or|ou|&|/|\+)\s*)?")


@dataclass(frozen=True)
class LevelSpan:
    """A run of levels named together ("T12", "T11-L1", "L1, L3 et L4"), labels in text order."""

    start: int
    end: int
    labels: tuple[str, ...]


def normalise_level(label: str) -> str | None:
    """The label in normal form ("l1" → "L1", "Th12"/"D12"/"T 12" → "T12"); None when not a level."""
    match = _SINGLE.fullmatch(label.strip().lower())
    return _label(match) if match else None


def level_range(first: str, last: str) -> tuple[str, ...]:
    """Levels from ``first`` to ``last`` inclusive in anatomical order (either way round)."""
    low, high = sorted((_INDEX[first], _INDEX[last]))
    return LEVEL_ORDER[low : high + 1]


def _label(match: re.Match[str]) -> str | None:
    letter = _LETTER[match.group("letter")]
    number = int(match.group("number"))
    return f"{letter}{number}" if number <= _MAX[letter] else None


def _singles(folded: str, start: int, end: int) -> list[tuple[int, int, str]]:
    found = []
    for match in _SINGLE.finditer(folded, start, end):
        label = _label(match)
        if label is None:
            continue
        mri = label in ("T1", "T2") and _MRI.match(folded, match.end(), end)
        if mri or (label[0] == "T" and _TNM.match(folded, match.end(), end)):
            continue
        found.append((match.start(), match.end(), label))
    return found


def find_level_spans(folded: str, start: int = 0, end: int | None = None) -> list[LevelSpan]:
    """Level runs in ``folded[start:end]``; ranges expanded, lists kept together."""
    end = len(folded) if end is None else end
    singles = _singles(folded, start, end)
    spans: list[LevelSpan] = []
    i = 0
    while i < len(singles):
        span_start, span_end, label = singles[i]
        labels = [label]
        while True:
            if i + 1 < len(singles):
                nxt_start, nxt_end, nxt_label = singles[i + 1]
                gap = folded[span_end:nxt_start]
                if _RANGE_JOIN.fullmatch(gap):
                    labels += [x for x in level_range(labels[-1], nxt_label) if x != labels[-1]]
                    span_end, i = nxt_end, i + 1
                    continue
                if _LIST_JOIN.fullmatch(gap):
                    labels.append(nxt_label)
                    span_end, i = nxt_end, i + 1
                    continue
            short = _SHORT_RANGE.match(folded, span_end, end)
            letter = labels[-1][0]
            if short and int(short.group(1)) <= _MAX[letter]:
                last = f"{letter}{int(short.group(1))}"
                if _INDEX[last] > _INDEX[labels[-1]]:
                    labels += list(level_range(labels[-1], last)[1:])
                    span_end = short.end()
                    continue
            break
        spans.append(LevelSpan(span_start, span_end, tuple(dict.fromkeys(labels))))
        i += 1
    return spans


def levels_in(folded: str, start: int = 0, end: int | None = None) -> tuple[str, ...]:
    """Every level named in ``folded[start:end]``, in order of first appearance."""
    return tuple(dict.fromkeys(x for span in find_level_spans(folded, start, end) for x in span.labels))
