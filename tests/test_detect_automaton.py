"""The compiled pattern matcher finds what ahocorasick_rs finds, in the same order, the
compiled cue gate names what the anchor hits name, and a phrase test answers as a regex of
the phrases does.

`_native.Automaton` replaces the library's automata on the detection path (the lexicon's,
the sentiment cue anchors', the question topics'); the pure-Python path keeps the library.
Every caller reads the matches in order (the lexicon scan's hits, the cue gate's anchors),
so the lists must be equal, not only the sets.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

import ahocorasick_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.detect import lexicon_build, native, questions, sentiment
from monitor.detect.gate import CueSet
from monitor.detect.sentiment_cues import SENTIMENT_CUES
from tests.detect_support import corpus, shared_normalizer, shipped_detector

pytestmark = pytest.mark.skipif(not native.AVAILABLE, reason="the extension is not built")


def library(patterns: Sequence[str], leftmost_longest: bool) -> ahocorasick_rs.AhoCorasick:
    if leftmost_longest:
        kind = ahocorasick_rs.MatchKind.LeftmostLongest
        return ahocorasick_rs.AhoCorasick(patterns, matchkind=kind)
    return ahocorasick_rs.AhoCorasick(patterns)


def agree(patterns: Sequence[str], texts: Sequence[str], leftmost_longest: bool) -> None:
    assert native.Automaton is not None
    compiled = native.Automaton(list(patterns), leftmost_longest)
    reference = library(patterns, leftmost_longest)
    ways = (False,) if leftmost_longest else (False, True)
    for text in texts:
        for overlapping in ways:
            got = compiled.find_matches_as_indexes(text, overlapping)
            assert got == reference.find_matches_as_indexes(text, overlapping), (text, overlapping)


def made_of(patterns: Sequence[str], rng: random.Random, count: int) -> list[str]:
    """Return texts strung from the patterns themselves (dense, overlapping matches)."""
    return ["".join(rng.choices(patterns, k=rng.randint(1, 6))) for _ in range(count)]


def test_the_lexicon_patterns_match_as_the_library_matches_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compiled: list[list[str]] = []

    def capture(patterns: Sequence[str], *, leftmost_longest: bool = False) -> native.Matcher:
        compiled.append(list(patterns))
        return native.automaton(patterns, leftmost_longest=leftmost_longest)

    inputs = shipped_detector().source.read()
    monkeypatch.setattr(lexicon_build, "automaton", capture)
    inputs.compile(shared_normalizer())
    # the literal and pinyin patterns, then the transliteration view's
    both, latin = compiled
    norm = shared_normalizer()
    texts = corpus()
    rng = random.Random(7)
    views = [norm.views(t) for t in texts]
    agree(both, [v.collapsed + "\0" + v.pinyin for v in views] + made_of(both, rng, 3000), False)
    agree(latin, texts + made_of(latin, rng, 3000), False)


@pytest.mark.parametrize("leftmost_longest", [True, False])
def test_the_cue_anchors_match_as_the_library_matches_them(leftmost_longest: bool) -> None:
    anchors = SENTIMENT_CUES.anchors
    texts = [t[:200].lower() for t in corpus()]
    agree(anchors, texts + made_of(anchors, random.Random(3), 5000), leftmost_longest)


def test_the_question_topics_match_as_the_library_matches_them() -> None:
    terms = [t for t, _ in questions._TERMS]
    texts = [t[:200].lower() for t in corpus()]
    agree(terms, texts + made_of(terms, random.Random(5), 5000), False)


def test_duplicate_and_nested_patterns_keep_the_library_order() -> None:
    patterns = ["ab", "b", "ab", "abc", "bc", "c", "abcd", "a", "b", "中", "中文", "文"]
    texts = ["abcd", "ababcd", "xabcabcdx", "中文", "中中文文", "", "a", "\0ab\0", "abcd中文" * 40]
    agree(patterns, texts, False)
    agree(sorted(set(patterns)), texts, True)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text("ab中文\0😀", min_size=1, max_size=4), min_size=1, max_size=12))
def test_random_pattern_sets_match_as_the_library_matches_them(patterns: list[str]) -> None:
    texts = [*made_of(patterns, random.Random(len(patterns)), 20), "ab中文😀ba", "aaaa"]
    agree(patterns, texts, False)
    agree(sorted(set(patterns)), texts, True)


def test_bad_patterns_and_texts_fail_as_the_library_fails() -> None:
    assert native.Automaton is not None
    with pytest.raises(ValueError, match="empty string"):
        native.Automaton(["a", ""])
    with pytest.raises(TypeError):
        native.Automaton(["a", 1])  # type: ignore[list-item]
    matcher = native.Automaton(["a"])
    with pytest.raises(UnicodeEncodeError):  # a lone surrogate: no UTF-8 for the library
        matcher.find_matches_as_indexes("a\ud800")
    with pytest.raises(TypeError):
        matcher.find_matches_as_indexes(b"a")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        native.Automaton(["a"], True).find_matches_as_indexes("a", True)
    assert matcher.find_matches_as_indexes("aa", overlapping=True) == [(0, 0, 1), (0, 1, 2)]


@pytest.mark.parametrize("cues", [SENTIMENT_CUES, questions.QUESTION_CUES])
def test_the_compiled_cue_gate_names_what_the_anchor_hits_name(cues: CueSet) -> None:
    # The Python path: every anchor hit in order, each with its own searches.
    rng = random.Random(11)
    texts = [t[:200].lower() for t in corpus()] + made_of(cues.anchors, rng, 5000)
    for text in [*texts, "好\ud800评", ""]:
        safe = text.encode("utf-8", "replace").decode("utf-8")
        hits = cues._automaton.find_matches_as_indexes(safe)
        assert cues.matches(text) == cues._verify(safe, hits), text


def test_the_cue_gate_rejects_bad_tables() -> None:
    assert native.Automaton is not None and native.CueGate is not None
    scan = native.Automaton(["a", "b"], True)
    regex = re.compile("a")
    with pytest.raises(ValueError):  # one mask and one search tuple per anchor
        native.CueGate(scan, (0,), ((), ()))
    with pytest.raises(ValueError):  # leftmost-longest only
        native.CueGate(native.Automaton(["a", "b"]), (0, 0), ((), ()))
    with pytest.raises(TypeError):
        native.CueGate(scan, (0, 0), (((1,),), ()))  # type: ignore[arg-type]
    with pytest.raises(OverflowError):
        native.CueGate(scan, (0, 0), (((-1, regex),), ()))
    gate = native.CueGate(scan, (1, 0), (((2, regex),), ((2, regex), (1, regex))))
    assert gate.pending("ba") == (1, [(2, regex)])  # once each; none for a name found outright


@pytest.mark.parametrize(
    "words", [sentiment.QUESTION_FORMS, sentiment.RHETORICAL, sentiment.NEGATORS, ("a", "ab中")]
)
def test_phrases_lie_where_the_regex_of_the_words_finds_them(words: Sequence[str]) -> None:
    regex = re.compile("|".join(map(re.escape, words)))
    occurs_in = native.phrases(words)
    rng = random.Random(13)
    texts = [*corpus(), *made_of(words, rng, 2000), "a\ud800b中", "", "ab中"]
    for text in texts:
        assert occurs_in(text) == (regex.search(text) is not None), text
        for _ in range(3):
            pos, endpos = rng.randint(-2, len(text) + 2), rng.randint(-2, len(text) + 2)
            found = regex.search(text, pos, endpos) is not None
            assert occurs_in(text, pos, endpos) == found, (text, pos, endpos)
