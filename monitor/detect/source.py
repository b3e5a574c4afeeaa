"""Reading lexicon files from the configured folder, and noticing when they change."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from config.detection import DetectionConfig
from monitor.detect.lexicon import ALT_MARK, PAIR_MARK, CompiledLexicon, Role, expand
from monitor.detect.normalize import Normalizer

log = logging.getLogger(__name__)

MAX_TERM_LEN = 64
_GROUP_SYNTAX = re.compile(r"[^()]*(?:\([^()]*\)[^()]*)*")  # groups, none nested
MAX_LINE_LEN = 512  # a pair with alternatives (A|B&C|D) is longer than one term
MAX_PAIRS = 2000  # pairs one line of alternatives (A|B&C|D) may stand for
COMPLAINT_CATEGORIES = frozenset(
    {"fake", "refund", "quality", "delivery", "price", "attitude", "scam", "general"}
)


# A regex quantifier after a group ((我的)?小号): the syntax has none, so the line would
# silently stand for a literal '?'.
_QUANTIFIED_GROUP = re.compile(r"\)[?*+]")


class LexiconLoadError(Exception):
    """A lexicon file is missing or malformed; names the file, the line and why."""

    def __init__(self, path: Path, reason: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


def _lines(path: Path) -> list[tuple[int, str]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LexiconLoadError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LexiconLoadError(path, f"not UTF-8 (byte {exc.start})") from None
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if not line:
            continue
        if len(line) > MAX_LINE_LEN:
            raise LexiconLoadError(path, f"line longer than {MAX_LINE_LEN} characters", number)
        out.append((number, line))
    return out


def read_terms(path: Path) -> list[str]:
    """Return the terms of a word-list file (one a line, '#' comments)."""
    terms = []
    for number, line in _lines(path):
        if "\t" in line:
            raise LexiconLoadError(path, "a word list has one term a line, no tabs", number)
        check = line
        if "(" in line or ")" in line:
            if _QUANTIFIED_GROUP.search(line) is not None:
                raise LexiconLoadError(
                    path, "a group takes no '?', '*' or '+': write an optional one as (a|)", number
                )
            if _GROUP_SYNTAX.fullmatch(line) is None:
                raise LexiconLoadError(path, "unbalanced or nested '(' ')' in a term", number)
            spelled = expand(line)
            if len(spelled) > MAX_PAIRS:
                raise LexiconLoadError(path, f"more than {MAX_PAIRS} spellings on one line", number)
            check = max(spelled, key=len)  # each spelling is a term like any other
        words = check.replace(ALT_MARK, PAIR_MARK).split(PAIR_MARK)
        if any(len(word) > MAX_TERM_LEN for word in words):
            raise LexiconLoadError(path, f"term longer than {MAX_TERM_LEN} characters", number)
        if ALT_MARK in check:
            if PAIR_MARK not in check.strip(PAIR_MARK):
                raise LexiconLoadError(path, "alternatives ('|') only in a pair (A|B&C)", number)
            if not all(words):
                raise LexiconLoadError(path, "an empty alternative in a pair", number)
            if math.prod(len(p.split(ALT_MARK)) for p in check.split(PAIR_MARK)) > MAX_PAIRS:
                raise LexiconLoadError(path, f"more than {MAX_PAIRS} pairs on one line", number)
        terms.append(line)
    return terms


def read_complaints(path: Path) -> list[tuple[str, str]]:
    """Return (category, term) pairs of a complaint file (category<TAB>term a line)."""
    out = []
    for number, line in _lines(path):
        category, sep, term = line.partition("\t")
        if not sep or not term.strip():
            raise LexiconLoadError(path, "expected category<TAB>term", number)
        if category not in COMPLAINT_CATEGORIES:
            allowed = ", ".join(sorted(COMPLAINT_CATEGORIES))
            raise LexiconLoadError(
                path, f"unknown category {category!r} (one of {allowed})", number
            )
        out.append((category, term.strip()))
    return out


@dataclass(frozen=True, slots=True)
class _Stamp:
    mtime_ns: int
    size: int


@dataclass(frozen=True, slots=True)
class LexiconInputs:
    """What a lexicon is compiled from, as read from the files and the config (hashable:
    equal inputs compile to equal lexicons)."""

    entries: tuple[tuple[str, Role, str], ...]
    homophones: frozenset[str]
    claims: frozenset[str]
    negation: frozenset[str]
    insults: frozenset[str]
    short: frozenset[str]
    requests: frozenset[str] = frozenset()

    def compile(self, normalizer: Normalizer) -> CompiledLexicon:
        """Return the compiled lexicon of these inputs (seconds for the shipped one)."""
        return CompiledLexicon(
            normalizer,
            list(self.entries),
            self.homophones,
            self.claims,
            self.negation,
            self.insults,
            self.short,
            self.requests,
        )


# Turns the inputs read from the files into a lexicon; the default compiles them anew.
Compiler = Callable[[LexiconInputs], CompiledLexicon]


class LexiconSource:
    """Build a CompiledLexicon from the config and its files; tell when the files change."""

    def __init__(self, config: DetectionConfig, base_dir: Path, normalizer: Normalizer) -> None:
        self.config = config
        self.folder = config.lexicon_path(base_dir)
        self.normalizer = normalizer
        self._stamps: dict[Path, _Stamp | None] = {}

    def files(self) -> list[Path]:
        """Return every file the lexicon is built from."""
        names = [f for c in self.config.categories for f in c.files]
        names += self.config.allowlist_files + self.config.contact.cue_files
        if self.config.sentiment.enabled:
            names += self.config.sentiment.complaint_files
        return [self.folder / n for n in dict.fromkeys(names)]

    def _stamp(self, path: Path) -> _Stamp | None:
        try:
            st = path.stat()
        except OSError:
            return None
        return _Stamp(st.st_mtime_ns, st.st_size)

    def changed(self) -> bool:
        """Return True when a file changed since the last build (mtime or size)."""
        return any(self._stamp(p) != s for p, s in self._stamps.items())

    def read(self) -> LexiconInputs:
        """Read every file: the terms and categories a lexicon is compiled from; raise
        LexiconLoadError naming the bad file."""
        # Stamped before reading: a broken file is retried only once it changes again.
        self._stamps = {p: self._stamp(p) for p in self.files()}
        cfg = self.config
        entries: list[tuple[str, Role, str]] = []
        contact = next((c.id for c in cfg.categories if c.contact), "")
        for cat in cfg.categories:
            terms = [t for f in cat.files for t in read_terms(self.folder / f)] + cat.terms
            entries += [(t, Role.DENY, cat.id) for t in terms]
        allow = [t for f in cfg.allowlist_files for t in read_terms(self.folder / f)]
        entries += [(t, Role.ALLOW, "") for t in allow + cfg.allowlist]
        if contact:
            cues = [t for f in cfg.contact.cue_files for t in read_terms(self.folder / f)]
            entries += [(t, Role.CUE, contact) for t in cues + cfg.contact.cues]
        if cfg.sentiment.enabled:
            for f in cfg.sentiment.complaint_files:
                entries += [(t, Role.COMPLAINT, c) for c, t in read_complaints(self.folder / f)]
            entries += [(t, Role.COMPLAINT, "general") for t in cfg.negative_terms]
        return LexiconInputs(
            tuple(entries),
            homophones=frozenset(c.id for c in cfg.categories if c.homophones),
            claims=frozenset(c.id for c in cfg.categories if c.claims_only),
            negation=frozenset(c.id for c in cfg.categories if c.negation),
            insults=frozenset(c.id for c in cfg.categories if c.insults),
            short=frozenset(c.id for c in cfg.categories if c.homophones and c.short_homophones),
            requests=frozenset(c.id for c in cfg.categories if c.requests),
        )

    def build(self, compiler: Compiler | None = None) -> CompiledLexicon:
        """Read every file and compile (with `compiler`, default `LexiconInputs.compile`);
        raise LexiconLoadError naming the bad file."""
        inputs = self.read()
        lexicon = compiler(inputs) if compiler else inputs.compile(self.normalizer)
        if lexicon.skipped:
            log.warning("lexicon terms with nothing to match skipped: %s", lexicon.skipped[:10])
        return lexicon
