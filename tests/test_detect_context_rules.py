"""The context checks of monitor/detect/context.py called directly (no detector: fast,
mutation-checked): negation, warnings, reports, self-aimed insults, ordinary words."""

from __future__ import annotations

import pytest

from monitor.detect import context
from monitor.detect.context import (
    inside_ordinary_word,
    is_claim,
    negated,
    reported,
    self_aimed,
    warned,
)


def _none(word: str, a: int, b: int) -> bool:
    return False


def test_a_bare_not_negates_only_a_term_that_starts_with_selling() -> None:
    assert negated("不卖高仿", 1)
    assert negated("我们不售高仿", 3)
    assert not negated("不买高仿", 1)
    assert not negated("卖高仿不", 0)  # nothing before the term: the text's last 不 is no negator


def test_a_long_negation_right_before_the_term_is_read_whole() -> None:
    assert negated("别相信所谓的中奖", 6)
    assert negated("不要相信所谓的中奖", 7)
    assert negated("我们不敢保证全网最低", 8)
    assert not negated("有没有中奖", 3)


def test_a_warning_is_read_in_the_clause_around_the_term_only() -> None:
    assert warned("骗子让你加微信", 4, 7)  # the clause starts at the text's first character
    assert warned("你好，骗子让你加微信", 7, 10)  # a mark before the term starts the clause
    assert not warned("加微信，骗子让你这么做", 0, 3)  # a mark after the term ends it


def test_a_report_needs_a_warning_and_no_contact_of_its_own() -> None:
    assert reported("有人让我加微信，已举报")
    assert not reported("有人让我加微信")  # a third party, but no warning
    assert not reported("有人让我加微信，已举报 wx123456")  # a contact of its own


def test_an_insult_is_self_aimed_only_right_after_the_writer() -> None:
    assert self_aimed("我简直是一个废物", 6)
    assert self_aimed("我这种废物", 3)
    assert not self_aimed("你简直是一个废物", 6)


def test_a_hit_that_is_a_word_of_its_own_is_that_word_only_by_sound() -> None:
    assert not inside_ordinary_word("枪支弹药", 0, 4, _none)
    assert inside_ordinary_word("枪支弹药", 0, 4, _none, sound_alike=True)


def test_a_term_ending_a_longer_word_that_is_no_ordinary_compound_is_kept() -> None:
    # 枪支弹药 is one dictionary word, not a shipped ordinary compound: 弹药 in it stays a hit
    assert not inside_ordinary_word("买枪支弹药", 3, 5, _none)
    assert not inside_ordinary_word("买枪支弹药", 1, 3, _none)
    assert inside_ordinary_word("买枪支弹药", 3, 5, _none, sound_alike=True)


def _claim(text: str, term: str) -> bool:
    start = text.index(term)
    return is_claim(text, start, start + len(term))


def test_medical_advice_counts_only_near_the_term() -> None:
    assert not _claim("听医生的全网第一", "第一")  # advice at the text's start
    assert _claim("听医生呀呀呀呀全网第一", "第一")  # nine characters before: too far
    assert not _claim("听医生呀呀呀全网第一", "第一")
    assert _claim("全网第一，真的好用呢呀哈听医生的", "第一")  # ends eleven after: too far
    assert not _claim("全网第一，真的好用呢呀听医生的", "第一")


def test_the_shops_own_scope_clears_only_superlatives_with_zui_other_than_zuidi() -> None:
    assert _claim("我们店里这款是国家级", "国家级")
    assert _claim("我们家这款最低价", "最低价")
    assert not _claim("我们家这款最便宜", "最便宜")
    assert _claim("我们家的东西质量都很好最便宜", "最便宜")  # eleven characters back: too far
    assert not _claim("我们家的东西质量都很最便宜", "最便宜")


def test_a_market_named_up_to_ten_characters_before_the_term_keeps_the_claim() -> None:
    assert _claim("我们家这款全网最便宜", "最便宜")
    assert _claim("全网我们家最便宜", "最便宜")  # the market at the text's start
    assert not _claim("全网呀呀呀呀我们家这款最便宜", "最便宜")  # eleven characters back
    assert _claim("全网呀呀呀我们家这款最便宜", "最便宜")
    assert not _claim("我们家这款最便宜，全网都有卖", "最便宜")  # named after the term


def test_a_set_phrase_is_looked_for_around_the_term_not_earlier_in_the_text() -> None:
    text = "最好的朋友说这个最好的朋友"
    assert not is_claim(text, 8, 10)
    assert is_claim("这个最好的", 2, 4)
    assert not is_claim("最好的朋友", 0, 2)  # the phrase at the text's start
    assert not is_claim("送给最好的朋友", 2, 4)  # the phrase runs past the term
    assert is_claim("最近第一品牌", 2, 4)  # a phrase ending right before the term is no cover


def test_first_and_its_synonyms_are_claims_only_over_the_market() -> None:
    assert is_claim("说全网第一", 3, 5)  # the two characters right before name the market
    assert not is_claim("首个下单的", 0, 2)
    assert is_claim("首个品牌", 0, 2)
    assert not is_claim("首家店", 0, 2)


def test_zui_and_zuihao_by_what_comes_next_and_who_feels_it() -> None:
    assert is_claim("这是最好用的", 2, 4)  # 最好 + a verb of use: the best
    assert is_claim("这家最权威", 2, 3)  # a claim word jieba tags a noun
    assert not is_claim("觉得我最安全", 3, 4)  # a person's feeling


def _zui(text: str) -> bool:
    start = text.index("最")
    return is_claim(text, start, start + 1)


def test_zui_is_a_claim_before_an_adjective_and_an_adverb_before_anything_else() -> None:
    assert not _zui("这款最高耐热八十度")  # a specification
    assert _zui("这个最大")  # a word of its own starting with 最, tagged an adjective
    assert _zui("这个最舒服")  # ... or a state word
    assert not _zui("这款最新")  # ... or an adverb
    assert _zui("这个最贵")  # 最, then an adjective
    assert _zui("这个最困难")  # ... an adjective used as a noun (an)
    assert not _zui("这个最喜欢")  # ... a verb
    assert _zui("这个最滚烫")  # ... a state word
    assert not _zui("这个最")  # nothing after


def test_weiyi_is_no_claim_before_a_count() -> None:
    assert not is_claim("唯一一个秒杀链接", 0, 2)  # 唯一 + 一个: a count
    assert is_claim("唯一X个", 0, 2)  # only 一 is skipped before the measure word
    assert is_claim("全网唯一正品", 2, 4)


def test_a_refusal_or_verdict_counts_right_after_the_term_only() -> None:
    assert negated("微信转账我们不支持", 0, 4)
    assert not negated("微信转账可以", 0, 4)
    assert not negated("违法的事别做，刷单赚钱", 7, 9)  # a verdict at the text's start
    assert not negated("刷单是违法的", 0)  # no end given: the refusal is not looked for


def test_a_word_holding_another_listed_term_is_no_alibi() -> None:
    assert not inside_ordinary_word("去死皮", 0, 2, lambda word, a, b: word == "去死皮")
    assert not inside_ordinary_word("加微辣", 0, 2, lambda word, a, b: word == "微辣")
    assert inside_ordinary_word("加微辣", 0, 2, _none)


def test_weiyi_before_a_flaw_and_the_other_weak_terms() -> None:
    assert not is_claim("唯一的缺陷", 0, 2)
    assert is_claim("首选", 0, 2)


def test_a_set_phrase_right_before_the_term_does_not_hide_the_one_covering_it() -> None:
    # the first 最好的朋友 ends where the term starts; the second covers it
    assert not is_claim("最好的朋友最好的朋友", 5, 7)
    assert not is_claim("最好的朋友最好的朋友", 5, 6)
    assert not is_claim("第一时间第一时间", 4, 6)


def test_a_word_straddling_through_function_characters_only_is_passed_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 了加 straddles the hit 加微 only through 了; the later 微信号 straddles it through 信号
    # and clears it. Stopping at the first word would keep the hit.
    words = ((("了加", "v"), 0, 2), (("微信号", "n"), 2, 5))
    monkeypatch.setattr(context, "segment_tagged", lambda text: words)
    assert inside_ordinary_word("了加微信号", 1, 3, _none)
    # without the second word nothing clears it
    monkeypatch.setattr(context, "segment_tagged", lambda text: words[:1])
    assert not inside_ordinary_word("了加微信号", 1, 3, _none)
