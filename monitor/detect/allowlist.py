"""Room-scoped allowlist terms applied to a detector's flags (the console's terms).

The lexicon's own allowlist (files in the lexicon folder) applies to every room inside
the automaton. Terms added from the console apply to some rooms only, so they are read
after detection, on the few texts that were flagged: a piece of evidence is dropped when

- its term is the allowlisted term (the matched lexicon term, a homophone hit's lexicon
  term, or a contact token such as `id:wx12345` or `phone:13800000000`), or
- it lies wholly inside an occurrence of an allowlisted phrase in the text (微信支付 around
  微信), compared through the same normalisation as the lexicon.

A flag left with no evidence is dropped. Pure and synchronous like the detectors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import ahocorasick_rs

from alerts.model import Evidence, Signal
from monitor.detect.normalize import Normalizer, default_normalizer

Rooms = frozenset[str] | None  # None: every room


@dataclass(frozen=True, slots=True)
class _Phrase:
    canonical: str
    rooms: Rooms


@dataclass(frozen=True, slots=True)
class _RoomTerms:
    tokens: frozenset[str]
    phrases: list[str]
    exact: frozenset[str]
    matcher: ahocorasick_rs.AhoCorasick | None


def _applies(rooms: Rooms, room: str) -> bool:
    return rooms is None or room in rooms


class ScopedAllowlist:
    """Terms, each for every room or a set of rooms; `filter` drops what they cover."""

    def __init__(
        self, terms: Iterable[tuple[str, Rooms]], normalizer: Normalizer | None = None
    ) -> None:
        self._norm = normalizer or default_normalizer()
        self._tokens: dict[str, list[Rooms]] = {}
        self._phrases: list[_Phrase] = []
        self._rooms: dict[str, _RoomTerms] = {}
        for text, rooms in terms:
            lowered = text.strip().lower()
            kind, sep, value = lowered.partition(":")
            if sep and kind in ("phone", "qq", "number", "id") and value.isalnum():
                self._tokens.setdefault(lowered, []).append(rooms)
                continue
            canonical = self._norm.canonical(text)
            if canonical:
                self._phrases.append(_Phrase(canonical, rooms))
        self.size = sum(len(v) for v in self._tokens.values()) + len(self._phrases)

    def filter(self, signals: list[Signal]) -> list[Signal]:
        """Return the signals without the evidence allowlisted for their room."""
        if not self.size or not signals:
            return signals
        out: list[Signal] = []
        for signal in signals:
            if not signal.evidence:
                out.append(signal)
                continue
            kept = self._keep(signal.room, signal.text, signal.evidence)
            if len(kept) == len(signal.evidence):
                out.append(signal)
            elif kept:
                out.append(replace(signal, evidence=kept))
        return out

    def _for_room(self, room: str) -> _RoomTerms:
        terms = self._rooms.get(room)
        if terms is None:  # built once per room: the terms are swapped whole on change
            tokens = frozenset(
                t for t, scopes in self._tokens.items() if any(_applies(r, room) for r in scopes)
            )
            phrases = sorted({p.canonical for p in self._phrases if _applies(p.rooms, room)})
            matcher = ahocorasick_rs.AhoCorasick(phrases) if phrases else None
            terms = _RoomTerms(tokens, phrases, frozenset(phrases), matcher)
            self._rooms[room] = terms
        return terms

    def _keep(self, room: str, text: str, evidence: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
        terms = self._for_room(room)
        if not terms.tokens and terms.matcher is None:
            return evidence
        spans = self._spans(text, terms) if terms.matcher is not None else []
        kept = []
        for ev in evidence:
            if ev.term.lower() in terms.tokens or self._norm.canonical(ev.term) in terms.exact:
                continue
            if any(a <= ev.start and ev.end <= b for a, b in spans):
                continue
            kept.append(ev)
        return tuple(kept)

    def _spans(self, text: str, terms: _RoomTerms) -> list[tuple[int, int]]:
        """Return the original-text spans of every occurrence of the room's phrases."""
        assert terms.matcher is not None
        views = self._norm.views(text)
        found = terms.matcher.find_matches_as_indexes(views.collapsed, overlapping=True)
        if not found:
            return []
        to_original = self._norm.span_mapper(text, views.base)
        return [to_original(a, b) for _, a, b in found]
