"""The compiled lexicon: every term of every category on two Aho-Corasick automata.

One automaton holds the literal patterns (terms, allowlist, contact cues and complaint
terms, and the look-alike spellings of sensitive terms) and the sound patterns of
categories that match homophones; it runs once over "collapsed\0pinyin", so every comment
costs one scan. The other reads the transliteration view (Latin letters as pinyin
syllables) of the few texts with Latin runs. Term spellings (spellings.py) come from pypinyin, which
reads a character by its word (银行 hang). A term written A&B is a pair: it hits when
every part is in the text. Hits are then checked against word boundaries (context.py) on
the texts that hit. Spans come back in the original text.
The terms and the automata are built in lexicon_build.py (compiled, `_native.Automaton`
finds the same matches in the same order as ahocorasick_rs); this module scans with them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from monitor.detect.context import (
    asks,
    inside_ordinary_word,
    is_claim,
    model_named,
    negated,
    repeated_question,
    reported,
    requested,
    self_aimed,
    warned,
)
from monitor.detect.hits import (
    HANZI_ONLY,
    across_a_clause,
    deliberate,
    edge,
    proper_name,
    stands_alone,
)
from monitor.detect.lexicon_build import (
    _CUE,
    _DENY,
    _K_ALLOW,
    _K_COMPLAINT,
    _K_PART,
    _PART,
    ALT_MARK,
    HOMOPHONE_MARK,
    PAIR_MARK,
    SOUND_ONLY_MARK,
    LexiconBuild,
    Role,
    Term,
    expand,
)
from monitor.detect.normalize import LETTER, Views, collapse
from monitor.detect.translit import BREAKS, SoundView

__all__ = [
    "ALT_MARK",
    "HOMOPHONE_MARK",
    "PAIR_MARK",
    "SOUND_ONLY_MARK",
    "CompiledLexicon",
    "Hit",
    "Role",
    "ScanResult",
    "Term",
    "expand",
]

# A word-ending mark between two Latin letters (weixin：mango): only such texts look for
# where a Latin run should be cut (translit.BREAKS).
_LATIN_BREAK = re.compile(r"[A-Za-z]\s*[：:，,。；;！!？?、]\s*[A-Za-z]")


@dataclass(slots=True)
class Hit:
    """One accepted match: its collapsed-view span and its span in the original text."""

    term: Term
    start: int
    end: int
    homophone: bool = False
    latin: bool = False  # found in the transliteration view
    heard: bool = False  # a short sound-alike spelling (堵博), not a look-alike
    orig_start: int = -1
    orig_end: int = -1


@dataclass(slots=True)
class ScanResult:
    """What one scan found: sensitive hits, cue hits and complaint hits."""

    deny: list[Hit] = field(default_factory=list)
    cues: list[Hit] = field(default_factory=list)
    complaints: list[Hit] = field(default_factory=list)


class CompiledLexicon(LexiconBuild):
    """Every term compiled once (lexicon_build.py); `scan` is safe to call from any thread."""

    def _breaks(self, text: str, views: Views, first: int, last: int) -> frozenset[int]:
        """Return the collapsed-view indices inside first..last where the original text has
        a word-ending mark."""
        spans = self.normalizer.span_mapper(text, views.base, views.collapsed)
        out: set[int] = set()
        for i in range(first + 1, last):
            gap = text[spans(i - 1, i)[1] : spans(i, i + 1)[0]]
            if gap and not BREAKS.isdisjoint(gap):
                out.add(i)
        return frozenset(out)

    def scan(self, text: str, views: Views) -> ScanResult | None:
        """Return the hits in one text's views, or None when nothing matched at all."""
        collapsed = views.collapsed
        size = len(collapsed)
        # (overlapping=True passed by position: a keyword argument costs the call a lookup)
        found = (
            self._both.find_matches_as_indexes(collapsed + "\0" + views.pinyin, True)
            if self._both is not None
            else []
        )
        latin_view: SoundView | None = None
        latin: list[tuple[int, int, int]] = []
        if self._latin is not None and views.marks & LETTER:
            breaks = None
            if _LATIN_BREAK.search(text) is not None:  # rare: a mark between two letters
                breaks = lambda a, b: self._breaks(text, views, a, b)  # noqa: E731
            latin_view = self.translit.view(collapsed, views.pinyin, breaks)
            if latin_view is not None:
                latin = self._latin.find_matches_as_indexes(latin_view.text, overlapping=True)
        if not found and not latin:
            return None
        n_literal = self._n_literal
        n_terms = self._n_terms
        kinds = self._kinds
        shift = size + 1
        terms = self.terms
        allow: list[tuple[int, int, int]] = []
        candidates: list[Hit] = []
        complaints: list[Hit] = []
        parts: list[tuple[int, int, int]] = []
        # One pass in the automaton's order (by end): the literal hits end in the collapsed
        # view, before every pinyin hit; a literal hit in the pinyin part repeats one.
        for match in found:
            idx = match[0]
            if idx < n_terms:
                if match[2] > size:
                    continue
                kind = kinds[idx]
                if kind == _K_PART:
                    parts.append(match)
                elif kind == _K_ALLOW:
                    allow.append(match)
                elif kind == _K_COMPLAINT:
                    complaints.append(Hit(terms[idx], match[1], match[2]))
                else:
                    candidates.append(Hit(terms[idx], match[1], match[2]))
            elif idx < n_literal:
                if match[2] > size:
                    continue
                # A look-alike or short sound-alike spelling: like a sound-alike.
                term = terms[self._variant_of[idx - n_terms]]
                heard = idx >= self._n_looks
                candidates.append(Hit(term, match[1], match[2], homophone=True, heard=heard))
            else:
                at = self._pinyin_ids[idx - n_literal]
                term = terms[at]
                start, end = match[1] - shift, match[2] - shift
                if collapsed[start:end] == term.canonical:
                    continue  # the literal automaton already has it
                if not deliberate(collapsed, start, term.canonical):
                    continue
                if term.role is _PART:  # 中奖 … 手须费: a pair with a part spelled by sound
                    parts.append((at, start, end))
                else:
                    candidates.append(Hit(term, start, end, homophone=True))
        if latin_view is not None:
            for idx, first, stop in latin:
                term = terms[self._latin_ids[idx]]
                if not latin_view.clean_around(first, stop - 1):
                    continue
                start, end = latin_view.start[first], latin_view.end[stop - 1]
                if term.role is _PART:  # zhongjiang … shouxufei: a pair spelled in pinyin
                    parts.append((self._latin_ids[idx], start, end))
                else:
                    candidates.append(Hit(term, start, end, homophone=True, latin=True))
        if allow and parts:  # a part inside an allowed word is that word (猫头鹰摆件)
            parts = [p for p in parts if not any(a <= p[1] and p[2] <= b for _, a, b in allow)]
        if len(parts) > 1:  # one part alone is an ordinary word (中奖 in a lucky-bag draw)
            self._pair_hits(collapsed, parts, candidates)
        kept = (
            [h for h in candidates if not any(a <= h.start and h.end <= b for _, a, b in allow)]
            if allow
            else candidates
        )
        if not kept:  # complaint spans are mapped lazily
            return ScanResult([], [], complaints) if complaints else None
        result = ScanResult([], [], complaints)
        spans = self.normalizer.span_mapper(text, views.base, views.collapsed)
        fold = self.normalizer.fold
        dropped: set[int] = set()  # ids of hits found to be no term: no alibi for another
        for hit in kept:
            hit.orig_start, hit.orig_end = spans(hit.start, hit.end)
            if hit.term.run > 1 and (
                len(text[hit.orig_start : hit.orig_end].translate(fold)) < hit.term.run
            ):
                dropped.add(id(hit))
                continue  # one q of a word, not qq
            if not self._bounded(text, hit) and not self._bounded_at_own_end(text, hit):
                dropped.add(id(hit))
                continue
            if not self._in_context(text, collapsed, hit, kept, dropped):
                dropped.add(id(hit))
                continue
            if hit.term.role is _CUE and (not hit.homophone or len(hit.term.canonical) < 2):
                result.cues.append(hit)  # a one-character sound-alike only enables number rules
            else:
                result.deny.append(hit)
        return result

    def _pair_hits(
        self, collapsed: str, parts: list[tuple[int, int, int]], candidates: list[Hit]
    ) -> None:
        """Add a hit for every pair whose parts are all in the text (and not negated).

        Only the pairs filed under a part word the text holds are looked at, and each is
        assembled only when complete: most texts with two part words (客服 and 退款 in a refund
        question) complete no pair."""
        present = {part[0] for part in parts}
        anchored = self._anchored
        part_pairs = self._part_pairs
        for idx in present:
            for pair, rest in anchored.get(idx, ()):
                if not rest <= present:
                    continue
                found = [p for p in parts if pair in part_pairs[p[0]]]
                if self.pairs[pair].category in self.negation_categories:
                    found = [p for p in found if not negated(collapsed, p[1])]
                    if len({i for i, _, _ in found}) != len(rest) + 1:
                        continue
                if len(found) < 2:
                    continue  # a pair of one word (A&A, A|B&A read as A&A) needs it twice
                start = min(p[1] for p in found)
                end = max(p[2] for p in found)
                candidates.append(Hit(self.pairs[pair], start, end, homophone=True))

    def _in_context(
        self,
        text: str,
        collapsed: str,
        hit: Hit,
        kept: list[Hit],
        dropped: frozenset[int] | set[int] = frozenset(),
    ) -> bool:
        """Return False for a look-alike inside ordinary words, an ad term that is no claim,
        a term negated or warned against, a pair asked about, or a Latin spelling that is a
        name."""
        term = hit.term
        if term.role is _DENY and term.category in self.negation_categories:
            if (
                negated(collapsed, hit.start, hit.end)
                or warned(text, hit.orig_start, hit.orig_end)
                or reported(text)
            ):
                return False
            if (
                term.pair >= 0
                and asks(text)
                and not (term.category in self.request_categories and requested(text))
            ):
                return False  # a question about the channels; asking for goods is the trade
        if term.category in self.insult_categories and self_aimed(collapsed, hit.start):
            return False
        if term.edge_right == "a" and model_named(text, hit.orig_end):
            return False  # VX-200型号: a product model, not the messenger
        if hit.latin:
            return not proper_name(text, hit.orig_start, hit.orig_end)
        if term.pair >= 0:
            return term.category not in self.claim_categories or not repeated_question(
                collapsed, hit.start
            )
        if hit.homophone and across_a_clause(text, hit, self.normalizer.fold_char):
            return False
        if term.role is not _DENY and not (term.role is _CUE and hit.homophone):
            return True
        if term.category in self.claim_categories and not is_claim(collapsed, hit.start, hit.end):
            return False
        if hit.heard and self._short_sound(term) and not stands_alone(text, collapsed, hit):
            return False
        # Only two-character terms turn up by accident across ordinary words (牙刷单卖);
        # a longer one is meant, even where jieba's dictionary lacks it (小红书|上 read 小红|书上).
        # A sound-alike of any length is checked: it is ordinary text far more often
        # (张家口 for 加扣, 明治维新 for 微信).
        size = hit.end - hit.start
        hanzi = HANZI_ONLY.fullmatch(collapsed, hit.start, hit.end)
        if (size != 2 and not hit.homophone) or not hanzi:
            return True

        def other_term(word: str, a: int, b: int) -> bool:
            return any(
                h is not hit
                and id(h) not in dropped  # a sound-alike found ordinary (四星 for 私信)
                and h.term.canonical != term.canonical
                and not (h.heard and self._short_sound(h.term))  # heard, not listed
                and (h.term.role is _DENY or len(h.term.canonical) > 1)
                and a <= h.start
                and h.end <= b
                for h in kept
            )

        return not inside_ordinary_word(
            collapsed, hit.start, hit.end, other_term, sound_alike=hit.homophone
        )

    def _bounded_at_own_end(self, text: str, hit: Hit) -> bool:
        """Return True when a hit ends at its own last letter, before the copy of it that
        the collapsed view merged in (vx：xiaoqi88 reads vxiaoqi8: the cue is vx, then a
        mark); the hit then ends there."""
        if not hit.term.edge_right:
            return False
        fold = self.normalizer.fold
        want = collapse(hit.term.canonical)
        for end in range(hit.orig_end - 1, hit.orig_start, -1):
            if collapse(text[hit.orig_start : end].translate(fold)) != want:
                break
            if text[end - 1 : end].translate(fold):  # the hit's own last letter
                hit.orig_end = end  # kept only when bounded: the hit is dropped otherwise
                if self._bounded(text, hit):
                    return True
        return False

    def _bounded(self, text: str, hit: Hit) -> bool:
        """Latin and digit edges must not touch the same class (sb in usb, 248 in 12481)."""
        term = hit.term
        fold = self.normalizer.fold_char
        if term.edge_left and hit.orig_start > 0:
            before = fold(text[hit.orig_start - 1])
            if before and edge(before[-1]) == term.edge_left:
                return False
            if before and term.latin_only and edge(before[-1]) == "0":
                return False  # a unit or a model after a number (2TB), not the initials
        if term.edge_right and hit.orig_end < len(text):
            after = fold(text[hit.orig_end])
            if after and edge(after[0]) == term.edge_right:
                return False
        return True
