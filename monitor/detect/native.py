"""The compiled inner loops of detection, or None for each when the extension is not built.

`monitor/detect/_native.c` is built by `pip install` when a C compiler is present
(setup.py marks it optional). Every user keeps a Python path giving the same results;
`ROOMWATCH_PURE_PYTHON=1` forces that path (tests compare the two).
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Protocol

import ahocorasick_rs

if TYPE_CHECKING:
    from monitor.detect import _native

log = logging.getLogger(__name__)


API = 5  # what _native.c's NATIVE_API must be: a build of an older source is not used


def _load() -> ModuleType | None:
    if os.environ.get("ROOMWATCH_PURE_PYTHON", "") in ("1", "true", "yes"):
        return None
    try:
        module = importlib.import_module("monitor.detect._native")
    except ImportError:  # no compiler at install time: the Python paths run
        return None
    if getattr(module, "API", 1) != API:
        # Built from an older _native.c (an in-place build not redone after a pull): the
        # Python paths run until `pip install -e .` (or setup.py build_ext) rebuilds it.
        log.warning("monitor/detect/_native is an older build: rebuild it; Python paths run")
        return None
    return module


_module = _load()
NgramTable: type[_native.NgramTable] | None = _module.NgramTable if _module else None
NgramPair: type[_native.NgramPair] | None = _module.NgramPair if _module else None
Folder: type[_native.Folder] | None = _module.Folder if _module else None
Automaton: type[_native.Automaton] | None = _module.Automaton if _module else None
CueGate: type[_native.CueGate] | None = _module.CueGate if _module else None
AVAILABLE = _module is not None


class Matcher(Protocol):
    """Literal patterns found in a text: (pattern index, start, end) in code points."""

    def find_matches_as_indexes(
        self, haystack: str, overlapping: bool = False
    ) -> list[tuple[int, int, int]]: ...


def automaton(patterns: Sequence[str], *, leftmost_longest: bool = False) -> Matcher:
    """Return a matcher of the patterns: compiled (`_native.Automaton`, reading the text's
    code points as stored) when built, else ahocorasick_rs; both give the same matches in
    the same order (standard overlapping or leftmost-longest, as `leftmost_longest` says)."""
    if Automaton is not None:
        return Automaton(list(patterns), leftmost_longest)
    if leftmost_longest:
        return ahocorasick_rs.AhoCorasick(
            patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
        )
    return ahocorasick_rs.AhoCorasick(patterns)


def phrases(words: Sequence[str]) -> Callable[..., bool]:
    """Return a test `(text, pos=0, endpos=len(text)) -> bool`: whether one of the words
    lies wholly inside text[pos:endpos]. It is `re.search(text, pos, endpos) is not None`
    for the words as literal alternatives; compiled, one walk over the text's code points
    (`_native.Automaton.occurs_in`) instead of a regex engine's state per search."""
    if Automaton is not None:
        return Automaton(list(words)).occurs_in
    regex = re.compile("|".join(map(re.escape, words)))

    def occurs_in(text: str, pos: int = 0, endpos: int = sys.maxsize) -> bool:
        return regex.search(text, pos, endpos) is not None

    return occurs_in
