"""Checks on one hit of the lexicon: whether a sound-alike or a Latin spelling is meant.

The lexicon (lexicon.py) finds candidates on its automata; these decide, on the few texts
that hit, whether a respelling with common characters is deliberate, whether a short
sound-alike stands alone, whether one reads over the end of a clause, and whether a Latin
spelling is a capitalized name or touches letters or digits of its own class.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from monitor.detect.context import FUNCTION_CHARS, segment
from monitor.detect.spellings import INTENSIFIERS, STOP_CHARS

if TYPE_CHECKING:
    from monitor.detect.lexicon import Hit

ASCII_LETTER = re.compile(r"[a-z]")
ASCII_DIGIT = re.compile(r"[0-9]")
HANZI_ONLY = re.compile(r"[\u3400-\u9fff]+")


def deliberate(collapsed: str, start: int, canonical: str) -> bool:
    """Return True when a sound-alike spelling may be meant, despite its common characters.

    A common function character standing in for a term's character (为 in 因为信任 for 微信,
    码 in 你码数 for 妈, 都 in logo都印歪了 for 抖音) is ordinary text in a term of two
    characters and when it is the only change; in a longer term it is a respelling when
    another character is respelled too with an uncommon one (草你码 for 操你妈), or when the
    term is four characters or more and it is the only change (你码死了). An intensifier
    as the last character, the only change, before more text is an adverb (企鹅好可爱). Either
    way the common character must stand alone, not in a dictionary word of the text (买大码
    is the large size, not 卖大麻)."""
    stops: list[int] = []
    others: list[int] = []
    for i, b in enumerate(canonical):
        a = collapsed[start + i]
        if a != b:
            (stops if a in STOP_CHARS else others).append(start + i)
    last = start + len(canonical) - 1
    if (
        stops + others == [last]
        and collapsed[last] in INTENSIFIERS
        and HANZI_ONLY.match(collapsed, last + 1) is not None
    ):
        return False  # an intensifier before what it intensifies (企鹅好可爱 for 企鹅号)
    if not stops:
        return True
    if len(canonical) < 3 or not (others or (len(stops) == 1 and len(canonical) >= 4)):
        return False  # two syllables with a common one are everyday text (都印 for 抖音)
    words = [(a, b) for _, a, b in segment(collapsed) if b - a > 1]
    if any(a <= at < b for at in stops for a, b in words):
        return False
    # The other respellings make words of the text of respelled characters only (价格 in 价格为
    # for 加个微): a price, not a respelled invitation (大马有 for 大麻油 keeps 大: still read).
    changed = set(others) | set(stops)
    respelled = [(a, b) for a, b in words if all(i in changed for i in range(a, b))]
    return not (others and all(any(a <= at < b for a, b in respelled) for at in others))


def stands_alone(text: str, collapsed: str, hit: Hit) -> bool:
    """Return True when a two-character sound-alike (one of `short_spellings`) is its own two
    characters: not across punctuation, and no dictionary word of the text holds either
    character (大妈 for 大麻, 到手价 for 兽夹 are ordinary text; 伟歌 and 堵博 stand alone)."""
    said = collapsed[hit.start : hit.end]
    if not STOP_CHARS.isdisjoint(said) or not FUNCTION_CHARS.isdisjoint(said):
        return False  # a common character kept from the term (你去 for 你蛆)
    if (
        hit.orig_end - hit.orig_start != 2
        or HANZI_ONLY.fullmatch(text, hit.orig_start, hit.orig_end) is None
    ):
        return False  # across a comma or a space (没破，谢谢 for 破鞋), or a doubled verb (去试试)
    return all(b - a == 1 for _, a, b in segment(collapsed) if a < hit.end and b > hit.start)


CLAUSE_MARKS = frozenset("，。！？；、,.!?;…")


def across_a_clause(text: str, hit: Hit, fold_char: Callable[[str], str]) -> bool:
    """Return True when a sound-alike reads over a clause mark in some gaps between its
    characters but not all: the end of one clause and the start of the next (书很貴。儿子 for
    龟儿子, 太大，比 for 泰达币). A mark in every gap spells the term apart (龟。儿。子)."""
    span = text[hit.orig_start : hit.orig_end]
    if CLAUSE_MARKS.isdisjoint(span):
        return False
    gaps: list[bool] = []  # per gap between two kept characters: a clause mark in it
    started = marked = False
    for ch in span:
        if fold_char(ch):
            if started:
                gaps.append(marked)
            started, marked = True, False
        elif ch in CLAUSE_MARKS:
            marked = True
    return any(gaps) and not all(gaps)


def proper_name(text: str, start: int, end: int) -> bool:
    """Return True when text[start:end] lies in one capitalized Latin word inside the text.

    A name typed mid-sentence (Jiawei, Zhang Weixing, Dama de Noche) is capitalized on
    purpose; a keyboard capitalizes only the first word of a message, so that one still counts.
    """
    a = start
    while a > 0 and text[a - 1].isascii() and text[a - 1].isalpha():
        a -= 1
    b = end
    while b < len(text) and text[b].isascii() and text[b].isalpha():
        b += 1
    if not text[:a].strip() or not text[start:end].isalpha():
        return False
    return text[a:b].istitle()


def edge(ch: str) -> str:
    if ASCII_LETTER.match(ch):
        return "a"
    if ASCII_DIGIT.match(ch):
        return "0"
    return ""
