"""`CompiledLexicon.__init__` on small lexicons: what each entry compiles to, and what it finds.

Pairs and their alternatives, shared part words, entries with nothing to match, one term
written twice (plainly and marked), sound-only terms, look-alike and Latin spellings by role.
"""

from __future__ import annotations

import pytest

from monitor.detect.lexicon import CompiledLexicon, Role, Term
from monitor.detect.normalize import Normalizer
from tests.detect_support import compiled, deny


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer()


def test_pairs_share_their_part_words_and_are_filed_under_the_rarest(
    normalizer: Normalizer,
) -> None:
    lexicon = compiled(
        normalizer,
        ("微信", Role.DENY, "contact"),
        ("中奖&手续费", Role.DENY, "fraud"),
        ("中奖&客服", Role.DENY, "fraud"),
    )
    assert lexicon.pairs == [
        Term("中奖&手续费", "中奖手续费", Role.DENY, "fraud", "", "", pair=0),
        Term("中奖&客服", "中奖客服", Role.DENY, "fraud", "", "", pair=1),
    ]
    # 中奖 is one pattern for both pairs; a part's category is its pairs'.
    assert lexicon.terms == [
        Term("微信", "微信", Role.DENY, "contact", "", ""),
        Term("中奖", "中奖", Role.PART, "", "", "", pair=0),
        Term("手续费", "手续费", Role.PART, "", "", "", pair=0),
        Term("客服", "客服", Role.PART, "", "", "", pair=1),
    ]
    assert lexicon.size == 4
    assert {lexicon.terms[i].text for i in lexicon._anchored} == {"手续费", "客服"}
    assert deny(lexicon, "加微信") == [("微信", 1, 3, False, False)]
    assert deny(lexicon, "中奖了，先交手续费") == [("中奖&手续费", 0, 8, True, False)]
    assert deny(lexicon, "中奖了，找客服") == [("中奖&客服", 0, 6, True, False)]
    assert deny(lexicon, "手续费找客服") is None  # two part words of two pairs: neither whole
    assert deny(lexicon, "手续费太贵，退手续费找客服") is None  # one part twice: no pair either


def test_pair_alternatives_and_marks_at_the_ends(normalizer: Normalizer) -> None:
    loans = compiled(normalizer, ("贷款|网贷&黑户", Role.DENY, "fraud"))
    assert [p.text for p in loans.pairs] == ["贷款&黑户", "网贷&黑户"]
    assert deny(loans, "网贷黑户也能下款") == [("网贷&黑户", 0, 4, True, False)]
    # A mark at either end joins nothing: the term is written as it is.
    ends = compiled(normalizer, ("中奖&", Role.DENY, "fraud"), ("&客服", Role.DENY, "fraud"))
    assert not ends.pairs
    assert deny(ends, "中奖了") == [("中奖&", 0, 2, False, False)]
    # An alternative with nothing to match is skipped; the others still make pairs.
    some = compiled(normalizer, ("，|手续费&中奖", Role.DENY, "fraud"), ("微信", Role.DENY, "x"))
    assert some.skipped == ["，|手续费&中奖"]
    assert [p.text for p in some.pairs] == ["手续费&中奖"]
    assert deny(some, "中奖了交手续费") == [("手续费&中奖", 0, 7, True, False)]
    assert deny(some, "加微信") == [("微信", 1, 3, False, False)]


def test_entries_with_nothing_to_match_are_skipped_and_the_rest_compiled(
    normalizer: Normalizer,
) -> None:
    lexicon = compiled(normalizer, ("，，", Role.DENY, "contact"), ("微信", Role.DENY, "contact"))
    assert lexicon.skipped == ["，，"]
    assert lexicon.size == 1
    assert deny(lexicon, "加微信") == [("微信", 1, 3, False, False)]


@pytest.mark.parametrize("marked_first", [False, True])
def test_a_term_written_plainly_and_marked_is_one_term_heard_by_sound(
    normalizer: Normalizer, marked_first: bool
) -> None:
    plain, marked = ("傻逼", Role.DENY, "abuse"), ("~傻逼", Role.DENY, "abuse")
    lexicon = compiled(
        normalizer,
        *([marked, plain] if marked_first else [plain, marked]),
        ("sb", Role.DENY, "abuse"),
        homophones=frozenset({"abuse"}),
    )
    assert lexicon.terms == [
        Term("傻逼", "傻逼", Role.DENY, "abuse", "", "", by_sound=True),
        Term("sb", "sb", Role.DENY, "abuse", "a", "a"),
    ]
    assert deny(lexicon, "你傻逼") == [("傻逼", 1, 3, False, False)]  # reported once
    assert deny(lexicon, "你傻笔") == [("傻逼", 1, 3, True, False)]
    assert deny(lexicon, "你是sb") == [("sb", 2, 4, False, False)]
    assert deny(lexicon, "你是sbx") == []  # a Latin edge on the right, too


def test_a_sound_only_term_is_found_only_by_sound_unless_also_written_plainly(
    normalizer: Normalizer,
) -> None:
    added = ("~~加微信", Role.DENY, "contact")
    sound_only = compiled(normalizer, added, homophones=frozenset({"contact"}))
    assert deny(sound_only, "加微信") is None
    assert deny(sound_only, "加威信") == [("加微信", 0, 3, True, False)]
    both = compiled(
        normalizer, added, ("加微信", Role.DENY, "contact"), homophones=frozenset({"contact"})
    )
    assert both.terms == [Term("加微信", "加微信", Role.DENY, "contact", "", "", by_sound=True)]
    assert deny(both, "加微信") == [("加微信", 0, 3, False, False)]


def test_only_a_one_character_run_must_be_written_out(normalizer: Normalizer) -> None:
    lexicon = compiled(
        normalizer,
        ("钉钉群", Role.DENY, "contact"),
        ("qq", Role.DENY, "contact"),
        ("~qq", Role.DENY, "contact"),  # one term with qq, heard by sound too
    )
    assert [(t.run, t.by_sound) for t in lexicon.terms] == [(1, False), (2, True)]
    assert deny(lexicon, "进钉钉群") == [("钉钉群", 1, 3, False, False)]
    assert deny(lexicon, "进钉群") == [("钉钉群", 1, 3, False, False)]
    assert deny(lexicon, "加q") == []


def test_look_alike_and_latin_spellings_belong_to_deny_terms_and_marked_cues(
    normalizer: Normalizer,
) -> None:
    plain = compiled(
        normalizer,
        ("枪支", Role.CUE, "contact"),
        ("微信", Role.CUE, "contact"),
        ("客服", Role.COMPLAINT, "service"),
        ("微信支付", Role.ALLOW, ""),
    )
    assert deny(plain, "卖木仓支") is None
    assert deny(plain, "加weixin，找kefu，weixinzhifu") is None
    marked = compiled(normalizer, ("~枪支", Role.CUE, "contact"), ("~微信", Role.CUE, "contact"))
    assert deny(marked, "卖木仓支") == [("枪支", 1, 4, True, False)]
    assert deny(marked, "加weixin") == [("微信", 1, 7, True, True)]


def test_a_part_word_is_heard_by_sound_when_its_pair_s_category_hears(
    normalizer: Normalizer,
) -> None:
    pair = ("中奖&手续费", Role.DENY, "fraud")
    heard = compiled(normalizer, pair, homophones=frozenset({"fraud"}))
    assert deny(heard, "中奖了，先交手须费") == [("中奖&手续费", 0, 8, True, False)]
    unheard = compiled(normalizer, pair, homophones=frozenset({"contact"}))
    assert deny(unheard, "中奖了，先交手须费") is None


def test_a_word_listed_in_two_categories_is_found_in_both_by_its_look_alikes(
    normalizer: Normalizer,
) -> None:
    gun = compiled(normalizer, ("枪支", Role.DENY, "weapons"), ("枪支", Role.DENY, "prohibited"))

    def categories(text: str) -> list[str]:
        result = gun.scan(text, normalizer.views(text))
        assert result is not None
        return [h.term.category for h in result.deny]

    assert categories("卖枪支") == ["weapons", "prohibited"]
    assert categories("卖木仓支") == ["weapons", "prohibited"]


def test_a_word_listed_in_two_categories_is_found_in_both_by_its_short_sound_alikes(
    normalizer: Normalizer,
) -> None:
    both = frozenset({"fraud", "prohibited"})
    gamble = CompiledLexicon(
        normalizer,
        [("赌博", Role.DENY, "fraud"), ("赌博", Role.DENY, "prohibited")],
        both,
        short_sound_categories=both,
    )
    result = gamble.scan("堵博平台", normalizer.views("堵博平台"))
    assert result is not None
    assert sorted(h.term.category for h in result.deny) == ["fraud", "prohibited"]
