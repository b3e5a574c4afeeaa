"""`CompiledLexicon._in_context` and `_pair_hits` on small lexicons: the cases the shipped
lexicon never reaches (the first pair, a cue inside an ordinary word, pairs sharing a part)."""

from __future__ import annotations

import pytest

from monitor.detect.lexicon import CompiledLexicon, Role
from monitor.detect.normalize import Normalizer


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer()


def fraud_pairs(normalizer: Normalizer, *pairs: str) -> CompiledLexicon:
    """Return a lexicon of fraud pairs, a category that reads negation."""
    entries = [(pair, Role.DENY, "fraud") for pair in pairs]
    return CompiledLexicon(
        normalizer, entries, frozenset(), negation_categories=frozenset({"fraud"})
    )


def deny(lexicon: CompiledLexicon, text: str) -> list[tuple[str, int, int]] | None:
    """Return (term, start, end) of each deny hit; None: nothing matched."""
    result = lexicon.scan(text, lexicon.normalizer.views(text))
    if result is None:
        return None
    return [(h.term.text, h.start, h.end) for h in result.deny]


def test_the_first_pair_asked_about_is_no_claim(normalizer: Normalizer) -> None:
    # Pair index 0 is a pair like any other (a `pair > 0` test would miss it).
    fraud = fraud_pairs(normalizer, "中奖&手续费")
    assert deny(fraud, "中奖了要交手续费") == [("中奖&手续费", 0, 8)]
    assert deny(fraud, "中奖了要交手续费吗") == []


def test_the_first_pair_skips_the_ordinary_word_check(normalizer: Normalizer) -> None:
    # The span of a pair runs from part to part; an ordinary word across its edge
    # (手续|费, 中奖|品) says nothing about it.
    fraud = CompiledLexicon(normalizer, [("中奖&手续", Role.DENY, "fraud")], frozenset())
    assert deny(fraud, "中奖了交手续费") == [("中奖&手续", 0, 6)]
    assert deny(fraud, "抽中奖品交手续费") == [("中奖&手续", 1, 7)]


def test_a_negated_pair_does_not_hide_the_next_pair_of_its_part_word(
    normalizer: Normalizer,
) -> None:
    # 手续费 and 保证金 are each in two pairs, so both fraud pairs with 中奖 are filed under it.
    fraud = fraud_pairs(normalizer, "中奖&手续费", "中奖&保证金", "手续费&保证金")
    assert [pair for pair, _ in fraud._anchored[0]] == [0, 1]
    assert deny(fraud, "中奖了，不用交手续费，交保证金") == [("中奖&保证金", 0, 13)]


def test_a_cue_written_as_listed_is_kept_inside_an_ordinary_word(
    normalizer: Normalizer,
) -> None:
    # Only a cue respelled by sound goes through the ordinary-word check (去死皮 is one).
    lexicon = CompiledLexicon(normalizer, [("去死", Role.CUE, "contact")], frozenset())
    result = lexicon.scan("去死皮", normalizer.views("去死皮"))
    assert result is not None
    assert [(h.term.text, h.start, h.end) for h in result.cues] == [("去死", 0, 2)]


def test_a_longer_term_written_as_listed_is_meant_across_ordinary_words(
    normalizer: Normalizer,
) -> None:
    # jieba reads 小红|书上: only two-character terms turn up by accident across words.
    lexicon = CompiledLexicon(normalizer, [("小红书", Role.DENY, "contact")], frozenset())
    assert deny(lexicon, "去小红书上看") == [("小红书", 1, 4)]


def test_a_two_character_cue_in_the_ordinary_word_is_no_alibi(normalizer: Normalizer) -> None:
    # 去死皮 holds the cue 死皮: the ordinary word clears neither of them.
    lexicon = CompiledLexicon(
        normalizer, [("去死", Role.DENY, "abuse"), ("死皮", Role.CUE, "contact")], frozenset()
    )
    assert deny(lexicon, "去死皮") == [("去死", 0, 2)]
