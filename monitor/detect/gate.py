"""Anchored phrase regexes: search only the alternatives whose anchors occur in a text.

A regex of a hundred alternatives costs Python's engine tens of microseconds per short
comment, most of it on comments it can never match. From each alternative's parsed
pattern comes a set of anchors, literal strings of which every match holds one (its
longest mandatory literal run, or the runs of a mandatory group of alternatives); one
Aho-Corasick pass finds the anchors in a comment and only their alternatives are searched.
"""

from __future__ import annotations

import re
from collections.abc import Set
from re import _compiler as compiler  # type: ignore[attr-defined]
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser as parser  # type: ignore[attr-defined]
from typing import Any

from monitor.detect.native import Automaton, CueGate, automaton

_MAX_CLASS = 16  # a character class wider than this gives no usable anchor
Anchors = frozenset[str]


def _class_chars(items: list[tuple[Any, Any]]) -> set[str] | None:
    chars: set[str] = set()
    for op, arg in items:
        if op is c.LITERAL:
            chars.add(chr(arg))
        elif op is c.RANGE and arg[1] - arg[0] < _MAX_CLASS:
            chars.update(map(chr, range(arg[0], arg[1] + 1)))
        else:
            return None  # negated, categories (\s, \d) or wide ranges
    return chars if len(chars) <= _MAX_CLASS else None


# Single characters so common in comments that an anchor on them alone passes most texts.
COMMON = frozenset("的一是不了我你这个有好就吗么在也都很还没人太说主播啊呢吧到买真天发")
_MAX_PRODUCT = 48  # literal alternatives joined into longer anchors, up to this many


def _rank(anchors: Anchors) -> tuple[int, int, int]:
    """Order anchor sets: no common single character, the shortest as long as possible, few."""
    common = sum(1 for a in anchors if a in COMMON)
    return (common, -min(map(len, anchors)), len(anchors))


def _literals(items: Any) -> set[str] | None:
    """Return the exact strings a sequence matches when it is fixed literal alternatives."""
    out = {""}
    for op, arg in items:
        if op is c.LITERAL:
            part: set[str] | None = {chr(arg)}
        elif op is c.IN:
            part = _class_chars(arg)
        elif op is c.SUBPATTERN:
            part = _literals(arg[-1])
        elif op is c.BRANCH:
            part = set()
            for branch in arg[1]:
                sub = _literals(branch)
                if sub is None:
                    return None
                part |= sub
        else:
            return None
        if part is None or len(out) * len(part) > _MAX_PRODUCT:
            return None
        out = {a + b for a in out for b in part}
    return out


def _anchors(items: Any) -> Anchors | None:
    """Return strings of which any match of this sequence holds one, or None if unknown."""
    options: list[Anchors] = []
    run: set[str] = {""}  # the literal strings the current stretch of the sequence can be
    for op, arg in [*items, (None, None)]:
        literal = _literals([(op, arg)]) if op is not None else None
        if literal is not None and len(run) * len(literal) <= _MAX_PRODUCT:
            run = {a + b for a in run for b in literal}
            continue
        if run != {""}:
            options.append(frozenset(run))
        run = {""}
        if literal is not None:  # too many joined alternatives: start a new stretch
            run = literal
            continue
        found: Anchors | None = None
        if op is c.SUBPATTERN:
            found = _anchors(arg[-1])
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and arg[0] >= 1:
            found = _anchors(arg[2])
        elif op is c.BRANCH:
            union: set[str] = set()
            for branch in arg[1]:
                sub = _anchors(branch)
                if sub is None:
                    break
                union |= sub
            else:
                found = frozenset(union)
        if found:
            options.append(found)
    options = [o for o in options if "" not in o]
    return min(options, key=_rank) if options else None


def anchors(pattern: str) -> Anchors | None:
    """Return strings of which every match of `pattern` holds one, or None if unknown."""
    return _anchors(parser.parse(pattern))


_MAX_LEAD = 512  # first characters listed in a lookahead, at most


def _leads(items: Any) -> tuple[set[int], bool] | None:
    """Return (the code points a match of this sequence can start with, whether it can be
    empty), or None when that is not a short list (any character, a negated class)."""
    out: set[int] = set()
    for op, arg in items:
        empty = False
        if op is c.LITERAL:
            first: set[int] = {arg}
        elif op is c.IN:
            first = set()
            for kind, value in arg:
                if kind is c.LITERAL:
                    first.add(value)
                elif kind is c.RANGE and value[1] - value[0] < _MAX_LEAD:
                    first.update(range(value[0], value[1] + 1))
                else:
                    return None  # negated, categories (\s, \d) or wide ranges
        elif op in (c.ASSERT, c.ASSERT_NOT, c.AT):
            first, empty = set(), True  # zero width: the next item starts the match
        elif op in (c.SUBPATTERN, c.ATOMIC_GROUP, c.BRANCH):
            inner = [arg[-1]] if op is c.SUBPATTERN else [arg] if op is c.ATOMIC_GROUP else arg[1]
            first = set()
            for sequence in inner:
                lead = _leads(sequence)
                if lead is None:
                    return None
                first |= lead[0]
                empty = empty or lead[1]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            lead = _leads(arg[2])
            if lead is None:
                return None
            first, empty = lead[0], lead[1] or arg[0] == 0
        else:
            return None  # ANY, NOT_LITERAL, GROUPREF …
        out |= first
        if len(out) > _MAX_LEAD:
            return None
        if not empty:
            return out, False
    return out, True


def leading(pattern: str) -> str:
    """Return the pattern behind a lookahead for the characters every match starts with.

    A lookahead changes no match; Python's engine tries a pattern at every position of
    the text, and an alternation whose alternatives open with a lookbehind gets no
    first-character check of its own, so each failing position costs every alternative.
    Patterns that can match empty text or start with any character are returned as is, and
    so are those the engine skips through by itself (a literal or a character class first).
    """
    first = _first_chars(pattern)
    if first is None:
        return pattern
    return f"(?=[{first}])(?:{pattern})"


def _first_chars(pattern: str) -> str | None:
    """Return, escaped for a character class, the characters every match of the pattern
    starts with; None when the engine skips through it by itself (a literal or a character
    class first), or the pattern can match empty text or start with any character."""
    parsed = parser.parse(pattern)
    if compiler._get_literal_prefix(parsed, 0)[0] or compiler._get_charset_prefix(parsed, 0):
        return None
    lead = _leads(parsed)
    if lead is None or lead[1] or not lead[0]:
        return None
    return re.escape("".join(map(chr, sorted(lead[0]))))


def present(pattern: str) -> str:
    r"""Return a regex that matches somewhere in a text exactly when `pattern` does, for
    `search(...) is not None` only: its match is the first character of the pattern's.

    `leading` tests the first character in a lookahead at every position, which Python's
    engine enters as a match attempt of its own. Here the first character is read by a
    character class the engine scans for without entering a match (`[F]`), and the pattern
    itself is tried, in a lookahead, from one character back (`(?<=(?=pattern)[\s\S])`):
    the same places tried, the same lookbehinds and groups. Patterns `leading` leaves alone,
    and those the engine refuses inside a lookbehind (a group referred to there), are
    returned as `leading` returns them.
    """
    chars = _first_chars(pattern)
    if chars is None:
        return pattern
    wrapped = rf"[{chars}](?<=(?=(?:{pattern}))[\s\S])"
    try:
        re.compile(wrapped)
    except re.error:  # a backreference to a group of the pattern, now inside a lookbehind
        return leading(pattern)
    return wrapped


def split_alternatives(pattern: str) -> list[str]:
    """Return the top-level alternatives of a regex (`a|b(c|d)` -> `a`, `b(c|d)`)."""
    parts: list[str] = []
    depth, in_class, escaped, begin = 0, False, False, 0
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[begin:i])
            begin = i + 1
    parts.append(pattern[begin:])
    return parts


class CueSet:
    """Named regexes of many alternatives, searched only where their anchors occur.

    Each top-level alternative of each regex is filed under its anchors (literal strings
    every match of it holds); one Aho-Corasick pass over a comment finds the anchors
    present, and only the alternatives filed under them are searched. Most comments hold
    no anchor and cost that one pass. `prefix` and `suffix` wrap every alternative.
    """

    def __init__(self, patterns: dict[str, tuple[str, str, str]]) -> None:
        grouped: dict[str, dict[str, list[str]]] = {}  # anchor -> name -> alternatives
        direct: dict[str, set[str]] = {}  # plain-string alternatives -> names they match
        self.always: list[tuple[str, re.Pattern[str]]] = []
        self.names = tuple(patterns)
        for name, (pattern, prefix, suffix) in patterns.items():
            re.compile(f"{prefix}(?:{pattern}){suffix}")  # a broken pattern fails here, whole
            loose: list[str] = []
            for branch in split_alternatives(pattern):
                exact = None if prefix or suffix else _literals(parser.parse(branch))
                if exact:  # the branch is plain strings: finding one is the match
                    for literal in exact:
                        direct.setdefault(literal, set()).add(name)
                    continue
                found = anchors(branch)
                if found is None:
                    loose.append(branch)
                for anchor in found or ():
                    grouped.setdefault(anchor, {}).setdefault(name, []).append(branch)
            if loose:
                whole = f"{prefix}(?:{'|'.join(loose)}){suffix}"
                self.always.append((name, re.compile(present(whole))))
        wraps = {name: (prefix, suffix) for name, (_, prefix, suffix) in patterns.items()}
        self.anchors = sorted(grouped.keys() | direct.keys())
        # The scan reports the longest anchor at each place and skips what lies inside it:
        # an anchor found stands for every anchor it contains (不好用 holds 不 and 好用).
        inner = {a: [b for b in self.anchors if b != a and b in a] for a in self.anchors}
        self._direct = [
            frozenset().union(*(direct.get(b, ()) for b in [a, *inner[a]])) for a in self.anchors
        ]
        self._searches: list[list[tuple[str, re.Pattern[str]]]] = []
        for a in self.anchors:
            merged: dict[str, list[str]] = {}
            for b in [a, *inner[a]]:
                for name, alts in grouped.get(b, {}).items():
                    merged.setdefault(name, []).extend(x for x in alts if x not in merged[name])
            self._searches.append(
                [
                    (
                        name,
                        re.compile(
                            present(f"{wraps[name][0]}(?:{'|'.join(alts)}){wraps[name][1]}")
                        ),
                    )
                    for name, alts in merged.items()
                    if name not in self._direct[len(self._searches)]
                ]
            )
        self._automaton = automaton(self.anchors, leftmost_longest=True)
        self._exact = automaton(self.anchors)
        # Compiled, the scan itself gives the names matched outright (as bits: name i is
        # 1 << i) and the searches left, each once (see `_native.CueGate`).
        self._gate = None
        if CueGate is not None and Automaton is not None:
            bit = {name: 1 << i for i, name in enumerate(self.names)}
            self._gate = CueGate(
                Automaton(self.anchors, True),
                tuple(sum(map(bit.__getitem__, names)) for names in self._direct),
                tuple(tuple((bit[n], regex) for n, regex in each) for each in self._searches),
            )
            self._always_bits = [(bit[name], regex) for name, regex in self.always]
        self._named: dict[int, frozenset[str]] = {}  # bits -> the names they stand for

    def matches(self, text: str) -> Set[str]:
        """Return the names of the regexes that match somewhere in the text.

        Anchors that overlap without one containing the other (不好 and 好用 in 不好用) can
        hide the second; `exact_matches` finds every anchor, at twice the scan's cost.
        """
        gate = self._gate
        if gate is None:
            try:
                hits = self._automaton.find_matches_as_indexes(text)
            except UnicodeEncodeError:  # a lone surrogate (never from a JSON decoder)
                text = text.encode("utf-8", "replace").decode("utf-8")
                hits = self._automaton.find_matches_as_indexes(text)
            return self._verify(text, hits)
        try:
            bits, pending = gate.pending(text)
        except UnicodeEncodeError:  # as above
            text = text.encode("utf-8", "replace").decode("utf-8")
            bits, pending = gate.pending(text)
        for bit, regex in pending:
            if not bits & bit and regex.search(text) is not None:
                bits |= bit
        for bit, regex in self._always_bits:
            if not bits & bit and regex.search(text) is not None:
                bits |= bit
        named = self._named.get(bits)
        if named is None:
            named = frozenset(n for i, n in enumerate(self.names) if bits >> i & 1)
            self._named[bits] = named
        return named

    def exact_matches(self, text: str) -> set[str]:
        """Return the names of the regexes that match, from every anchor occurrence."""
        text = text.encode("utf-8", "replace").decode("utf-8")
        return self._verify(text, self._exact.find_matches_as_indexes(text, overlapping=True))

    def _verify(self, text: str, hits: list[tuple[int, int, int]]) -> set[str]:
        found: set[str] = set()
        direct, searches = self._direct, self._searches  # read once, not per anchor found
        for index, _, _ in hits:
            found |= direct[index]
            for name, regex in searches[index]:
                if name not in found and regex.search(text) is not None:
                    found.add(name)
        for name, regex in self.always:
            if name not in found and regex.search(text) is not None:
                found.add(name)
        return found
