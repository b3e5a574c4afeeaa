"""The lexicon's build: every entry compiled to terms, pairs and the two Aho-Corasick automata.

`LexiconBuild.__init__` expands the entries (groups, pairs, '~' and '~~' marks), adds the
look-alike, short sound-alike, pinyin and transliteration spellings of the terms that take
them, and builds the automata. `CompiledLexicon` (lexicon.py) adds the scan over them."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from enum import IntEnum

from monitor.detect.hits import edge
from monitor.detect.native import automaton
from monitor.detect.normalize import PUA_BASE, Normalizer
from monitor.detect.spellings import (
    common_by_sound,
    latin_spellings,
    lookalike_spellings,
    short_spellings,
)
from monitor.detect.translit import Transliterator

HOMOPHONE_MARK = "~"
_NEVER = "\0\0"  # a pattern prefix no scanned text holds
SOUND_ONLY_MARK = "~~"  # a word ordinary as written, a scam only when spelled by sound (兼值)
PAIR_MARK = "&"
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


class LexiconBuild:
    """Every term compiled once: the terms, the pairs and the automata that `scan` reads."""

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
        self._both = automaton(both) if both else None
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
        self._latin = automaton(latin_patterns) if latin_patterns else None
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
