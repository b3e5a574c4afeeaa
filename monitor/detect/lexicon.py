"""The compiled lexicon: every term of every category on two Aho-Corasick automata.

One automaton holds the literal patterns (terms, allowlist, contact cues and complaint
terms, and the look-alike spellings of sensitive terms) and the sound patterns of
categories that match homophones; it runs once over "collapsed\0pinyin", so every comment
costs one scan. The other reads the transliteration view (Latin letters as pinyin
syllables) of the few texts with Latin runs. Term spellings (spellings.py) come from pypinyin, which
reads a character by its word (银行 hang). A term written A&B is a pair: it hits when
every part is in the text. Hits are then checked against word boundaries (context.py) on
the texts that hit. Spans come back in the original text."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from enum import IntEnum

import ahocorasick_rs

from monitor.detect.context import (
    asks,
    inside_ordinary_word,
    is_claim,
    model_named,
    negated,
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
from monitor.detect.normalize import LETTER, PUA_BASE, Normalizer, Views, collapse
from monitor.detect.spellings import (
    common_by_sound,
    latin_spellings,
    lookalike_spellings,
    short_spellings,
)
from monitor.detect.translit import BREAKS, SoundView, Transliterator

HOMOPHONE_MARK = "~"
_NEVER = "\0\0"  # a pattern prefix no scanned text holds
SOUND_ONLY_MARK = "~~"  # a word ordinary as written, a scam only when spelled by sound (兼值)
PAIR_MARK = "&"
# A word-ending mark between two Latin letters (weixin：mango): only such texts look for
# where a Latin run should be cut (translit.BREAKS).
_LATIN_BREAK = re.compile(r"[A-Za-z]\s*[：:，,。；;！!？?、]\s*[A-Za-z]")
ALT_MARK = "|"  # alternatives of one pair part: 贷款|网贷&黑户|征信 is four pairs


class Role(IntEnum):
    DENY = 0  # a sensitive term of a category
    ALLOW = 1  # an ordinary word that cancels hits inside it
    CUE = 2  # a contact cue: enables number rules; flagged only when spelled by homophone
    COMPLAINT = 3  # a complaint term for sentiment
    PART = 4  # one part of a pair term (中奖&客服): the pair hits when every part does


# The members as plain globals: an attribute of an Enum class is a Python-level
# `EnumType.__getattr__` call in Python 3.11, and `scan` reads them for every hit.
_DENY, _ALLOW, _CUE = Role.DENY, Role.ALLOW, Role.CUE
_COMPLAINT, _PART = Role.COMPLAINT, Role.PART
_K_ALLOW, _K_COMPLAINT, _K_PART = int(Role.ALLOW), int(Role.COMPLAINT), int(Role.PART)


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
    pair: int = -1  # PART: which pair it belongs to
    sound_only: bool = False  # marked '~~': only its sound-alike spellings are flagged
    run: int = 1  # qq, 钉钉: one character repeated, which the collapsed view squeezes to one

    @property
    def latin_only(self) -> bool:
        """Return True for initials and other terms of Latin letters only (tb, sb, jd)."""
        return self.canonical.isascii() and self.canonical.isalpha()


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


def _sounds_alike(term: Term) -> bool:
    """Return True when a term is also matched through the pinyin view.

    Two syllables match too much ordinary text (死我 for 私我, 电宝 for 电报), so deny terms
    need three; a cue is matched by sound only when its file marks it with a leading '~'.
    """
    if term.role in (Role.DENY, Role.PART):
        return len(term.canonical) >= 3 or term.by_sound
    return term.by_sound


_GROUP = re.compile(r"\(([^()]*)\)")


def expand(text: str) -> list[str]:
    """Return every spelling of a term with groups: (加|加个|加我的)(微信|v) is six terms,
    each group one of its alternatives (an empty one: nothing), in place."""
    if "(" not in text:
        return [text]
    pieces = _GROUP.split(text)  # literal, group, literal, group, ..., literal
    choices = [[p] if i % 2 == 0 else p.split(ALT_MARK) for i, p in enumerate(pieces)]
    return ["".join(parts) for parts in itertools.product(*choices)]


class CompiledLexicon:
    """Every term compiled once; `scan` is safe to call from any thread."""

    def __init__(
        self,
        normalizer: Normalizer,
        entries: list[tuple[str, Role, str]],
        homophone_categories: frozenset[str],
        claim_categories: frozenset[str] = frozenset(),
        negation_categories: frozenset[str] = frozenset(),
        insult_categories: frozenset[str] = frozenset(),
        short_sound_categories: frozenset[str] = frozenset(),
        request_categories: frozenset[str] = frozenset(),
    ) -> None:
        self.normalizer = normalizer
        self.request_categories = request_categories
        self.short_sound_categories = short_sound_categories
        self.claim_categories = claim_categories
        self.negation_categories = negation_categories
        self.insult_categories = insult_categories
        self.terms: list[Term] = []
        self.skipped: list[str] = []
        self.pairs: list[Term] = []  # the whole pair term, by pair index
        self._pair_parts: list[int] = []  # how many parts each pair has
        seen: dict[tuple[str, Role, str, int, int], int] = {}
        expanded: list[tuple[str, Role, str, int]] = []
        spellings = [(t, role, cat) for term, role, cat in entries for t in expand(term)]
        for text, role, category in spellings:
            if role is Role.DENY and PAIR_MARK in text.strip(PAIR_MARK):
                choices = [p.split(ALT_MARK) for p in text.split(PAIR_MARK) if p]
                for parts in itertools.product(*choices):
                    canon = [normalizer.canonical(p) for p in parts]
                    if not all(canon):
                        self.skipped.append(text)
                        continue
                    pair = len(self.pairs)
                    spelled = PAIR_MARK.join(parts)
                    self.pairs.append(
                        Term(spelled, "".join(canon), Role.DENY, category, "", "", pair=pair)
                    )
                    self._pair_parts.append(len(set(canon)))
                    expanded += [(p, Role.PART, category, pair) for p in dict.fromkeys(parts)]
            else:
                expanded.append((text, role, category, -1))
        part_of: dict[str, int] = {}  # a part word's canonical form -> its term index
        self._part_pairs: dict[int, list[int]] = {}  # a part's term index -> its pairs
        for text, role, category, pair in expanded:
            canonical = normalizer.canonical(text)
            if not canonical or any(ord(c) >= PUA_BASE for c in canonical):
                self.skipped.append(text)  # only separators: nothing to match
                continue
            if role is Role.PART:
                # One pattern per part word, however many pairs share it (中奖 is in ten):
                # the automaton reports every pattern at a position, duplicates included.
                at = part_of.get(canonical)
                if at is not None:
                    if pair not in self._part_pairs[at]:
                        self._part_pairs[at].append(pair)
                    if text.startswith(HOMOPHONE_MARK) and not self.terms[at].by_sound:
                        # Marked '~' in a later pair (~中奖&加客服): heard by sound in each.
                        self.terms[at] = replace(self.terms[at], by_sound=True)
                    continue
                part_of[canonical] = len(self.terms)
                self._part_pairs[len(self.terms)] = [pair]
                category = ""
            by_sound = role in (Role.CUE, Role.DENY, Role.PART) and text.startswith(HOMOPHONE_MARK)
            sound_only = role is Role.DENY and text.startswith(SOUND_ONLY_MARK)
            # One term per spelling: 傻逼 and ~傻逼 in one file are one term matched both ways
            # (two patterns would report every hit twice).
            # A term of one repeated character (qq, 钉钉) collapses to one (q, 钉), and a Latin
            # one with a repeated letter to a shorter one (mmp to mp): it must not become that
            # shorter word (mp in MP3): a hit counts only where the repeat is written out.
            # (A Hanzi term keeps its collapse: viewers write Q号 for QQ号 and 滴我 for 滴滴我.)
            run = len(text.lstrip(HOMOPHONE_MARK).translate(normalizer.fold))
            latin = canonical.isascii() and canonical.isalpha()
            run = run if len(canonical) < run and (len(canonical) == 1 or latin) else 1
            key = (canonical, role, category, pair, run)
            at = seen.get(key)
            if at is not None:
                old = self.terms[at]
                if (by_sound and not old.by_sound) or (old.sound_only and not sound_only):
                    self.terms[at] = Term(
                        old.text,
                        canonical,
                        role,
                        category,
                        old.edge_left,
                        old.edge_right,
                        old.by_sound or by_sound,
                        pair,
                        old.sound_only and sound_only,
                        run,
                    )
                continue
            seen[key] = len(self.terms)
            self.terms.append(
                Term(
                    text.lstrip(HOMOPHONE_MARK),
                    canonical,
                    role,
                    category,
                    edge(canonical[0]),
                    edge(canonical[-1]),
                    by_sound,
                    pair,
                    sound_only,
                    run,
                )
            )
        # Each pair is filed under its rarest part (the one in the fewest pairs: 失眠, not 治),
        # so a text holding a common part word (好了, 便宜) looks at no pair it cannot complete.
        members: dict[int, list[int]] = {}
        for idx, pairs in self._part_pairs.items():
            for pair in pairs:
                members.setdefault(pair, []).append(idx)
        self._anchored: dict[int, list[tuple[int, frozenset[int]]]] = {}
        for pair, idxs in members.items():
            if len(idxs) != self._pair_parts[pair]:
                continue  # a part was skipped (nothing to match): the pair can never hit
            anchor = min(idxs, key=lambda i: len(self._part_pairs[i]))
            rest = frozenset(i for i in idxs if i != anchor)
            self._anchored.setdefault(anchor, []).append((pair, rest))
        # A sound-only term is no literal pattern: one that cannot match (the scanned text
        # holds one NUL, between the collapsed and the pinyin view) keeps the indexes aligned.
        patterns = [_NEVER + t.canonical if t.sound_only else t.canonical for t in self.terms]
        # Look-alike spellings (亻言 for 信, 木仓 for 枪) of sensitive terms and of cues
        # matched by sound, each standing for its term (data/lookalikes.tsv).
        self._variant_of: list[int] = []
        self._n_terms = len(patterns)
        # A word listed in two categories is two terms: its look-alikes stand for both, as
        # the word itself does (the automaton reports every pattern, duplicates included).
        literal = set(patterns)
        for i, term in enumerate(self.terms):
            if term.role is Role.DENY or (term.role is Role.CUE and term.by_sound):
                for spelled in dict.fromkeys(lookalike_spellings(normalizer, term.canonical)):
                    if spelled not in literal:
                        self._variant_of.append(i)
                        patterns.append(spelled)
        # Sound-alike spellings of the two-character terms of `short_homophones` categories,
        # one character respelled with a common character of the same reading (伟歌, 堵博):
        # literal patterns, so ordinary text whose two syllables merely sound like a term (抽中
        # for 臭种) never matches at all, and a big list of short terms costs no more to scan
        # than its look-alike spellings do.
        # Like the look-alikes, they stand for every term of the word (one per category).
        self._n_looks = len(patterns)
        if short_sound_categories:
            heard_as = common_by_sound(normalizer)
            for i, term in enumerate(self.terms):
                if self._short_sound(term):
                    respelled = short_spellings(term.canonical, normalizer, heard_as)
                    for spelled in dict.fromkeys(respelled):
                        if spelled not in literal:
                            self._variant_of.append(i)
                            patterns.append(spelled)
        # The pinyin automaton holds only terms whose pinyin spelling differs (has Hanzi).
        self._pinyin_ids: list[int] = []
        pinyin_patterns: list[str] = []
        for i, term in enumerate(self.terms):
            category_hears = (
                term.category in homophone_categories
                if term.role is not Role.PART  # a part is shared: its pairs' categories
                else any(
                    self.pairs[p].category in homophone_categories for p in self._part_pairs[i]
                )
            )
            if category_hears and _sounds_alike(term):
                spelled = term.canonical.translate(normalizer.pinyin)
                if spelled != term.canonical:
                    self._pinyin_ids.append(i)
                    pinyin_patterns.append(spelled)
        # Literal and pinyin patterns share one automaton, run once over "collapsed\0pinyin":
        # a pinyin pattern holds a syllable code, so it can only match the second part, and
        # a literal hit in the second part (Latin or digits kept by the pinyin view) repeats
        # one in the first and is dropped. One pass instead of two for every comment.
        self._n_literal = len(patterns)
        self._kinds = bytes(term.role for term in self.terms)  # scan's dispatch, by index
        both = patterns + pinyin_patterns
        self._both = ahocorasick_rs.AhoCorasick(both) if both else None
        # The transliteration automaton: every sensitive term of two or more units that has
        # a Hanzi, in every category (a Latin spelling is deliberate, unlike a homophone),
        # spelled both by the character table and by pypinyin (which reads 行 in 银行 as hang).
        self.translit = Transliterator(normalizer.syllable_codes)
        self._latin_ids: list[int] = []
        latin_patterns: list[str] = []
        for i, term in enumerate(self.terms):
            if (term.role in (Role.DENY, Role.PART) and not term.sound_only) or (
                term.role is Role.CUE and term.by_sound
            ):
                for spelled in latin_spellings(normalizer, term.canonical):
                    if spelled != term.canonical and len(spelled) >= 2:
                        self._latin_ids.append(i)
                        latin_patterns.append(spelled)
        self._latin = ahocorasick_rs.AhoCorasick(latin_patterns) if latin_patterns else None
        self.size = len(self.terms)

    def _short_sound(self, term: Term) -> bool:
        """Return True for a two-character term heard by sound only through its category's
        `short_homophones` (its sound-alikes pass the stricter check of `_stands_alone`)."""
        return (
            term.role is _DENY
            and len(term.canonical) == 2
            and not term.by_sound
            and term.category in self.short_sound_categories
        )

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
            return True
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
