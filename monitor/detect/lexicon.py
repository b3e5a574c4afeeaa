"""The compiled lexicon: every term of every category on two Aho-Corasick automata.

One automaton reads the collapsed view (literal terms, allowlist, contact cues and
complaint terms together, so they cost one scan); a second reads the pinyin view for
categories that match homophones. Spans come back in the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import IntEnum

import ahocorasick_rs

from monitor.detect.normalize import PUA_BASE, Normalizer, Views

_ASCII_LETTER = re.compile(r"[a-z]")
_ASCII_DIGIT = re.compile(r"[0-9]")
# Characters too common to be a deliberate homophone substitute (因为信任 is not 微信).
STOP_CHARS = frozenset(
    "为的是了在有不一我你他她它们这那就也都和与及或未位于以之其而且把被让给对从向到很太又再"
    "还才刚已所将要会能可想该应没无非吗呢吧啊哦嗯呀么个码"
)


HOMOPHONE_MARK = "~"


class Role(IntEnum):
    DENY = 0  # a sensitive term of a category
    ALLOW = 1  # an ordinary word that cancels hits inside it
    CUE = 2  # a contact cue: enables number rules; flagged only when spelled by homophone
    COMPLAINT = 3  # a complaint term for sentiment


@dataclass(frozen=True, slots=True)
class Term:
    """One compiled pattern: what it is, where it came from and its canonical form."""

    text: str
    canonical: str
    role: Role
    category: str
    edge_left: str  # "a" when it starts with an ASCII letter, "0" with a digit, "" otherwise
    edge_right: str
    by_sound: bool = False  # a cue marked '~' in its file: its homophones are flagged


@dataclass(slots=True)
class Hit:
    """One accepted match: its collapsed-view span and its span in the original text."""

    term: Term
    start: int
    end: int
    homophone: bool = False
    orig_start: int = -1
    orig_end: int = -1


@dataclass(slots=True)
class ScanResult:
    """What one scan found: sensitive hits, cue hits and complaint hits."""

    deny: list[Hit] = field(default_factory=list)
    cues: list[Hit] = field(default_factory=list)
    complaints: list[Hit] = field(default_factory=list)


def _sounds_alike(term: Term) -> bool:
    """Return True when a term is also matched through the pinyin view.

    Two syllables match too much ordinary text (死我 for 私我, 电宝 for 电报), so deny terms
    need three; a cue is matched by sound only when its file marks it with a leading '~'.
    """
    if term.role is Role.DENY:
        return len(term.canonical) >= 3
    return term.by_sound


def _edge(ch: str) -> str:
    if _ASCII_LETTER.match(ch):
        return "a"
    if _ASCII_DIGIT.match(ch):
        return "0"
    return ""


class CompiledLexicon:
    """Every term compiled once; `scan` is safe to call from any thread."""

    def __init__(
        self,
        normalizer: Normalizer,
        entries: list[tuple[str, Role, str]],
        homophone_categories: frozenset[str],
    ) -> None:
        self.normalizer = normalizer
        self.terms: list[Term] = []
        self.skipped: list[str] = []
        seen: dict[tuple[str, Role, str], None] = {}
        for text, role, category in entries:
            canonical = normalizer.canonical(text)
            if not canonical or any(ord(c) >= PUA_BASE for c in canonical):
                self.skipped.append(text)  # only separators: nothing to match
                continue
            key = (canonical, role, category)
            if key in seen:
                continue
            seen[key] = None
            self.terms.append(
                Term(
                    text.removeprefix(HOMOPHONE_MARK) if role is Role.CUE else text,
                    canonical,
                    role,
                    category,
                    _edge(canonical[0]),
                    _edge(canonical[-1]),
                    role is Role.CUE and text.startswith(HOMOPHONE_MARK),
                )
            )
        patterns = [t.canonical for t in self.terms]
        self._literal = ahocorasick_rs.AhoCorasick(patterns) if patterns else None
        # The pinyin automaton holds only terms whose pinyin spelling differs (has Hanzi).
        self._pinyin_ids: list[int] = []
        pinyin_patterns: list[str] = []
        for i, term in enumerate(self.terms):
            if term.category in homophone_categories and _sounds_alike(term):
                spelled = term.canonical.translate(normalizer.pinyin)
                if spelled != term.canonical:
                    self._pinyin_ids.append(i)
                    pinyin_patterns.append(spelled)
        self._pinyin = ahocorasick_rs.AhoCorasick(pinyin_patterns) if pinyin_patterns else None
        self.size = len(self.terms)

    def scan(self, text: str, views: Views) -> ScanResult | None:
        """Return the hits in one text's views, or None when nothing matched at all."""
        literal = (
            self._literal.find_matches_as_indexes(views.collapsed, overlapping=True)
            if self._literal is not None
            else []
        )
        sounded = (
            self._pinyin.find_matches_as_indexes(views.pinyin, overlapping=True)
            if self._pinyin is not None
            else []
        )
        if not literal and not sounded:
            return None
        terms = self.terms
        allow: list[tuple[int, int]] = []
        candidates: list[Hit] = []
        result = ScanResult()
        for idx, start, end in literal:
            term = terms[idx]
            if term.role is Role.ALLOW:
                allow.append((start, end))
            elif term.role is Role.COMPLAINT:
                result.complaints.append(Hit(term, start, end))
            else:
                candidates.append(Hit(term, start, end))
        collapsed = views.collapsed
        for idx, start, end in sounded:
            term = terms[self._pinyin_ids[idx]]
            written = collapsed[start:end]
            if written == term.canonical:
                continue  # the literal automaton already has it
            if any(
                a != b and a in STOP_CHARS for a, b in zip(written, term.canonical, strict=True)
            ):
                continue
            candidates.append(Hit(term, start, end, homophone=True))
        kept = [h for h in candidates if not any(a <= h.start and h.end <= b for a, b in allow)]
        if not kept:
            return result if result.complaints else None  # complaint spans are mapped lazily
        spans = self.normalizer.span_mapper(text, views.base)
        for hit in kept:
            hit.orig_start, hit.orig_end = spans(hit.start, hit.end)
            if not self._bounded(text, hit):
                continue
            if hit.term.role is Role.CUE and (not hit.homophone or len(hit.term.canonical) < 2):
                result.cues.append(hit)  # a one-character sound-alike only enables number rules
            else:
                result.deny.append(hit)
        return result

    def _bounded(self, text: str, hit: Hit) -> bool:
        """Latin and digit edges must not touch the same class (sb in usb, 248 in 12481)."""
        term = hit.term
        fold = self.normalizer.fold_char
        if term.edge_left and hit.orig_start > 0:
            before = fold(text[hit.orig_start - 1])
            if before and _edge(before[-1]) == term.edge_left:
                return False
        if term.edge_right and hit.orig_end < len(text):
            after = fold(text[hit.orig_end])
            if after and _edge(after[0]) == term.edge_right:
                return False
        return True
