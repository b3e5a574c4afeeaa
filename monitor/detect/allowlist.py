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

from alerts.model import Evidence, Signal
from monitor.detect.normalize import Normalizer, default_normalizer

Rooms = frozenset[str] | None  # None: every room


@dataclass(frozen=True, slots=True)
class _Phrase:
    canonical: str
    rooms: Rooms


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

    def covers(self, room: str, text: str, evidence: Evidence) -> bool:
        """Return True when an allowlisted term of the room covers one piece of evidence."""
        return not self._keep(room, text, (evidence,))

    def _keep(self, room: str, text: str, evidence: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
        tokens = {t for t, scopes in self._tokens.items() if any(_applies(r, room) for r in scopes)}
        phrases = [p.canonical for p in self._phrases if _applies(p.rooms, room)]
        if not tokens and not phrases:
            return evidence
        spans = self._spans(text, phrases) if phrases else []
        exact = set(phrases)
        kept = []
        for ev in evidence:
            if ev.term.lower() in tokens or self._norm.canonical(ev.term) in exact:
                continue
            if any(a <= ev.start and ev.end <= b for a, b in spans):
                continue
            kept.append(ev)
        return tuple(kept)

    def _spans(self, text: str, phrases: list[str]) -> list[tuple[int, int]]:
        """Return the original-text spans of every occurrence of the phrases."""
        views = self._norm.views(text)
        collapsed = views.collapsed
        found: list[tuple[int, int]] = []
        for phrase in phrases:
            at = collapsed.find(phrase)
            while at >= 0:
                found.append((at, at + len(phrase)))
                at = collapsed.find(phrase, at + 1)
        if not found:
            return []
        to_original = self._norm.span_mapper(text, views.base)
        return [to_original(a, b) for a, b in found]
