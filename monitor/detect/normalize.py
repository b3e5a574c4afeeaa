"""Normalization views that defeat evasions, and the maps back to the original text.

Every view is built from C-level calls (`str.translate`, one regex) so the hot path stays
cheap; offset maps are computed only for comments that hit (a few percent).

- base: NFKC-style folds, styled digits and letters, full width, case, traditional to
  simplified, symbols and emoji that stand for a word replaced by it (➕ -> 加, 🐧 -> 企鹅;
  data/substitutions.tsv), the other separators, symbols, emoji and zero-width characters
  deleted.
- collapsed: base with runs of one character collapsed (加加微微信 -> 加微信).
- pinyin: collapsed with every Hanzi replaced by a private-use code for its toneless
  syllable (薇信 and 威信 read like 微信; -ing and -eng read like -in and -en, so 卫星
  does too); same length as collapsed.
- digits: base with Chinese numerals mapped to digits, for contact and number rules only.
- marks: which kinds of character the text holds (`DIGIT`, `LETTER` and `NUMERAL` in the base
  view, `PART` in the original text), so the rules that need one skip a search on the rest.
"""

from __future__ import annotations

import bisect
import re
import string
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib import resources
from itertools import chain, compress
from operator import ne
from typing import NamedTuple

from monitor.detect.native import Folder

PUA_BASE = 0xF0000  # plane-15 private use: the base view deletes these, so no clashes
_REPEAT = re.compile(r"(.)\1+", re.S)
_ADJACENT = re.compile(r"(.)\1", re.S)
_PRIVATE_PLANES = re.compile("[\U000f0000-\U0010ffff]")
_MAX_CACHE = 300_000

# Views.marks bits. PART: a character that may start a pair of parts (亻言, compose.py), read
# in the original text; the others in the base view (the compiled views set PART from the
# original text too: _native.c's MARK_ORIGINAL). NUMERAL_RUN: three NUMERAL characters in a
# row in the base view (_native.c's MARK_NUMERAL_RUN), no character's own bit.
DIGIT, LETTER, NUMERAL, PART, NUMERAL_RUN = 1, 2, 4, 8, 16
# Chinese numerals: three in a row may be a number spelled out (一三八…).
NUMERALS = "零〇洞一壹幺么二贰两三叁四肆五伍六陆七柒拐八捌九玖勾"
_NUMERAL_RUN = re.compile(f"[{NUMERALS}]{{3}}")


def _data(name: str) -> list[str]:
    text = resources.files("monitor.detect").joinpath("data", name).read_text("utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


class FoldTable(dict[int, int | str | None]):
    """The base-view translate table: explicit folds, plus deleted ranges looked up lazily."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self._lo: list[int] = []
        self._hi: list[int] = []
        for line in lines:
            key, _, value = line.partition("\t")
            if "-" in key:
                lo, hi = (int(x, 16) for x in key.split("-"))
                self._lo.append(lo)
                self._hi.append(hi)
                if hi < 0x10000:  # the BMP is where text lives: fill it up front
                    self.update(dict.fromkeys(range(lo, hi + 1)))
            else:
                out = "".join(chr(int(x, 16)) for x in value.split())
                self[int(key, 16)] = out if len(out) != 1 else ord(out)

    def __missing__(self, cp: int) -> int | str | None:
        value = self.lookup(cp)
        if len(self) < _MAX_CACHE:
            self[cp] = value
        return value

    def lookup(self, cp: int) -> int | str | None:
        """Return what a code point folds to, without remembering it."""
        if cp in self:
            return dict.__getitem__(self, cp)
        i = bisect.bisect_right(self._lo, cp) - 1
        return None if i >= 0 and cp <= self._hi[i] else cp


class KeepTable(dict[int, int]):
    """A translate table that maps every character it lacks to itself.

    `str.translate` raises and swallows a LookupError for each character missing from its
    table; remembering those characters as unchanged makes the common case a plain lookup.
    """

    def __missing__(self, cp: int) -> int:
        if len(self) < _MAX_CACHE:
            self[cp] = cp
        return cp


class WidthTable(dict[int, str]):
    """A translate table that erases characters folding to exactly one character.

    What is left marks a deleted character ('d') or one that expands ('m'): a text that
    translates to '' maps onto its base view index for index.
    """

    def __init__(
        self, fold: FoldTable, kept: str = "", deleted: str = "d", expanded: str = "m"
    ) -> None:
        super().__init__()
        self._fold = fold
        self._marks = (kept, deleted, expanded)

    def __missing__(self, cp: int) -> str:
        value = self._fold[cp]
        kept, deleted, expanded = self._marks
        if value is None:
            mark = deleted
        else:
            mark = kept if isinstance(value, int) or len(value) == 1 else expanded
        if len(self) < _MAX_CACHE:
            self[cp] = mark
        return mark


def _marks() -> dict[int, int]:
    """Return the Views.marks bits of each marked character."""
    from monitor.detect.compose import part_starts  # compose reads no view: no cycle

    marks: dict[int, int] = {}
    kinds = (string.digits, DIGIT), (string.ascii_lowercase, LETTER), (NUMERALS, NUMERAL)
    for chars, bit in kinds:
        for ch in chars:
            marks[ord(ch)] = marks.get(ord(ch), 0) | bit
    for ch in part_starts():
        marks[ord(ch)] = marks.get(ord(ch), 0) | PART
    return marks


def _char_class(chars: Iterable[int]) -> re.Pattern[str]:
    return re.compile("[" + re.escape("".join(map(chr, sorted(chars)))) + "]")


def _same_span(start: int, end: int) -> tuple[int, int]:
    return start, end


def collapse(text: str) -> str:
    """Return `text` with runs of one character collapsed (加加微微信 -> 加微信)."""
    # Most comments have no character twice in a row: a search finds that out in a third
    # of a microsecond, where the substitution costs several.
    if _ADJACENT.search(text) is None:
        return text
    return _REPEAT.sub(r"\1", text)


_new_tuple = tuple.__new__


class Views(NamedTuple):
    """The views of one text that the matchers read (a tuple: built once per comment)."""

    base: str
    collapsed: str
    pinyin: str
    marks: int = 0  # DIGIT | LETTER | NUMERAL | PART | NUMERAL_RUN


class Normalizer:
    """Build the views of a text and map view offsets back to the original."""

    def __init__(self) -> None:
        self.fold = FoldTable(_data("fold.tsv"))
        substituted: set[int] = set()  # symbols standing for a word (🍑 for 桃): kept in place
        for line in _data("substitutions.tsv"):
            symbol, _, meaning = line.partition("\t")
            if len(symbol) == 1 and meaning:
                self.fold[ord(symbol)] = meaning if len(meaning) != 1 else ord(meaning)
                substituted.add(ord(symbol))
        # fold_in_place's table: the explicit one-character folds, symbols for words left out.
        self._in_place: dict[int, int | str] = {
            cp: value
            for cp, value in self.fold.items()
            if (isinstance(value, int) or (isinstance(value, str) and len(value) == 1))
            and cp not in substituted
        }
        # The same folds as a plain dict for planes 0-14 (str.translate looks a plain dict up
        # directly; a dict subclass costs a slot call per character). Private-use planes 15
        # and 16 are left out (131,072 entries): a text holding one is folded by `fold`.
        self._fold_fast: dict[int, int | str | None] = {
            cp: self.fold.lookup(cp) for cp in range(0x20000)
        }
        for key, value in list(self.fold.items()):
            if 0x20000 <= key < 0xF0000:
                self._fold_fast[key] = value
        for lo, hi in zip(self.fold._lo, self.fold._hi, strict=True):
            if lo >= 0x20000 and hi < 0xF0000:
                self._fold_fast.update(dict.fromkeys(range(lo, hi + 1)))
        self.syllables: list[str] = []
        self.pinyin: dict[int, int] = {}
        rows = [line.partition("\t")[::2] for line in _data("pinyin.tsv")]
        self.syllables = [syllable for syllable, _ in rows]
        known = set(self.syllables)
        # Near-homophones read alike (卫星 like 微信): -ing and -eng share -in and -en's code.
        self.syllable_codes: dict[str, str] = {}
        for i, (syllable, chars) in enumerate(rows):
            fuzzy = syllable[:-1] if syllable.endswith(("ing", "eng")) else syllable
            index = self.syllables.index(fuzzy) if fuzzy != syllable and fuzzy in known else i
            self.syllable_codes[syllable] = chr(PUA_BASE + index)
            self.pinyin.update(dict.fromkeys(map(ord, chars), PUA_BASE + index))
        # Look-alike spellings of characters (亻言 for 信), for the lexicon's term spellings:
        # the curated ones first, then the two-part splits of every common character.
        self.lookalikes: dict[str, tuple[str, ...]] = {}
        for name in ("lookalikes.tsv", "components.tsv"):
            for line in _data(name):
                char, _, forms = line.partition("\t")
                had = self.lookalikes.get(char, ())
                self.lookalikes[char] = had + tuple(f for f in forms.split() if f not in had)
        self.digits: dict[int, int] = {}
        for line in _data("digits.tsv"):
            char, _, digit = line.partition("\t")
            self.digits[ord(char)] = ord(digit)
        # A plain dict holding every BMP character: str.translate looks a plain dict up
        # directly, where a dict subclass (KeepTable) goes through a slot call per character.
        # A character outside the table (planes 2+, rare) raises inside translate and is kept.
        self._pinyin_table: dict[int, int] = {cp: cp for cp in range(0x10000)}
        self._pinyin_table.update(self.pinyin)
        self._width = WidthTable(self.fold)
        self._kept = WidthTable(self.fold, kept="\x01", deleted="\x00", expanded="\x01")
        self._digit_table = KeepTable(self.digits)
        self.marks = _marks()
        self._marked_base = _char_class(c for c, m in self.marks.items() if m & ~PART)
        self._marked_part = _char_class(c for c, m in self.marks.items() if m & PART)
        # The compiled base offsets (None for a text that folds index for index), else None.
        self._offsets: Callable[[str], list[int] | None] | None = None
        if Folder is not None:
            # One compiled pass builds the views and their marks (monitor/detect/_native.c);
            # the translate-based `views` below is the definition it must agree with.
            ranges = list(zip(self.fold._lo, self.fold._hi, strict=True))
            self._folder = Folder(dict(self.fold), ranges, self.pinyin, Views, self.marks)
            self.views = self._folder.views  # type: ignore[method-assign]
            self._offsets = self._folder.offsets

    def base(self, text: str) -> str:
        """Return the base view: folded, simplified, lower case, separators deleted."""
        return text.translate(self.fold)

    def fold_in_place(self, text: str) -> str:
        """Return the text with every character that folds to exactly one character folded
        (traditional to simplified, width, case); the rest kept, so offsets still match.
        Symbols that stand for a word (🍑 for 桃, 🐟 for 鱼) are kept as typed."""
        return text.translate(self._in_place)

    def views(self, text: str) -> Views:
        """Return the base, collapsed and pinyin views of a text."""
        base = text.translate(self._fold_fast)
        if _PRIVATE_PLANES.search(base) is not None:  # planes 15-16: the lazy table decides
            base = text.translate(self.fold)
        collapsed = collapse(base)
        marks = 0
        for m in self._marked_base.finditer(base):
            marks |= self.marks[ord(m.group())] & ~PART
        if self._marked_part.search(text) is not None:
            marks |= PART
        if marks & NUMERAL and _NUMERAL_RUN.search(base) is not None:
            marks |= NUMERAL_RUN
        # tuple.__new__ directly: a NamedTuple's own __new__ is a Python-level call.
        pinyin = collapsed.translate(self._pinyin_table)
        return _new_tuple(Views, (base, collapsed, pinyin, marks))

    def canonical(self, term: str) -> str:
        """Return the collapsed view of a pattern (patterns go through the same folds)."""
        return collapse(term.translate(self.fold))

    def digit_view(self, base: str) -> str:
        """Return the base view with Chinese numerals as digits (number rules only)."""
        return base.translate(self._digit_table)

    def base_offsets(self, text: str) -> list[int]:
        """Return, for each base-view index, the index of the original char it came from."""
        if self._offsets is not None:
            offsets = self._offsets(text)
            return list(range(len(text))) if offsets is None else offsets
        marks = text.translate(self._width)
        if "m" not in marks:  # only deletions: keep the indexes of the other characters
            keep = text.translate(self._kept).encode("latin-1")
            return list(compress(range(len(text)), keep))
        out: list[int] = []
        fold = self.fold
        for i, ch in enumerate(text):
            value = fold[ord(ch)]
            if value is None:
                continue
            out.extend([i] * (1 if isinstance(value, int) else len(value)))
        return out

    def fold_char(self, ch: str) -> str:
        """Return what one original character becomes in the base view."""
        value = self.fold[ord(ch)]
        if value is None:
            return ""
        return chr(value) if isinstance(value, int) else value

    def one_to_one(self, text: str) -> bool:
        """Return True when every character of `text` folds to exactly one character."""
        if self._offsets is not None:
            return self._offsets(text) is None
        # (a dict subclass as a translate table costs a slot call per character)
        return not text.translate(self._width)

    def span_mapper(
        self, text: str, base: str, collapsed: str | None = None
    ) -> Callable[[int, int], tuple[int, int]]:
        """Return a function mapping collapsed-view spans of `text` to original spans
        (`collapsed`: the collapsed view, when the caller has it: no search for repeats)."""
        # Collapsing only drops characters: the same length means nothing was collapsed.
        flat = len(collapsed) == len(base) if collapsed is not None else collapse(base) is base
        if self._offsets is not None:  # one compiled pass answers one_to_one and the offsets
            found = self._offsets(text)
            if found is None and flat:
                return _same_span  # most comments: nothing deleted, expanded or repeated
            offsets = list(range(len(text))) if found is None else found
        elif len(base) == len(text) and flat and self.one_to_one(text):
            return _same_span
        else:
            offsets = self.base_offsets(text)
        if flat:  # nothing collapsed: base and collapsed agree
            return lambda start, end: (offsets[start], offsets[end - 1] + 1)
        # Where each run of one character starts (the starts of (.)\1* matches, in C calls).
        runs = list(compress(range(len(base)), map(ne, base, chain((None,), base))))
        total = len(base)

        def to_original(start: int, end: int) -> tuple[int, int]:
            b_start = runs[start]
            b_end = runs[end] if end < len(runs) else total
            return offsets[b_start], offsets[b_end - 1] + 1

        return to_original

    def base_span_mapper(self, text: str) -> Callable[[int, int], tuple[int, int]]:
        """Return a function mapping base-view spans of `text` to original spans."""
        if self._offsets is not None:
            found = self._offsets(text)
            if found is None:
                return _same_span
            offsets = found
        elif self.one_to_one(text):
            return _same_span
        else:
            offsets = self.base_offsets(text)
        return lambda start, end: (offsets[start], offsets[end - 1] + 1)


@lru_cache(maxsize=1)
def default_normalizer() -> Normalizer:
    """Return the process-wide normalizer (the tables are read once)."""
    return Normalizer()
