"""The report text as HTML: spine-relevant sentences marked, fracture mentions emphasised with levels.

Every piece of report text goes through ``format_html`` (which escapes it); nothing is marked safe
that did not come out of it.
"""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from studies.reports.mentions import ReportMentions, Sentence


def _sentence_html(sentence: Sentence, fracture_levels: frozenset[str]) -> SafeString:
    if sentence.fracture_mention:
        levels = [label for label in sentence.levels if label in fracture_levels]
        where = ", ".join(levels) if levels else "level not given"
        return format_html(
            '<mark class="spine fracture-mention" data-levels="{}"><strong>{}</strong></mark>'
            ' <span class="mention-levels">fracture: {}</span>',
            " ".join(levels),
            sentence.text,
            where,
        )
    if sentence.spine_relevant:
        negated = " negated" if sentence.negated else ""
        return format_html('<mark class="spine{}">{}</mark>', negated, sentence.text)
    return format_html("{}", sentence.text)


def report_html(text: str, mentions: ReportMentions) -> SafeString:
    """``text`` with its sentences marked; the gaps between sentences are kept (escaped)."""
    parts: list[SafeString] = []
    position = 0
    for sentence in mentions.sentences:
        if sentence.start < position:  # overlapping sentences: never repeat or drop text
            continue
        parts.append(format_html("{}", text[position : sentence.start]))
        parts.append(_sentence_html(sentence, mentions.fracture_levels))
        position = sentence.end
    parts.append(format_html("{}", text[position:]))
    return format_html_join("", "{}", ((part,) for part in parts))
