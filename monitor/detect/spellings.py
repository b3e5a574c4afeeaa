"""Spellings of a term compiled beside it: look-alikes (亻言 for 信), Latin syllables (jiawei,
jia wei), and the short sound-alikes of two-character terms (堵博 for 赌博).

Each spelling is a pattern that stands for its term; the lexicon (lexicon.py) compiles
them with the terms and checks their hits in context."""

from __future__ import annotations

import itertools
from functools import lru_cache
from importlib import resources
from typing import Any, cast

from pypinyin import lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict

from monitor.detect.context import FUNCTION_CHARS
from monitor.detect.normalize import Normalizer

# Characters too common to be a deliberate homophone substitute (因为信任 is not 微信).
STOP_CHARS = frozenset(
    "为的是了在有不一我你他她它们这那就也都和与及或未位于以之其而且把被让给对从向到很太又再"
    "还才刚已所将要会能可想该应没无非吗呢吧啊哦嗯呀么个码去"
)
MAX_LOOKALIKES = 24  # look-alike spellings compiled per term, at most
# Characters with more than one reading: only terms with one need pypinyin's word context.
_POLYPHONES = frozenset(chr(cp) for cp, readings in pinyin_dict.items() if "," in readings)


@lru_cache(maxsize=4)
def common_by_sound(normalizer: Normalizer) -> dict[str, str]:
    """Return the common characters (GB 2312 level 1, the 3,755 most used) by their toneless
    reading's syllable code, leaving out the function characters no disguise uses (是, 的)."""
    out: dict[str, str] = {}
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                ch = bytes((hi, lo)).decode("gb2312")
            except UnicodeDecodeError:
                continue  # the unused end of the last row
            code = ch.translate(normalizer.pinyin)
            if code != ch and ch not in STOP_CHARS and ch not in FUNCTION_CHARS:
                out[code] = out.get(code, "") + ch
    return out


@lru_cache(maxsize=1)
def most_used() -> frozenset[str]:
    """Return the most used characters (data/common_chars.txt)."""
    data = resources.files("monitor.detect").joinpath("data", "common_chars.txt")
    lines = data.read_text("utf-8").splitlines()
    return frozenset("".join(line.strip() for line in lines if not line.startswith("#")))


# Intensifiers of comments (真香, 超甜, 挺好, 巨好看): a term respelled around one is an
# adverb and an adjective (真强, 真呛 for 真枪), as common in comments as the most used
# ones; so is 货, the goods (扫货, 见货 for 骚货, 贱货).
INTENSIFIERS = frozenset("真超挺蛮巨贼特好货")


def short_spellings(canonical: str, normalizer: Normalizer, by_sound: dict[str, str]) -> list[str]:
    """Return a two-character term's sound-alike spellings with one character respelled by a
    common character of the same reading (赌博: 堵博, 睹博 …, 赌搏, 赌驳 …). The character kept
    must be outside the most used ones and the intensifiers: respelled around 上, 说 or 问 (问下
    for a term read wen xia), 真 (真强 for 真枪) or 货 (扫货) a term is ordinary text."""
    out = []
    used = most_used() | INTENSIFIERS
    for i, ch in enumerate(canonical):
        if canonical[1 - i] in used:
            continue
        for other in by_sound.get(ch.translate(normalizer.pinyin), ""):
            if other != ch:
                spelled = canonical[:i] + other + canonical[i + 1 :]
                out.append(normalizer.canonical(spelled))
    return out


def _marked(text: str) -> list[str]:
    """Return the characters pypinyin has no reading for, each marked as kept as written."""
    return ["\0" + c for c in text]


def lookalike_spellings(normalizer: Normalizer, canonical: str) -> list[str]:
    """Return a term's look-alike spellings, fewest respelled characters first.

    Viewers split one or two characters of a word (加我亻言, 亻尔女马的), rarely all: every
    spelling with one character respelled comes first, in every form the tables give,
    then those with two, and so on up to MAX_LOOKALIKES."""
    table = normalizer.lookalikes
    if len(canonical) < 2 or table.keys().isdisjoint(canonical):
        return []
    options = [(i, form) for i, ch in enumerate(canonical) for form in table.get(ch, ())]
    spelled: list[str] = []
    for count in range(1, len(canonical) + 1):
        for chosen in itertools.combinations(options, count):
            if len({i for i, _ in chosen}) < count:
                continue  # two forms of one character
            chars = list(canonical)
            for i, form in chosen:
                chars[i] = form
            spelled.append(normalizer.canonical("".join(chars)))
            if len(spelled) == MAX_LOOKALIKES:
                return spelled
    return spelled


def latin_spellings(normalizer: Normalizer, canonical: str) -> set[str]:
    """Return a term's spellings in syllable codes (character table and pypinyin)."""
    norm = normalizer
    out = {canonical.translate(norm.pinyin)}
    if _POLYPHONES.isdisjoint(canonical):
        return out  # one reading per character: the table already has it
    codes = norm.syllable_codes
    items = lazy_pinyin(canonical, errors=cast(Any, _marked))
    if len(items) == len(canonical):  # one item per character, as pypinyin promises
        out.add(
            "".join(
                orig if item.startswith("\0") or item not in codes else codes[item]
                for item, orig in zip(items, canonical, strict=True)
            )
        )
    return out
