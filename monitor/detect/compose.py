"""Characters typed as their parts (亻言 for 信, 君羊 for 群): the text read with each part pair
as the character it makes up, before any matching.

The lexicon also spells each term with its characters split (components.tsv, lookalikes.tsv),
but only a listed term is found that way: 留个亻言号 or 土立土及质量 hold no listed term until
they are read as 留个信号 and 垃圾质量. Two kinds of pairs are read: a split whose first part is a
radical form (亻 氵 扌 忄 讠 …, never typed alone in ordinary text), from components.tsv, and
a short hand-curated list of pairs of ordinary characters (data/composed_pairs.tsv). One
character-class search tells most texts without a pair at once.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from typing import Any, TypeVar

F = TypeVar("F", bound=Any)

# Radical forms: shapes that only appear inside characters, never as text of their own.
RADICAL_FORMS = frozenset("亻氵扌忄讠钅饣纟礻衤犭刂丬阝冫灬艹宀辶廴彳疒罒爫冖卩廾彡攵覀虍癶")


def _lines(name: str) -> list[list[str]]:
    text = resources.files("monitor.detect").joinpath("data", name).read_text("utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def load_pairs() -> dict[str, str]:
    """Return the part pairs read as one character: radical-form splits, then curated pairs."""
    pairs: dict[str, str] = {}
    for char, splits in _lines("components.tsv"):
        for split in splits.split():
            if len(split) == 2 and split[0] in RADICAL_FORMS:
                pairs.setdefault(split, char)
    for pair, char in _lines("composed_pairs.tsv"):
        pairs[pair] = char
    return pairs


@lru_cache(maxsize=1)
def part_starts() -> frozenset[str]:
    """Return the characters a shipped pair starts with (the views mark them: `PART`)."""
    return frozenset(pair[0] for pair in load_pairs())


class Composer:
    """`compose(text)` reads part pairs as their characters; None when the text has none."""

    def __init__(self, pairs: dict[str, str] | None = None) -> None:
        self.pairs = load_pairs() if pairs is None else pairs
        # One character-class search finds where a pair may start; the pair itself is a dict
        # look-up (a regex alternation of 2,000 pairs is tried pair by pair at each position).
        firsts = "".join(sorted({pair[0] for pair in self.pairs}))
        self._first = re.compile(f"[{re.escape(firsts)}]")

    def compose(self, text: str) -> tuple[str, list[int]] | None:
        """Return (the text read with each pair as its character, where each character of it
        starts in `text`, with len(text) appended), or None when no pair is in the text."""
        first = self._first.search(text)
        if first is None:
            return None  # one C call for nearly every text
        pairs = self.pairs
        found = [
            m.start()
            for m in self._first.finditer(text, first.start())
            if text[m.start() : m.start() + 2] in pairs
        ]
        if not found:
            return None
        out: list[str] = []
        starts: list[int] = []
        at = 0
        for i in found:
            if i < at:
                continue  # the second part of a pair just read
            out.extend(text[at:i])
            starts.extend(range(at, i))
            out.append(pairs[text[i : i + 2]])
            starts.append(i)
            at = i + 2
        out.extend(text[at:])
        starts.extend(range(at, len(text) + 1))
        return "".join(out), starts


def respan(findings: list[F], starts: list[int]) -> list[F]:
    """Return findings on a composed text with their evidence spans in the original text
    (`starts`: where each composed character starts, as `compose` returns them)."""
    return [
        replace(
            f,
            evidence=tuple(
                replace(ev, start=starts[ev.start], end=starts[ev.end]) for ev in f.evidence
            ),
        )
        for f in findings
    ]
