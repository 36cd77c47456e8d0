"""Property tests of the report mention detector: any text is analysed without an exception, the
result is consistent with its sentences, and negation is stated per level."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from studies.reports.levels import LEVEL_ORDER
from studies.reports.mentions import find_mentions

HOSTILE = settings.get_profile("hostile")
WORDS = st.sampled_from(
    [
        "no",
        "not",
        "without",
        "pas",
        "de",
        "fracture",
        "compression",
        "tassement",
        "vertebral",
        "L1",
        "T12",
        "Th12",
        "D12",
        "L1-L3",
        "T3 to T5",
        "rib",
        "old",
        "known",
        "but",
        "?",
        ".",
        ",",
        ";",
        ":",
        "\n",
        "rule out",
        "éliminer",
        "mais",
        "and",
        "C7",
        "S1",
        "é",
        "\u2013",
        "'",
    ]
)
REPORTS = st.lists(WORDS, max_size=30).map(" ".join) | st.text(max_size=300)
NOISE = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", max_size=60)


@settings(HOSTILE)
@given(text=REPORTS)
def test_any_text_is_analysed_consistently(text: str) -> None:
    result = find_mentions(text)
    position = 0
    for sentence in result.sentences:
        assert position <= sentence.start <= sentence.end <= len(text)
        assert sentence.text == text[sentence.start : sentence.end]
        assert set(sentence.levels) <= set(LEVEL_ORDER)
        position = sentence.end
    assert result.fracture_mentioned == any(s.fracture_mention for s in result.sentences)
    assert result.fracture_levels <= set(LEVEL_ORDER)
    assert result.fracture_levels <= {
        level for s in result.sentences if s.fracture_mention for level in s.levels
    }
    if not result.fracture_mentioned:
        assert not result.fracture_levels and not result.unlocalised_fracture
    assert result.language in ("en", "fr")


@settings(HOSTILE)
@given(noise=NOISE, level=st.sampled_from(LEVEL_ORDER), french=st.booleans())
def test_a_negated_finding_is_not_a_mention_and_an_affirmed_one_is(
    noise: str, level: str, french: bool
) -> None:
    affirmed, negated = (
        (f"Tassement de {level}.", f"Pas de tassement de {level}.")
        if french
        else (f"{level} compression fracture.", f"No {level} compression fracture.")
    )
    assert find_mentions(f"{noise}\n{affirmed}").mentions_level(level)
    assert not find_mentions(f"{noise}\n{negated}").mentions_level(level)
    assert find_mentions(f"{noise}\n{negated}").sentences[-1].negated
