"""Context checks on the few comments that hit: word boundaries and advertising-law claims.

A term found inside or across ordinary words (刷单 in 牙刷单卖, 去死 in 去死皮, 加微 in
加微辣) is a look-alike, not the term: the text is segmented with jieba's dictionary
(jieba-rs, without its HMM guesses, so only dictionary words count) and a hit that a
dictionary word straddles or strictly contains is dropped, unless that word is itself a
listed term (加微信 under 微信号). Segmentation runs only for texts with a hit.

Advertising-law terms count only as claims: 最 as an adverb before a verb (最喜欢), in
set phrases (最后, 最起码, 最好 + a verb: 'had better'), 第一 as an ordinal (第一个,
第一时间, 第一排) are not claims.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from importlib import resources

import rjieba

# jieba's tags for place, person, organisation and other proper names.
PROPER_NAMES = frozenset({"ns", "nr", "nrt", "nrfg", "nt", "nz"})
ORDINARY_FREQ = 2000  # a common word's count in jieba's dictionary
# Characters that make grammar, not meaning: a dictionary word that straddles a hit only
# through them (不去 across 去死 in 不去死) says nothing about the hit.
FUNCTION_CHARS = frozenset(
    "的地得了着过是在有不没也都就还又再才很太更最把被让给对从向到跟和与及或而且吗呢吧啊呀"
    "哦嗯么我你他她它们这那个些一"
)
# What follows 最好 when it means 'had better' rather than 'the best'.
_CLAIM_AFTER_ZUIHAO = frozenset("的用吃看穿喝闻卖听玩")
_CLAIM_BEFORE_DIYI = (
    "销量",
    "全网",
    "行业",
    "全国",
    "全球",
    "世界",
    "中国",
    "国内",
    "排名",
    "业内",
    "市场",
    "同类",
    "品类",
    "亚洲",
    "天下",
    "宇宙",
    "绝对",
    "真正",
    "公认",
)
# Words after 最 that make a claim though jieba does not tag them adjectives.
_CLAIM_AFTER_ZUI = ("权威", "安全", "有效", "专业", "正宗", "先进", "高端", "优质", "顶级", "齐全")
_CLAIM_AFTER_DIYI = ("品牌", "名", "家", "好", "大", "的品", "款爆", "选择")
WEAK_AD_TERMS = frozenset({"最", "最好", "第一", "唯一", "首个", "首选", "顶级", "首家"})
SET_PHRASES = (
    "最后",
    "最近",
    "最终",
    "最初",
    "最起码",
    "最主要",
    "最多",
    "最少",
    "最早",
    "最晚",
    "最快",
    "最迟",
    "最好是",
    "最新款",
    "第一时间",
    "唯一要",
    "唯一的缺点",
    "唯一不足",
)


@lru_cache(maxsize=1)
def ordinary_words() -> frozenset[str]:
    """Return the shipped ordinary compounds (data/ordinary_words.txt)."""
    data = resources.files("monitor.detect").joinpath("data", "ordinary_words.txt")
    lines = (line.strip() for line in data.read_text("utf-8").splitlines())
    return frozenset(w for w in lines if w and not w.startswith("#"))


@lru_cache(maxsize=1)
def _dictionary() -> None:
    """Add the shipped ordinary compounds to the segmenter's dictionary (once)."""
    for word in ordinary_words():
        rjieba.add_word(word, ORDINARY_FREQ, "n")


def segment(text: str) -> tuple[tuple[str, int, int], ...]:
    """Return the dictionary words of a text with their spans (no HMM guesses)."""
    return tuple((word, a, b) for (word, _), a, b in segment_tagged(text))


def inside_ordinary_word(
    text: str,
    start: int,
    end: int,
    other_term: Callable[[str, int, int], bool],
    sound_alike: bool = False,
) -> bool:
    """Return True when a dictionary word straddles or strictly contains text[start:end].

    `other_term(word, a, b)` says whether the word at a..b holds a listed term other than
    the hit itself; such a word is no alibi. A sound-alike hit (`sound_alike`) that is a
    dictionary word or lies inside one is that word (加味, 张家口, 卫星), not the term it
    sounds like.
    """
    for (word, tag), a, b in segment_tagged(text):
        if b <= start or a >= end or len(word) < 2:
            continue
        if a == start and b == end:
            return sound_alike  # the hit is a word of its own
        if a <= start and end <= b:
            # A longer dictionary word may be the sensitive compound itself (枪支弹药), so
            # only the shipped ordinary compounds clear a term inside them (去死皮).
            if sound_alike or tag in PROPER_NAMES:
                return True  # 南京东路 is a road, not 京东
            return word in ordinary_words() and not other_term(word, a, b)
        if a < start < b <= end:
            outside = text[a:start]
        elif start <= a < end < b:
            outside = text[end:b]
        else:
            continue  # a word inside the hit: it only splits the term
        if all(c in FUNCTION_CHARS for c in outside):
            continue
        if not other_term(word, a, b):
            return True
    return False


def is_claim(text: str, start: int, end: int) -> bool:
    """Return True when an advertising-law hit at text[start:end] is used as a claim."""
    term = text[start:end]
    if term not in WEAK_AD_TERMS:
        return True
    for phrase in SET_PHRASES:
        at = text.find(phrase, max(0, start - len(phrase)), end + len(phrase))
        if at != -1 and at <= start < at + len(phrase):
            return False
    after = text[end : end + 2]
    before = text[max(0, start - 2) : start]
    if term in ("第一", "首个", "首家"):
        return before in _CLAIM_BEFORE_DIYI or any(after.startswith(w) for w in _CLAIM_AFTER_DIYI)
    if term == "最好":
        return after[:1] in _CLAIM_AFTER_ZUIHAO
    if term == "最":
        if after.startswith(_CLAIM_AFTER_ZUI):
            return True  # 最权威, 最安全: jieba tags these nouns, yet they are claims
        # 最 + an adjective is a superlative claim; 最 + a verb or anything else is an adverb.
        for (word, tag), a, _ in segment_tagged(text):
            if a == start and len(word) > 1:
                if word in WEAK_AD_TERMS:  # 最好 decides for itself
                    return is_claim(text, start, start + len(word))
                return tag[:1] in ("a", "z")
            if a == end:
                return tag[:1] in ("a", "z")
        return False
    if term == "唯一":
        return not after.startswith(("要", "的缺", "不足", "一次"))
    return True


@lru_cache(maxsize=4096)
def segment_tagged(text: str) -> tuple[tuple[tuple[str, str], int, int], ...]:
    """Return the words of a text with their part-of-speech tags and spans."""
    _dictionary()
    out = []
    pos = 0
    for word, tag in rjieba.tag(text, False):
        out.append(((word, tag), pos, pos + len(word)))
        pos += len(word)
    return tuple(out)
