"""`CompiledLexicon.scan` on small lexicons built for each case: which hits it reports, where.

The shipped lexicon always has literal, sound-alike, look-alike and Latin-spelled terms; these
lexicons lack one kind or another, and their terms overlap on purpose.
"""

from __future__ import annotations

import pytest

from monitor.detect.lexicon import CompiledLexicon, Role
from monitor.detect.normalize import Normalizer
from monitor.detect.spellings import lookalike_spellings
from tests.detect_support import Found, compiled, deny


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer()


def test_a_lexicon_without_terms_finds_nothing(normalizer: Normalizer) -> None:
    empty = compiled(normalizer)
    assert deny(empty, "加我微信 jia wo weixin") is None


def test_a_lexicon_without_latin_spellings_still_finds_its_terms(normalizer: Normalizer) -> None:
    latin_only = compiled(normalizer, ("sb", Role.DENY, "abuse"))
    # A literal hit is reported once, though the pinyin view repeats the Latin letters.
    assert deny(latin_only, "你是sb") == [("sb", 2, 4, False, False)]
    assert deny(latin_only, "你好") is None


def test_overlapping_latin_spellings_are_each_found(normalizer: Normalizer) -> None:
    two = compiled(normalizer, ("微信", Role.DENY, "contact"), ("信用卡", Role.DENY, "fraud"))
    assert deny(two, "weixinyongka") == [
        ("微信", 0, 6, True, True),
        ("信用卡", 3, 12, True, True),
    ]
    assert deny(two, "加weixin") == [("微信", 1, 7, True, True)]


def test_every_look_alike_spelling_stands_for_its_term(normalizer: Normalizer) -> None:
    gun = compiled(normalizer, ("枪支", Role.DENY, "weapons"))
    spellings = lookalike_spellings(normalizer, "枪支")  # 木仓支 ...
    assert spellings  # the first of them is the first pattern after the terms
    for spelled in spellings:
        assert deny(gun, "卖" + spelled) == [("枪支", 1, 1 + len(spelled), True, False)]
    assert deny(gun, "卖枪支") == [("枪支", 1, 3, False, False)]


def test_a_sound_alike_is_reported_once_and_only_where_the_writing_differs(
    normalizer: Normalizer,
) -> None:
    heard = compiled(
        normalizer, ("加微信", Role.DENY, "contact"), homophones=frozenset({"contact"})
    )
    assert deny(heard, "加威信") == [("加微信", 0, 3, True, False)]
    assert deny(heard, "加微信") == [("加微信", 0, 3, False, False)]
    unheard = compiled(normalizer, ("加微信", Role.DENY, "contact"))
    assert deny(unheard, "加威信") is None


def test_complaints_cues_and_allowed_words(normalizer: Normalizer) -> None:
    complaint = compiled(normalizer, ("客服", Role.COMPLAINT, "service"))
    result = complaint.scan("客服不理人", normalizer.views("客服不理人"))
    assert result is not None
    assert [(h.term.text, h.start, h.end) for h in result.complaints] == [("客服", 0, 2)]
    assert not result.deny and not result.cues
    cues = compiled(normalizer, ("vx", Role.CUE, "contact"), ("qq", Role.CUE, "contact"))
    result = cues.scan("加vx", normalizer.views("加vx"))
    assert result is not None and [(h.term.text, h.start, h.end) for h in result.cues] == [
        ("vx", 1, 3)
    ]
    assert not result.deny
    result = cues.scan("加q", normalizer.views("加q"))  # one q of qq: matched, not a hit
    assert result is not None and not result.cues and not result.deny
    allowed = compiled(normalizer, ("微信", Role.DENY, "contact"), ("微信支付", Role.ALLOW, ""))
    assert deny(allowed, "用微信支付") is None
    assert deny(allowed, "加微信") == [("微信", 1, 3, False, False)]


def test_a_cue_respelled_by_sound_is_a_hit_unless_it_is_one_character(
    normalizer: Normalizer,
) -> None:
    cues = compiled(
        normalizer,
        ("~微信", Role.CUE, "contact"),
        ("~扣", Role.CUE, "contact"),
        homophones=frozenset({"contact"}),
    )

    def found(text: str) -> tuple[list[Found] | None, list[tuple[str, int, int, bool]]]:
        result = cues.scan(text, normalizer.views(text))
        assert result is not None, text
        return deny(cues, text), [(h.term.text, h.start, h.end, h.homophone) for h in result.cues]

    # Written as it is, a cue only enables the contact rules; respelled by sound (薇信) or in
    # Latin letters, it is deliberate: a hit.
    assert found("加微信") == ([], [("微信", 1, 3, False)])
    assert found("加薇信") == ([("微信", 1, 3, True, False)], [])
    assert found("加weixin") == ([("微信", 1, 7, True, True)], [])
    # One character by sound (寇 for 扣) stays a cue.
    assert found("扣1") == ([], [("扣", 0, 1, False)])
    assert found("寇1") == ([], [("扣", 0, 1, True)])


def test_a_hit_set_aside_does_not_end_the_scan(normalizer: Normalizer) -> None:
    mixed = compiled(
        normalizer,
        ("枪支", Role.DENY, "weapons"),
        ("加微信", Role.DENY, "contact"),
        ("~微信", Role.DENY, "contact"),
        ("sb", Role.DENY, "abuse"),
        homophones=frozenset({"contact"}),
    )
    # A look-alike spelling, then literal terms.
    assert deny(mixed, "卖木仓支，加微信") == [
        ("枪支", 1, 4, True, False),
        ("加微信", 4, 7, False, False),
        ("微信", 5, 7, False, False),
    ]
    # A sound-alike written as the term itself (the literal hit has it), then a respelled one.
    assert deny(mixed, "加微信 加威信") == [
        ("加微信", 0, 3, False, False),
        ("微信", 1, 3, False, False),
        ("加微信", 3, 6, True, False),
    ]
    # An everyday word that sounds like the term (为信 in 因为信任), then a respelling.
    assert deny(mixed, "因为信任你，加薇信") == [
        ("加微信", 5, 8, True, False),
        ("微信", 6, 8, True, False),
    ]
    # A Latin term glued into a word, then one standing alone.
    assert deny(mixed, "你是xsb，你是sb") == [("sb", 7, 9, False, False)]
    assert deny(mixed, "你是xsb") == []


def test_pairs_allowed_words_and_repeated_letters(normalizer: Normalizer) -> None:
    lexicon = compiled(
        normalizer,
        ("中奖&手续费", Role.DENY, "fraud"),
        ("微信", Role.DENY, "contact"),
        ("支付", Role.DENY, "payment"),
        ("微信支付", Role.ALLOW, ""),
        ("qq", Role.CUE, "contact"),
    )
    pair = "中奖&手续费"
    assert deny(lexicon, "中奖了，先交手续费") == [(pair, 0, 8, True, False)]
    assert deny(lexicon, "恭喜zhongjiang，先交shouxufei") == [(pair, 2, 23, True, False)]
    assert deny(lexicon, "中奖了") is None  # one part alone is an ordinary word
    # Allowed words drop only the hits wholly inside them, up to their last character.
    assert deny(lexicon, "用微信支付") is None
    assert deny(lexicon, "用微信支付，加微信") == [("微信", 6, 8, False, False)]

    def cues(text: str) -> list[tuple[str, int, int]]:
        result = lexicon.scan(text, normalizer.views(text))
        assert result is not None
        return [(h.term.text, h.start, h.end) for h in result.cues]

    assert cues("加qq") == [("qq", 1, 2)]
    assert cues("加q，加qq") == [("qq", 3, 4)]  # one q is no qq; the qq after it counts


def test_latin_spellings_with_letters_left_over_are_skipped(normalizer: Normalizer) -> None:
    heard = compiled(normalizer, ("微信", Role.DENY, "contact"))
    assert deny(heard, "weixinx加weixin") == [("微信", 8, 14, True, True)]
    assert deny(heard, "xweixin加weixin") == [("微信", 8, 14, True, True)]
    assert deny(heard, "weixin加xweixin") == [("微信", 0, 6, True, True)]
    # A term ending in a Latin letter: the letter is part of the match, not a leftover.
    mixed = compiled(normalizer, ("加v", Role.DENY, "contact"))
    assert deny(mixed, "jiav") == [("加v", 0, 4, True, True)]
    assert deny(mixed, "jia v 123") == [("加v", 0, 4, True, True)]


def test_negated_pairs_and_ordinary_compounds(normalizer: Normalizer) -> None:
    fraud = CompiledLexicon(
        normalizer,
        [("中奖&手续费", Role.DENY, "fraud")],
        frozenset(),
        negation_categories=frozenset({"fraud"}),
    )
    assert deny(fraud, "中奖了，先交手续费") == [("中奖&手续费", 0, 8, True, False)]
    assert deny(fraud, "没有中奖，不用交手续费") is None
    assert deny(fraud, "中奖了，不用交手续费") is None
    abuse = compiled(normalizer, ("去死", Role.DENY, "abuse"))
    assert deny(abuse, "去死皮") == []  # an ordinary compound (exfoliating)
    assert deny(abuse, "去死皮去死") == [("去死", 3, 5, False, False)]


def short_sounds(normalizer: Normalizer, *entries: tuple[str, Role, str]) -> CompiledLexicon:
    """Return a lexicon whose fraud and abuse terms of two characters are heard by sound."""
    heard = frozenset({"fraud", "abuse", "contact"})
    return CompiledLexicon(
        normalizer, list(entries), heard, short_sound_categories=frozenset({"fraud", "abuse"})
    )


def test_a_short_term_is_heard_when_one_character_is_kept_and_it_stands_alone(
    normalizer: Normalizer,
) -> None:
    gambling = short_sounds(normalizer, ("赌博", Role.DENY, "fraud"))
    found = ("赌博", 0, 2, True, False)
    assert deny(gambling, "堵博平台，充一送一") == [found]  # the second character kept
    assert deny(gambling, "赌搏平台，充一送一") == [found]  # the first one kept
    assert deny(gambling, "网上堵博") == [("赌博", 2, 4, True, False)]  # a word just before
    assert deny(gambling, "堵搏平台，充一送一") is None  # both respelled: a chance sound
    assert deny(gambling, "路太堵，博一把") == []  # across a comma
    assert deny(gambling, "堵博博") == []  # a doubled character (去试试), not two of its own
    # A common function character standing in for one (过 for 锅) is everyday text.
    snack = short_sounds(normalizer, ("锅巴", Role.DENY, "fraud"))
    assert deny(snack, "过巴") is None
    assert deny(snack, "锅巴") == [("锅巴", 0, 2, False, False)]
    # A category without short_homophones hears only longer or marked terms.
    quiet = CompiledLexicon(normalizer, [("赌博", Role.DENY, "fraud")], frozenset({"fraud"}))
    assert deny(quiet, "堵博平台，充一送一") is None


def test_a_chance_sound_does_not_end_the_scan_and_longer_terms_are_heard_as_before(
    normalizer: Normalizer,
) -> None:
    lexicon = short_sounds(normalizer, ("赌博", Role.DENY, "fraud"), ("加微信", Role.DENY, "abuse"))
    assert deny(lexicon, "堵搏了，加威信") == [("加微信", 3, 6, True, False)]
    # Three syllables in a short_homophones category: the stricter check is not theirs
    # (威信 is a dictionary word).
    assert deny(lexicon, "加威信") == [("加微信", 0, 3, True, False)]


def test_an_ordinary_word_with_a_short_term_heard_in_it_is_still_an_alibi(
    normalizer: Normalizer,
) -> None:
    # 去死皮 is an ordinary word; a listed term in it (死皮) clears neither, a sound-alike
    # of a short term (死皮 for 丝皮) is not listed and changes nothing.
    listed = short_sounds(normalizer, ("去死", Role.DENY, "abuse"), ("死皮", Role.DENY, "abuse"))
    assert deny(listed, "去死皮") == [
        ("去死", 0, 2, False, False),
        ("死皮", 1, 3, False, False),
    ]
    heard = short_sounds(normalizer, ("去死", Role.DENY, "abuse"), ("丝皮", Role.DENY, "abuse"))
    assert deny(heard, "去死皮") == []


def test_a_pair_of_one_word_needs_that_word_twice(normalizer: Normalizer) -> None:
    # 网贷|贷款&网贷 holds the pair 网贷&网贷: one part word alone stays an ordinary word,
    # whatever part words of other pairs the text holds (客服).
    loans = compiled(
        normalizer, ("网贷|贷款&网贷", Role.DENY, "fraud"), ("中奖&客服", Role.DENY, "fraud")
    )
    assert deny(loans, "网贷利息高吗") is None
    assert deny(loans, "网贷找客服") is None
    assert deny(loans, "贷款还是网贷") == [("贷款&网贷", 0, 6, True, False)]
    assert deny(loans, "网贷网贷") == [("网贷&网贷", 0, 4, True, False)]
    # 网贷&黑户 is filed under 网贷 (黑户 is in more pairs), after 网贷&网贷: still looked at.
    more = compiled(
        normalizer,
        ("网贷|贷款&网贷", Role.DENY, "fraud"),
        ("网贷&黑户", Role.DENY, "fraud"),
        ("黑户&征信|逾期|花呗", Role.DENY, "fraud"),
    )
    assert deny(more, "网贷黑户") == [("网贷&黑户", 0, 4, True, False)]


def test_short_sound_alike_spellings_keep_an_uncommon_character(normalizer: Normalizer) -> None:
    lexicon = short_sounds(
        normalizer,
        ("赌上", Role.DENY, "fraud"),
        ("码农", Role.DENY, "abuse"),
        ("赌博", Role.DENY, "fraud"),
        ("vx", Role.DENY, "fraud"),
    )
    # 上 is among the most used characters: only 赌 may be kept.
    assert deny(lexicon, "赌尚") == [("赌上", 0, 2, True, False)]
    assert deny(lexicon, "督上") is None
    # A common function character kept from the term (码) is no disguise.
    assert deny(lexicon, "码脓") == []
    # The first spelling compiled (督博) is checked like every other one: not across a comma.
    gambling = short_sounds(normalizer, ("赌博", Role.DENY, "fraud"))
    assert deny(gambling, "路太督，博一把") == []
    assert deny(gambling, "督博平台") == [("赌博", 0, 2, True, False)]
    # Latin letters have no sound-alike characters.
    assert deny(lexicon, "加vx") == [("vx", 1, 3, False, False)]
    assert deny(lexicon, "加x") is None


def test_a_pair_part_inside_an_allowed_word_completes_no_pair(normalizer: Normalizer) -> None:
    lexicon = compiled(
        normalizer,
        ("猫头鹰&出售", Role.DENY, "prohibited"),
        ("猫头鹰摆件", Role.ALLOW, ""),
    )
    assert deny(lexicon, "猫头鹰摆件出售") is None
    assert deny(lexicon, "猫头鹰出售") == [("猫头鹰&出售", 0, 5, True, False)]
    # the allowed word names the object; another mention of the animal still counts
    assert deny(lexicon, "猫头鹰摆件出售，活猫头鹰也出售") is not None


def test_a_latin_cue_before_a_mark_ends_at_its_own_letter(normalizer: Normalizer) -> None:
    cues = compiled(normalizer, ("vx", Role.CUE, "contact"))

    def found(text: str) -> list[tuple[str, int, int]]:
        result = cues.scan(text, normalizer.views(text))
        return [(h.term.text, h.orig_start, h.orig_end) for h in result.cues] if result else []

    # collapsed, vx：xiaoyu reads vxiaoyu; the cue ends before the mark, not in xiaoyu
    assert found("vx：xiaoyu") == [("vx", 0, 2)]
    assert found("加vx xiaoyu") == [("vx", 1, 3)]
    assert found("vxx：abc") == [("vx", 0, 3)]  # a doubled letter before the mark is the cue's
    # no mark: vx runs into a Latin word, no cue
    assert found("vxxiaoyu") == []
    assert found("avx：x") == []
    # two marks after the cue: the hit ends at its own letter, before both
    assert found("vx：，xiaoyu") == [("vx", 0, 2)]


def test_a_term_touching_a_letter_on_its_left_stays_unbounded(normalizer: Normalizer) -> None:
    # vx号 ends in a Hanzi: only its left edge is checked, and there a letter touches it
    lexicon = compiled(normalizer, ("vx号", Role.DENY, "contact"))
    assert not deny(lexicon, "avx号")
    assert ("vx号", 1, 4, False, False) in (deny(lexicon, "加vx号") or [])
