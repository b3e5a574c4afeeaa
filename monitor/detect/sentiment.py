"""Negative sentiment: complaint lexicon with negation and questions, plus a linear model.

The model scores character 1-3 grams with weights trained by monitor/detect/train.py and
shipped in monitor/detect/data/sentiment.tsv; scoring is a few C-level dict lookups.
"""

from __future__ import annotations

import logging
import math
import operator
import re
from array import array
from collections.abc import Callable, Sequence
from importlib import resources
from itertools import accumulate, chain, repeat
from pathlib import Path
from typing import NamedTuple

import ahocorasick_rs

from monitor.detect.lexicon import Hit
from monitor.detect.native import NgramPair, NgramTable, phrases
from monitor.detect.sentiment_cues import DEFAULT_WEIGHTS, CueWeights, cue_shift

log = logging.getLogger(__name__)

NEGATORS = ("不", "没", "无", "别", "未", "并非", "毫无")
# 不就是假货 and 还不发货 assert the complaint: these don't negate it.
NOT_NEGATING = ("不就", "不也", "还不", "难道不", "能不", "不会吧", "不得不")
QUESTION_ENDINGS = ("吗", "吧", "么", "嘛", "呢")
QUESTION_FORMS = (
    "是不是", "会不会", "有没有", "能不能", "是否", "可不可以", "算不算", "什么时候", "多少",
    "哪里", "哪个", "几天", "几号", "怎么",
)  # fmt: skip
# Rhetorical questions stay complaints: 为什么还不发货？ 怎么这么差
RHETORICAL = (
    "怎么还", "为什么", "凭什么", "到底", "咋还", "难道", "还不", "什么时候才", "几天了",
    "怎么这么", "怎么又", "咋这么", "还要等多久",
    # where did what was promised go; how long it has been already
    "哪去了", "哪儿去了", "去哪了", "好几天了", "都几天了", "一个礼拜了", "一个星期了", "一周了",
    "半个月了", "一个月了", "就这样",
    # what came is not what was ordered; how come so little
    "怎么来的是", "怎么发的是", "怎么收到的是", "怎么才这么", "怎么一点",
)  # fmt: skip
# One test per list: whether any of the phrases lies in a text (or a stretch of it) is one
# C call (`in` per phrase is not).
_QUESTION_FORM = phrases(QUESTION_FORMS)
_RHETORICAL = phrases(RHETORICAL)
_NEGATOR = phrases(NEGATORS)
_NOT_NEGATING = phrases(NOT_NEGATING)
# The fault named, then that there is none, the clause ending there: 一根线头都没有, 异味也没有。
_NONE_AFTER = re.compile(r"(?:一点|丝毫)?[都也]没有?")
_NONE_ENDS = re.compile(r"[都也]没有?[了啦哦呢啊呀]*(?:$|[，,。.！!~\s])")
QUESTION_MARK = "\x01"  # model token for a trailing ? (the base view deletes punctuation)
_ZEROS = repeat(0.0)
_HAS_DIGIT = re.compile(r"[0-9]")
_DIGIT_RUN = re.compile(r"[0-9]+")


def _fold_number(m: re.Match[str]) -> str:
    run = m.group()
    return run if len(run) > 1 and run.count(run[0]) == len(run) else "0" * len(run)


_add = operator.add
_first = operator.itemgetter(0)
_new_tuple = tuple.__new__  # builds a NamedTuple without its Python-level __new__


def _happened(collapsed: str, affirmed: Sequence[Hit]) -> bool:
    """Return True when a quality fault is asked about as done (怎么洗一次就掉色了？): a
    complaint, not an inquiry (会掉色吗？)."""
    return any(h.term.category == "quality" and collapsed.startswith("了", h.end) for h in affirmed)


class Sentiment(NamedTuple):
    """The verdict on one comment (a tuple: one is built for every comment)."""

    negative: bool
    score: float
    category: str
    evidence: tuple[Hit, ...] = ()


def ngrams(text: str) -> list[str]:
    """Return the model features of a normalized text: char 1, 2 and 3 grams."""
    t = "^" + text + "$"
    return [*text, *map(_add, t, t[1:]), *map(_add, map(_add, t, t[1:]), t[2:])]


def model_text(base: str, original: str, digits: bool = True) -> str:
    """Return the text the model reads: the base view, digits as 0, a token for a '?'.

    Folding digits keeps order numbers, prices and sizes from carrying review-specific
    weights (等了11天 in a hotel review says nothing about 11 in a live comment); runs of one
    repeated digit are slang (666, 888) and stay as written. `digits` False: the caller
    knows the base view holds none (`Views.marks`), and no search looks.
    """
    text = _DIGIT_RUN.sub(_fold_number, base) if digits and _HAS_DIGIT.search(base) else base
    tail = original.rstrip()[-1:]
    return text + QUESTION_MARK if tail in ("?", "？") else text


class LinearModel:
    """A char n-gram logistic model: weights by n-gram plus a bias."""

    def __init__(self, weights: dict[str, float], bias: float) -> None:
        self.bias = bias
        # Every n-gram of the model on one automaton: one pass over "^text$" finds the
        # n-grams a text holds, with no string built or hashed per n-gram (the boundary
        # marks alone are no unigram; the model reads unigrams of the text only).
        grams = [g for g in weights if g and g not in ("^", "$") and len(g) <= 3]
        # Compiled, the same sum is one pass over the characters with a hash lookup per
        # n-gram (monitor/detect/_native.c): no match list, no Python call per n-gram.
        self._table = NgramTable({g: weights[g] for g in grams}, bias) if NgramTable else None
        self._weights: dict[str, float] | None = weights
        self._values: list[float] = []
        self._grams = None
        if self._table is not None:
            # bias + sum in one compiled call, no Python frame (the method below is the same).
            self.logit = self._table.logit  # type: ignore[method-assign]
            # The table holds the weights; the mapping the definition reads is packed
            # (three flat buffers instead of ~180,000 str and float objects: 25 MiB less)
            # and unpacked on first use, which only `reference_logit` makes.
            self._packed = (
                "".join(weights),
                array("I", map(len, weights)),
                array("d", weights.values()),
            )
            self._weights = None
        elif grams:
            self._values = [weights[g] for g in grams]
            self._grams = ahocorasick_rs.AhoCorasick(grams)

    @property
    def weights(self) -> dict[str, float]:
        """Return the weight of every n-gram (the model as loaded)."""
        if self._weights is None:
            keys, lengths, values = self._packed
            ends = accumulate(lengths)
            starts = chain((0,), accumulate(lengths))
            grams = map(keys.__getitem__, map(slice, starts, ends))
            self._weights = dict(zip(grams, values, strict=True))
        return self._weights

    @classmethod
    def load(cls, path: str | Path | None = None) -> LinearModel:
        """Read weights from a TSV file (the shipped model when no path is given)."""
        if path:
            text = Path(path).read_text("utf-8")
        else:
            shipped = resources.files("monitor.detect").joinpath("data", "sentiment.tsv")
            text = shipped.read_text("utf-8")
        weights: dict[str, float] = {}
        bias = 0.0
        for line in text.splitlines():
            if not line or line.startswith("#"):
                continue
            gram, _, value = line.rpartition("\t")
            if gram == "__bias__":
                bias = float(value)
            else:
                weights[gram.replace("\\t", "\t")] = float(value)
        return cls(weights, bias)

    @classmethod
    def load_or_none(cls, path: str | Path | None = None) -> LinearModel | None:
        """Load the model; without a weights file, sentiment falls back to the lexicon."""
        try:
            return cls.load(path)
        except FileNotFoundError:
            if path:
                raise
            log.warning("no shipped sentiment model: complaint lexicon only")
            return None

    def logit(self, text: str) -> float:
        """Return the raw score (log-odds of negative) of a model text."""
        if self._table is not None:
            return self.bias + self._table.sum(text)
        if self._grams is None:
            return self.bias
        try:
            hits = self._grams.find_matches_as_indexes("^" + text + "$", overlapping=True)
        except UnicodeEncodeError:  # a lone surrogate (never from a JSON decoder)
            return self.reference_logit(text)
        return self.bias + sum(map(self._values.__getitem__, map(_first, hits)))

    def reference_logit(self, text: str) -> float:
        """Return the same score n-gram by n-gram (the definition `logit` must agree with)."""
        t = "^" + text + "$"
        bigrams = list(map(_add, t, t[1:]))
        grams = chain(text, bigrams, map(_add, bigrams, t[2:]))
        return self.bias + sum(map(self.weights.get, grams, _ZEROS))


def joint_logits(
    first: LinearModel, second: LinearModel
) -> Callable[[str], tuple[float, float]] | None:
    """Return a call giving (first.logit(text), second.logit(text)) in one compiled pass over
    a table holding both models' weights (one probe per n-gram, not two), or None when the
    models have no compiled tables (the Python paths: call each model's `logit`)."""
    if NgramPair is None or first._table is None or second._table is None:
        return None
    return NgramPair(first._table, second._table).logits


def is_question(collapsed: str, original: str) -> bool:
    """Return True when the comment asks rather than asserts."""
    tail = original.rstrip()[-1:]
    if tail in ("?", "？") or collapsed.endswith(QUESTION_ENDINGS):
        return True
    return _QUESTION_FORM(collapsed)


def is_denied_after(collapsed: str, original: str, hit: Hit) -> bool:
    """Return True when the comment says right after the complaint term that there is none,
    and the clause ends there (线头都没有, 色差一点都没有，): praise, not 线头都没有剪."""
    return (
        _NONE_AFTER.match(collapsed, hit.end) is not None
        and _NONE_ENDS.search(original) is not None
    )


def is_negated(collapsed: str, hit: Hit) -> bool:
    """Return True when a negator sits just before the complaint term (不难看)."""
    start = hit.start
    window = max(0, start - 4)
    # (text, pos, endpos): a phrase lying wholly inside text[pos:endpos].
    if start == 0 or _NOT_NEGATING(collapsed, window, hit.end):
        return False
    return _NEGATOR(collapsed, window, start)


class SentimentScorer:
    """Combine the complaint lexicon and the linear model into one verdict."""

    def __init__(
        self,
        model: LinearModel | None,
        threshold: float = 0.5,
        complaint_bonus: float = 2.5,
        inquiry_penalty: float = 1.5,
        prior: float = -1.0,
        cues: CueWeights = DEFAULT_WEIGHTS,
    ) -> None:
        self.model = model
        self.cues = cues
        # The model is trained on balanced classes; most live comments are not negative,
        # so weak evidence (看我) must not tip a comment over: shift the log-odds.
        self.prior = prior
        self.threshold = threshold
        self.complaint_bonus = complaint_bonus
        self.inquiry_penalty = inquiry_penalty

    def score(
        self,
        original: str,
        base: str,
        collapsed: str,
        complaints: Sequence[Hit],
        use_model: bool = True,
        said: str | None = None,
        model_logit: float | None = None,
    ) -> Sentiment:
        """Return the verdict on one comment from its views and complaint hits (`said`: its
        model text, when the caller has it already; `model_logit`: the model's log-odds of
        that text, when the caller computed it along with the second opinion's)."""
        if self.model is not None and use_model:
            if model_logit is None:
                model_logit = self.model.logit(said or model_text(base, original))
            logit = model_logit + self.prior
            shift, asking = cue_shift(original, self.cues)
            # A cue reads what the n-grams can't: sarcasm is made of praise words, a neutral
            # question of complaint words. Past a cue the model's opinion is bounded.
            if shift > 0.0:
                logit = max(logit, self.cues.model_floor) + shift
            elif shift < 0.0:
                logit = min(logit, self.cues.model_ceiling) + shift
        else:
            logit = -2.0  # no model opinion: only an affirmed complaint makes it negative
            shift, asking = 0.0, True
        # (a comprehension is a call of its own in Python 3.11: skip it when there is nothing)
        affirmed = (
            [
                h
                for h in complaints
                if not is_negated(collapsed, h) and not is_denied_after(collapsed, original, h)
            ]
            if complaints
            else []
        )
        # An asking comment is an inquiry (什么时候发货, 是正品吗) unless it is rhetorical.
        question = (
            asking
            and is_question(collapsed, original)
            and not _RHETORICAL(collapsed)
            and shift <= 0.0
            and not _happened(collapsed, affirmed)
        )
        if question:
            logit -= self.inquiry_penalty
        elif affirmed:
            logit += self.complaint_bonus
        elif complaints:
            logit -= self.inquiry_penalty  # only negated complaints: 不难看, 没有假货
        # max(-30.0, min(30.0, logit)) in comparisons (a NaN reads 30.0, as there): min and
        # max are calls that build an iterator over their arguments
        bounded = logit if -30.0 <= logit <= 30.0 else -30.0 if logit < -30.0 else 30.0
        score = 1.0 / (1.0 + math.exp(-bounded))
        negative = score >= self.threshold
        category = affirmed[0].term.category if affirmed else "general"
        evidence = tuple(affirmed) if negative else ()
        return _new_tuple(Sentiment, (negative, score, category, evidence))
