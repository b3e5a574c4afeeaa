"""The transliteration view: Latin letters read as pinyin syllables.

Viewers spell a term in pinyin (jia wo weixin), without spaces (shuadan), mixed with Hanzi
(加weixin) or with a Latin letter standing for itself (jia V). The collapsed view is
rewritten unit by unit: a Hanzi keeps its syllable code from the pinyin view, and each run
of Latin letters is segmented into pinyin syllables (fewest leftover letters first, then
fewest units), so term patterns spelled in the same syllable codes match it.

Only comments with a run of two or more Latin letters pay for this. Leftover letters that
are no syllable stay literal, and a hit is kept only when the Latin runs it touches have no
leftover letters outside it: English words (machine, adamant) do not segment cleanly and
stay clean.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

_LATIN_RUN = re.compile(r"[a-z]{2,}")
MAX_SYLLABLE = 6
MAX_RUN = 48  # longer runs are not pinyin anybody types; they are read as they are
# One-letter readings that are interjections (嗯 n, 呣 m): as syllables they would turn
# every stray letter into a word.
NOT_SYLLABLES = frozenset({"n", "m", "hm", "ng", "r"})
# Marks that end a Latin word whatever follows (jia wo weixin：mango_fruit3). The collapsed
# view deletes them, so a run that does not segment whole is read again piece by piece
# between them; spaces, dots and underscores still join (jia wo weixin, w.e.i.x.i.n).
BREAKS = frozenset("：:，,。；;！!？?、")


@dataclass(frozen=True, slots=True)
class SoundView:
    """The units of one text: syllable codes and other characters, with where they came from."""

    text: str
    start: list[int]  # collapsed-view index where each unit starts
    end: list[int]  # collapsed-view index where each unit ends
    run: list[int]  # the Latin run a unit came from, -1 for the rest
    literal: list[bool]  # a leftover Latin letter (no syllable)

    def clean_around(self, first: int, last: int) -> bool:
        """Return True when the Latin runs of units first..last have no leftovers outside."""
        runs = {self.run[i] for i in range(first, last + 1) if self.run[i] >= 0}
        if not runs:
            return False  # no Latin at all: the pinyin view already read it
        for i, run in enumerate(self.run):
            if run in runs and self.literal[i] and not first <= i <= last:
                return False
        return True


class Transliterator:
    """Segment Latin runs into the pinyin view's syllable codes."""

    def __init__(self, codes: dict[str, str]) -> None:
        self.codes = {s: c for s, c in codes.items() if s not in NOT_SYLLABLES}

    def segment(self, run: str) -> list[tuple[str, int, int, bool]]:
        """Return the units of one Latin run: (unit, start, end, is a leftover letter)."""
        n = len(run)
        codes = self.codes
        # best[i] = (leftover letters, units, previous index, is a syllable) for run[:i]
        best: list[tuple[int, int, int, bool] | None] = [None] * (n + 1)
        best[0] = (0, 0, -1, False)
        for i in range(n):
            here = best[i]
            if here is None:
                continue
            left, units = here[0], here[1]
            step = (left + 1, units + 1, i, False)
            nxt = best[i + 1]
            if nxt is None or step[:2] < nxt[:2]:
                best[i + 1] = step
            for j in range(i + 1, min(n, i + MAX_SYLLABLE) + 1):
                if run[i:j] in codes:
                    step = (left, units + 1, i, True)
                    nxt = best[j]
                    if nxt is None or step[:2] < nxt[:2]:
                        best[j] = step
        out: list[tuple[str, int, int, bool]] = []
        j = n
        while j > 0:
            entry = best[j]
            assert entry is not None
            i, syllable = entry[2], entry[3]
            out.append((codes[run[i:j]] if syllable else run[i:j], i, j, not syllable))
            j = i
        out.reverse()
        return out

    def view(
        self,
        collapsed: str,
        pinyin: str,
        breaks: Callable[[int, int], frozenset[int]] | None = None,
    ) -> SoundView | None:
        """Return the sound view of a text, or None when it has no Latin run to read.

        `breaks(start, end)` gives the collapsed-view indices inside start..end where the
        original text had one of BREAKS; it is called only for a run with leftover letters."""
        found = [m for m in _LATIN_RUN.finditer(collapsed) if len(m.group()) <= MAX_RUN]
        if not found:
            return None
        runs: list[tuple[int, list[tuple[str, int, int, bool]]]] = []
        for m in found:
            units = self.segment(m.group())
            cuts: list[int] = []
            if breaks is not None and any(u[3] for u in units):
                cuts = sorted(breaks(m.start(), m.end()))
            if not cuts:
                runs.append((m.start(), units))
                continue
            edges = [m.start(), *cuts, m.end()]
            for a, b in itertools.pairwise(edges):
                runs.append((a, self.segment(collapsed[a:b])))
        parts: list[str] = []
        start: list[int] = []
        end: list[int] = []
        run_of: list[int] = []
        literal: list[bool] = []
        pos = 0
        for number, (base, units) in enumerate(runs):
            for i in range(pos, base):
                parts.append(pinyin[i])
                start.append(i)
                end.append(i + 1)
                run_of.append(-1)
                literal.append(False)
            for unit, a, b, left in units:
                parts.append(unit)
                start.append(base + a)
                end.append(base + b)
                run_of.append(number)
                literal.append(left)
            pos = base + units[-1][2]
        for i in range(pos, len(collapsed)):
            parts.append(pinyin[i])
            start.append(i)
            end.append(i + 1)
            run_of.append(-1)
            literal.append(False)
        return SoundView("".join(parts), start, end, run_of, literal)
