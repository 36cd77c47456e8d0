"""Does a radiology report (English or French) mention a vertebral fracture, and at which levels?

Rule based, NegEx style: sentences are split keeping offsets, fracture terms are found on accent- and
case-folded text, each term is affirmed, negated ("no compression fracture", "pas de tassement") or
hypothetical ("to rule out a fracture", "éliminer un tassement", a sentence ending in "?"), and levels are
attached to the nearest finding in the sentence. Known, old, stable or hedged ("possible", "cannot be
excluded") fractures count as mentioned. A plain "fracture", "collapse", "wedging", "height loss",
"cunéiforme" or "effondrement" needs a vertebral word or a level in the sentence that is nearer than any
other bone or organ ("rib fracture", "fracture du col fémoral", "lobar collapse" are not vertebral).

Known limits: negation reaches at most 8 words forward and stops at "but"/"mais"/"except"/";"/":", or at
a comma/"and"/"with" followed by a level or by "known/old/stable/mild/ancien/connu…"; a plain comma list
after a negation stays negated. Levels in a list shared by two findings ("lesions at T3, T8 and L1
compression fracture") all go to the nearest one. Abbreviations like "VCF"/"#", numbered-word levels and
negations after the term other than "ruled out/excluded/absent/not seen/non retrouvé/: none" are missed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from studies.reports import vocabulary as vocab
from studies.reports.levels import LevelSpan, find_level_spans, levels_in, normalise_level

_CHAR_MAP = {"\u2018": "'", "\u2019": "'", "`": "'"} | dict.fromkeys("\u2010\u2011\u2013\u2014\u2212", "-")


@dataclass(frozen=True)
class Sentence:
    start: int  # character offsets in the original text
    end: int
    text: str
    spine_relevant: bool
    fracture_mention: bool  # affirms a vertebral fracture (not negated, not hypothetical-only)
    negated: bool  # a vertebral fracture term is present but negated
    levels: tuple[str, ...]  # every level named in the sentence, ranges expanded


@dataclass(frozen=True)
class ReportMentions:
    language: str  # "en" | "fr"
    sentences: tuple[Sentence, ...]
    fracture_mentioned: bool
    fracture_levels: frozenset[str]
    unlocalised_fracture: bool  # an affirmed mention with no level ("a vertebral fracture is noted")

    def mentions_level(self, label: str) -> bool:
        """Is a fracture affirmed at this level ("L1", "Th12", "D12")? Unlocalised mentions don't count."""
        return normalise_level(label) in self.fracture_levels


@lru_cache(maxsize=2048)
def _fold_char(char: str) -> str:
    if char in _CHAR_MAP:
        return _CHAR_MAP[char]
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).lower()
    if len(base) == 1:
        return base
    return char.lower() if len(char.lower()) == 1 else char


def fold(text: str) -> str:
    """Lower case, accents stripped, curly quotes and dashes made plain; same length as ``text``."""
    return "".join(_fold_char(char) for char in text)


_NEGATION_WINDOW = 8  # words between a negation cue and the term it negates


def _tokens(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _sentence_bounds(folded: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for i, char in enumerate(folded):
        after = folded[i + 1 : i + 2]
        if char == "\n" or char == ";" or (char in "!?" and not after.strip()):
            bounds.append((start, i + (char != "\n")))
            start = i + 1
        elif char == "." and not after.isalnum():
            word = re.search(r"[\w.]*$", folded[max(0, i - 8) : i])
            if word is None or word.group().lstrip(".") not in vocab.ABBREVIATIONS:
                bounds.append((start, i + 1))
                start = i + 1
    bounds.append((start, len(folded)))
    trimmed = []
    for start, end in bounds:
        while start < end and folded[start].isspace():
            start += 1
        while end > start and folded[end - 1].isspace():
            end -= 1
        if any(char.isalnum() for char in folded[start:end]):
            trimmed.append((start, end))
    return trimmed


def detect_language(text: str) -> str:
    """Returns "fr" when French function words and accents outnumber English function words, else "en"."""
    words = re.findall(r"(?<![\w'])[a-z]+'?(?![\w'])", fold(text))
    french = sum(w in vocab.FR_WORDS for w in words) + sum(c in "éèêàçùâîô" for c in text.lower())
    return "fr" if french > sum(w in vocab.EN_WORDS for w in words) else "en"


def _gap(folded: str, a: tuple[int, int], b: tuple[int, int]) -> str:
    """The text between two spans (empty when they overlap)."""
    return folded[a[1] : b[0]] if a[1] <= b[0] else folded[b[1] : a[0]] if b[1] <= a[0] else ""


def _spans(pattern: re.Pattern[str], folded: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in pattern.finditer(folded, start, end)]


def _is_vertebral(
    folded: str, term: tuple[int, int], context: list[tuple[int, int]], others: list[tuple[int, int]]
) -> bool:
    if not context:
        return False
    nearest = min(_tokens(_gap(folded, term, span)) for span in context)
    return all(nearest < _tokens(_gap(folded, term, span)) for span in others)


def _terms(text: str, folded: str, start: int, end: int, levels: list[LevelSpan]) -> list[tuple[int, int]]:
    strong = _spans(vocab.STRONG, folded, start, end)
    context = _spans(vocab.VERTEBRAL_CONTEXT, folded, start, end) + [(s.start, s.end) for s in levels]
    others = _spans(vocab.NON_VERTEBRAL, folded, start, end)
    others = [(s, e) for s, e in others if text[s : s + 4].lower() != "côté"]  # "côte" (rib) folds alike
    posterior = _spans(vocab.POSTERIOR_ELEMENT, folded, start, end)
    weak = [
        t
        for t in _spans(vocab.WEAK, folded, start, end)
        if _is_vertebral(folded, t, context, others)
        and not any(_tokens(_gap(folded, t, p)) <= 6 for p in posterior)  # "L1 transverse process fracture"
    ]
    kept: list[tuple[int, int]] = []
    for term in sorted(strong + weak, key=lambda t: (t[0], t[0] - t[1])):
        if not kept or term[0] >= kept[-1][1]:
            kept.append(term)
    return kept


def _applies(folded: str, cue: tuple[int, int], term: tuple[int, int]) -> bool:
    """Does a negation (or hypothetical) cue reach forward to this term?"""
    between = folded[cue[1] : term[0]]
    if vocab.TERMINATOR.search(between) or _tokens(between) > _NEGATION_WINDOW:
        return False
    separators = list(vocab.CLAUSE_JOIN.finditer(between))
    if not separators:
        return True
    last = cue[1] + separators[-1].start()  # "no effusion, mild L1 fracture"; "pas de X, tassement connu"
    if vocab.RESET_AFTER.match(folded, last, term[0]) or find_level_spans(folded, last, term[0]):
        return False
    return not vocab.KNOWN_AFTER.match(folded, term[1])


def _status(folded: str, start: int, end: int, term: tuple[int, int]) -> str:
    """One of "affirmed", "negated" or "hypothetical" for the term at ``term``."""
    pseudo = _spans(vocab.PSEUDO_NEGATION, folded, start, end)

    def free(cue: tuple[int, int]) -> bool:  # not part of "no change in", "cannot be excluded"…
        return not any(p[0] <= cue[0] < p[1] for p in pseudo)

    before = [cue for cue in _spans(vocab.NEGATION, folded, start, term[0]) if free(cue)]
    if any(_applies(folded, cue, term) for cue in before):
        return "negated"
    window = re.split(r"[,;]", folded[term[1] : end], maxsplit=1)[0]
    if vocab.POST_NEGATION.search(window) and not vocab.PSEUDO_NEGATION.search(window):
        return "negated"
    hypothetical = [cue for cue in _spans(vocab.HYPOTHETICAL, folded, start, term[0]) if free(cue)]
    if folded[start:end].rstrip().endswith("?") or any(_applies(folded, c, term) for c in hypothetical):
        return "hypothetical"
    return "affirmed"


def _cost(folded: str, a: tuple[int, int], b: tuple[int, int]) -> float:
    gap = _gap(folded, a, b)
    penalty = 3 * len(vocab.SEPARATOR.findall(gap)) + 20 * len(vocab.TERMINATOR.findall(gap))
    return _tokens(gap) + penalty + (0.5 if a[0] > b[0] else 0.0)  # ties: the finding before the level


def _analyse(text: str, folded: str, start: int, end: int) -> tuple[Sentence, list[tuple[str, ...]]]:
    """The sentence and, for each affirmed fracture mention in it, its levels."""
    level_spans = find_level_spans(folded, start, end)
    terms = _terms(text, folded, start, end, level_spans)
    statuses = [_status(folded, start, end, term) for term in terms]
    anchors = [(term, status) for term, status in zip(terms, statuses, strict=True)]
    anchors += [(span, "other") for span in _spans(vocab.OTHER_FINDING, folded, start, end)]
    attached: dict[tuple[int, int], list[str]] = {term: [] for term in terms}
    for level in level_spans:
        place = (level.start, level.end)
        if anchors:
            anchor, _ = min(anchors, key=lambda item: _cost(folded, item[0], place))
            if anchor in attached:
                attached[anchor].extend(level.labels)
    affirmed: list[tuple[str, ...]] = []
    for term, status in zip(terms, statuses, strict=True):
        if status != "affirmed":
            continue
        labels = attached[term]
        if not labels and level_spans:  # "lytic lesion of T10 with pathological fracture"
            nearest = min(level_spans, key=lambda s: _cost(folded, term, (s.start, s.end)))
            labels = list(nearest.labels)
        affirmed.append(tuple(dict.fromkeys(labels)))
    sentence = Sentence(
        start=start,
        end=end,
        text=text[start:end],
        spine_relevant=bool(terms or level_spans or vocab.SPINE.search(folded, start, end)),
        fracture_mention=bool(affirmed),
        negated="negated" in statuses,
        levels=levels_in(folded, start, end),
    )
    return sentence, affirmed


def find_mentions(text: str) -> ReportMentions:
    """Sentences of ``text`` with their fracture mentions, negations and levels."""
    folded = fold(text)
    sentences: list[Sentence] = []
    levels: set[str] = set()
    unlocalised = False
    for start, end in _sentence_bounds(folded):
        sentence, affirmed = _analyse(text, folded, start, end)
        sentences.append(sentence)
        for labels in affirmed:
            levels.update(labels)
            unlocalised = unlocalised or not labels
    return ReportMentions(
        language=detect_language(text),
        sentences=tuple(sentences),
        fracture_mentioned=any(s.fracture_mention for s in sentences),
        fracture_levels=frozenset(levels),
        unlocalised_fracture=unlocalised,
    )
