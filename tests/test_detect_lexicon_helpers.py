"""The small functions of monitor/detect/lexicon.py checked one by one: `expand`,
`_deliberate`, `_proper_name`, and the edges of Latin terms (`_bounded`, `Term.latin_only`)."""

from __future__ import annotations

import pytest

from monitor.detect.hits import deliberate as _deliberate
from monitor.detect.hits import proper_name as _proper_name
from monitor.detect.lexicon import Role, expand
from monitor.detect.normalize import Normalizer
from tests.detect_support import compiled, deny


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer()


def test_expand_spells_out_every_group_in_place() -> None:
    assert expand("微信") == ["微信"]
    assert expand("(加|加我)(微信|v)") == ["加微信", "加v", "加我微信", "加我v"]
    assert expand("(加 |)v") == ["加 v", "v"]
    # a literal between groups stays whole, alternatives of a pair part included
    assert expand("(网|)贷|借款&黑户") == ["网贷|借款&黑户", "贷|借款&黑户"]
    assert expand("(私|)聊(我|)") == ["私聊我", "私聊", "聊我", "聊"]


def test_a_common_character_standing_in_is_deliberate_only_in_longer_terms() -> None:
    assert _deliberate("草你妈", 0, "操你妈")  # no common character: always
    assert not _deliberate("都印", 0, "抖音")  # two characters, one of them common
    assert not _deliberate("你码的", 0, "你妈的")  # three, the common one the only change
    assert _deliberate("草你码", 0, "操你妈")  # three, another one respelled too
    assert _deliberate("你码死了", 0, "你妈死了")  # four or more: one common one is enough
    assert not _deliberate("你码死吗", 0, "你妈死了")  # but not two
    # the common character must stand alone, not in a dictionary word of the text
    assert not _deliberate("买大码", 0, "卖大麻")  # 大码, the large size
    assert not _deliberate("你码数", 0, "你妈死")  # 码数, a word starting with it
    assert _deliberate("哈哈草你码", 2, "操你妈")  # a word before the term changes nothing
    assert _deliberate("你好码卖屁", 2, "妈卖批")  # nor one ending just before the common one


def test_a_proper_name_is_one_capitalized_latin_word_after_the_first() -> None:
    assert _proper_name("Hi Jiawei", 3, 9)
    assert _proper_name("Hi Jiawei", 6, 9)  # a match inside the word
    assert _proper_name("Hi Jiawei ok", 3, 6)  # the whole word is capitalized, not the match
    assert _proper_name("你好Jiawei", 2, 8)  # Chinese before: a word of its own
    assert _proper_name("hi好Jiawei", 3, 9)
    assert not _proper_name("Jiawei 加我", 0, 6)  # the first word: a keyboard capitalizes it
    assert not _proper_name("SB", 0, 2)  # the only word
    assert not _proper_name("xJiawei hi", 1, 7)  # one word from the start of the text
    assert not _proper_name("Hi jiawei", 3, 9)  # not capitalized
    assert not _proper_name("Hi Jia2wei", 3, 10)  # not letters only


def test_latin_terms_at_the_edges_of_the_text_and_after_numbers(normalizer: Normalizer) -> None:
    lex = compiled(
        normalizer,
        ("sb", Role.DENY, "abuse"),
        ("sb2", Role.DENY, "abuse"),
        ("v信", Role.DENY, "contact"),
    )
    assert deny(lex, "sb吧ok") == [("sb", 0, 2, False, False)]  # first, the text ends in a letter
    assert deny(lex, "xsb") == []  # glued to a letter on its left
    assert deny(lex, "你是2sb") == []  # initials after a number: a unit or a model (2TB)
    assert deny(lex, "你是sb") == [("sb", 2, 4, False, False)]
    # only a term of Latin letters alone is a unit after a number
    assert deny(lex, "你是2sb2") == [("sb2", 3, 6, False, False)]
    assert deny(lex, "加2v信") == [("v信", 2, 4, False, False)]
