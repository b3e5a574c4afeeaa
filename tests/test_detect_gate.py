"""Anchored phrase regexes find what the plain regexes find."""

from __future__ import annotations

import functools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.detect.gate import CueSet, anchors, leading, present, split_alternatives
from monitor.detect.sentiment_cues import SENTIMENT_CUES, SENTIMENT_PATTERNS

PATTERNS = {
    "stuck": (r"[停卡躺]在.{0,4}(?:不动|没动)|一动不动", "", ""),
    "smell": (r"一股.{0,3}[味气]|霉味", r"(?<![不没])", r"(?![吗])"),
    "plain": (r"透光|透肉|不好用", "", ""),
    "ask": (r"[?？]|吗$|(?P<a>.)不(?P=a)", "", ""),
}
CUES = CueSet(PATTERNS)
ALPHABET = "停卡躺在不动没一股味气霉透光肉好用吗？?辣是的了"


def plain(text: str, patterns: dict[str, tuple[str, str, str]] = PATTERNS) -> set[str]:
    return {
        name
        for name, (p, prefix, suffix) in patterns.items()
        if re.search(f"{prefix}(?:{p}){suffix}", text)
    }


def test_split_alternatives_keeps_groups_classes_and_escapes_whole() -> None:
    assert split_alternatives(r"a|b(c|d)|[|x]|\|y|(?:p|q)r") == [
        "a", "b(c|d)", "[|x]", r"\|y", "(?:p|q)r",
    ]  # fmt: skip


def test_anchors_are_the_longest_mandatory_literals() -> None:
    assert anchors(r"一股.{0,5}[味气]") == {"一股"}
    assert anchors(r"透(?:光|肉)") == {"透光", "透肉"}
    assert anchors(r"(?:说好的|说是).{1,9}结果") == {"结果"}
    assert anchors(r"[停卡]在") == {"停在", "卡在"}
    assert anchors(r".{0,3}") is None


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("快递停在杭州不动了", {"stuck"}),
        ("一股霉味", {"smell"}),
        ("不一股味", set()),  # the negator prefix holds
        ("一股味吗", {"ask"}),  # the suffix holds, 吗 at the end asks
        ("辣不辣", {"ask"}),
        ("不好用？", {"plain", "ask"}),
        ("主播好", set()),
    ],
)
def test_cue_set_matches_what_the_plain_regexes_match(text: str, names: set[str]) -> None:
    assert CUES.matches(text) == names == plain(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=16))
def test_exact_matches_equal_the_plain_regexes_and_the_fast_scan_never_invents(
    text: str,
) -> None:
    exact = CUES.exact_matches(text)
    assert exact == plain(text)
    assert CUES.matches(text) <= exact


SHIPPED_ALPHABET = "不没好用看真棒，。?？吗了天都还在一股味透光说好的结果主播几大退款发货怎么为什么"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=SHIPPED_ALPHABET, max_size=24) | st.text(max_size=24))
def test_shipped_cues_find_exactly_what_their_plain_regexes_find(text: str) -> None:
    text = text.encode("utf-8", "replace").decode("utf-8")
    assert SENTIMENT_CUES.exact_matches(text) == plain(text, SENTIMENT_PATTERNS)
    assert SENTIMENT_CUES.matches(text) <= SENTIMENT_CUES.exact_matches(text)


def test_a_broken_pattern_fails_at_build_time() -> None:
    with pytest.raises(re.error):
        CueSet({"bad": (r"(unclosed", "", "")})


def test_leading_lists_the_first_characters_of_every_match() -> None:
    assert leading(r"(?<![不没])(?:好评|五星)") == r"(?=[五好])(?:(?<![不没])(?:好评|五星))"
    assert leading(r"a?b|[c-e]x*") == r"(?=[abcde])(?:a?b|[c-e]x*)"
    # The engine finds a first literal or class by itself: no lookahead.
    assert leading(r"主播.{0,3}结婚") == r"主播.{0,3}结婚"
    assert leading(r"[这那]么好") == r"[这那]么好"
    # Text starting anywhere, or able to match nothing, is left alone.
    for pattern in (r"(?P<a>.)不(?P=a)", r"x*", r"[^a]b", r"\sy", r"$"):
        assert leading(pattern) == pattern


LEAD_ALPHABET = "不没好评五星真太看用，, \n说是结果坏了1２"


@functools.cache
def with_leads() -> list[tuple[str, str, str, str]]:
    """Return each pattern and its `leading` form, bare and with its prefix and suffix
    (once: parsing the shipped patterns costs far more than searching one text)."""
    out = []
    for pattern, prefix, suffix in [*PATTERNS.values(), *SENTIMENT_PATTERNS.values()]:
        whole = f"{prefix}(?:{pattern}){suffix}"
        out.append((pattern, leading(pattern), whole, leading(whole)))
    return out


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=LEAD_ALPHABET, max_size=30))
def test_a_leading_lookahead_moves_no_match(text: str) -> None:
    for pattern, lead, whole, whole_lead in with_leads():
        assert (re.search(pattern, text) is None) == (re.search(lead, text) is None)
        found, fast = re.search(whole, text), re.search(whole_lead, text)
        assert (found and found.span()) == (fast and fast.span()), (whole[:40], text)


def test_present_reads_the_first_character_by_a_class_and_the_pattern_behind_it() -> None:
    wrapped = r"[五好](?<=(?=(?:(?<![不没])(?:好评|五星)))[\s\S])"
    assert present(r"(?<![不没])(?:好评|五星)") == wrapped
    # What leading leaves alone stays; a group referred to inside the lookbehind is refused
    # by the engine there, so leading's form is kept.
    for pattern in (r"主播.{0,3}结婚", r"[这那]么好", r"x*", r"[^a]b", r"$"):
        assert present(pattern) == leading(pattern) == pattern
    pattern = r"(?<=(?P<a>好))不(?P=a)|(?<!没)有人"
    assert present(pattern) == leading(pattern)


def shipped_branches() -> list[str]:
    """Return every alternative of the shipped cues, each with its wraps, and each whole."""
    out = []
    for pattern, prefix, suffix in SENTIMENT_PATTERNS.values():
        out.append(f"{prefix}(?:{pattern}){suffix}")
        out.extend(f"{prefix}(?:{b}){suffix}" for b in split_alternatives(pattern))
    return out


BRANCHES = [(p, re.compile(p), re.compile(present(p))) for p in shipped_branches()]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=LEAD_ALPHABET + "都收到么吗？?没有人管怎么还", max_size=30), st.data())
def test_present_finds_a_match_where_the_pattern_does(text: str, data: st.DataObject) -> None:
    pos = data.draw(st.integers(-1, len(text) + 1))
    endpos = data.draw(st.integers(-1, len(text) + 1))
    for pattern, plain, fast in BRANCHES:
        assert (plain.search(text) is None) == (fast.search(text) is None), (pattern[:40], text)
        found = plain.search(text, pos, endpos) is None
        assert found == (fast.search(text, pos, endpos) is None), (pattern[:40], text, pos)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab，,\n", max_size=26))
def test_the_sarcasm_gap_reads_the_same_texts(gap: str) -> None:
    # sentiment_cues.SARCASM reads `.{1,12}[，,]?.{0,10}` as this, one way per length.
    assert (re.fullmatch(r".{1,12}[，,]?.{0,10}", gap) is None) == (
        re.fullmatch(r"(?:.{1,22}|.{12}[，,].{10})", gap) is None
    )


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="好不是\n?", max_size=12))
def test_x_not_x_reads_the_same_texts_from_its_not(text: str) -> None:
    # questions._ASKS reads (?P<a>.)不(?P=a) from the 不, the character before in a lookbehind.
    assert (re.search(r"(?P<a>.)不(?P=a)", text) is None) == (
        re.search(r"(?<=(?P<a>.))不(?P=a)", text) is None
    )
