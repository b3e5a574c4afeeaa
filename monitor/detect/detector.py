"""LexiconDetector: sensitive categories, contact rules and sentiment behind `Detector`."""

from __future__ import annotations

import asyncio
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from prometheus_client import CollectorRegistry, Counter, Gauge

from alerts.model import Evidence, Severity, Signal, SignalKind
from config.detection import DetectionConfig, KeywordCategory
from monitor.detect.classifier import SensitiveModel
from monitor.detect.compose import Composer, respan
from monitor.detect.contact import (
    ID_CUE,
    NUMBER_CUE,
    NUMBER_CUES,
    ContactRules,
    UserWindow,
    links,
    spelled_phones,
)
from monitor.detect.contact_findings import NEAR, ContactFindings
from monitor.detect.context import reported
from monitor.detect.lexicon import CompiledLexicon, Hit
from monitor.detect.normalize import (
    DIGIT,
    LETTER,
    NUMERAL_RUN,
    PART,
    Normalizer,
    Views,
    default_normalizer,
)
from monitor.detect.platforms import sends_there
from monitor.detect.sentiment import (
    LinearModel,
    Sentiment,
    SentimentScorer,
    joint_logits,
    model_text,
)
from monitor.detect.source import Compiler, LexiconLoadError, LexiconSource
from monitor.detect.split import SHORT, SplitWindow
from monitor.events import AnyEvent, CommentEvent, SpeechEvent

log = logging.getLogger(__name__)
__all__ = [
    "NEAR",
    "Analysis",
    "LexiconDetector",
    "LexiconMetrics",
    "SensitiveFinding",
    "Verdict",
    "detection_job",
    "to_signals",
]
_new_tuple = tuple.__new__  # builds a NamedTuple without its Python-level __new__


class LexiconMetrics:
    """Lexicon reload outcomes and size, on the registry the app passes in."""

    def __init__(self, registry: CollectorRegistry | None) -> None:
        self.reloads = Counter(
            "roomwatch_lexicon_reloads_total",
            "Lexicon reloads after a file changed, by result (ok or error).",
            ["result"],
            registry=registry,
        )
        self.terms = Gauge(
            "roomwatch_lexicon_terms", "Terms in the active lexicon.", registry=registry
        )
        self.healthy = Gauge(
            "roomwatch_lexicon_last_reload_ok",
            "1 when the last lexicon (re)load succeeded, 0 when a broken file was kept out.",
            registry=registry,
        )


@dataclass(frozen=True, slots=True)
class SensitiveFinding:
    """One category hit in one text, with every piece of evidence."""

    category: str
    severity: Severity
    evidence: tuple[Evidence, ...]
    via: str = "lexicon"  # lexicon | contact | window | link | split | model


class Analysis(NamedTuple):
    """Everything detection says about one text (a tuple: one is built for every text)."""

    sensitive: list[SensitiveFinding]
    sentiment: Sentiment | None = None


def _logit(probability: float) -> float:
    return math.log(probability / (1.0 - probability))


def _outermost(evidence: list[Evidence]) -> tuple[Evidence, ...]:
    """Drop evidence whose span lies inside another's (加微 inside 加微信)."""
    ordered = sorted(evidence, key=lambda e: (e.start, -e.end))
    out: list[Evidence] = []
    for ev in ordered:
        if out and out[-1].start <= ev.start and ev.end <= out[-1].end:
            continue
        out.append(ev)
    return tuple(out)


# A character beside a Latin nickname that makes it part of an account name (dy_ah, tb2024).
_IN_AN_ID = re.compile(r".*[_0-9]")


class LexiconDetector(ContactFindings):
    """Flag comments, speech and titles; the lexicon can be swapped while running."""

    def __init__(
        self,
        config: DetectionConfig,
        base_dir: Path | None = None,
        *,
        normalizer: Normalizer | None = None,
        model: LinearModel | None = None,
        registry: CollectorRegistry | None = None,
        compiler: Compiler | None = None,
    ) -> None:
        """`compiler` turns the terms read from the files into the lexicon, at start and at
        each reload (None: compile them anew; the tests pass one sharing a lexicon between
        detectors built from the same files, each detector keeping its own windows)."""
        self.config = config
        self._compiler = compiler
        self.normalizer = normalizer or default_normalizer()
        self._composer = Composer()
        self.source = LexiconSource(config, base_dir or Path.cwd(), self.normalizer)
        self.metrics = LexiconMetrics(registry)
        # A broken file at start is fatal (a reload keeps the previous lexicon instead).
        self.lexicon: CompiledLexicon = self.source.build(compiler)
        self.metrics.terms.set(self.lexicon.size)
        self.metrics.healthy.set(1)
        self.categories: dict[str, KeywordCategory] = {c.id: c for c in config.categories}
        self._severity = {c.id: Severity(c.severity) for c in config.categories}
        self._scopes = {c.id: frozenset(c.applies_to) for c in config.categories}
        self.contact_category = next((c for c in config.categories if c.contact), None)
        self._contact_id = self.contact_category.id if self.contact_category else ""
        self.rules = ContactRules(
            config.contact.min_digits, config.contact.max_digits, config.contact.id_min_len
        )
        w = config.window
        self.window = UserWindow(w.messages, w.seconds, w.max_users)
        self.split = SplitWindow(w.messages, w.seconds, w.max_users)
        self._runs = self.split.runs
        scfg = config.sentiment
        if scfg.enabled and model is None:
            model = LinearModel.load_or_none(scfg.model or None)
        self.sentiment = SentimentScorer(model, scfg.threshold) if scfg.enabled else None
        self._spam = frozenset(scfg.spam_categories)
        ccfg = config.classifier
        self.classifier = SensitiveModel.load(ccfg.file or None) if ccfg.enabled else None
        # The model's log-odds as the compiled call itself (SensitiveModel.logit is a Python
        # frame around it, paid by every comment no rule flags).
        self._classifier_logit = self.classifier.any.logit if self.classifier else None
        # Both models read the same model text of a comment no rule flagged: compiled, one
        # call gives the second opinion's log-odds and sentiment's (None: one call each).
        self._joint_logits = (
            joint_logits(self.classifier.any, self.sentiment.model)
            if self.classifier is not None
            and self.sentiment is not None
            and self.sentiment.model is not None
            else None
        )
        self._default_cut = _logit(ccfg.threshold)
        self._category_cuts = {c: _logit(t) for c, t in ccfg.category_thresholds.items()}
        # The lowest cut decides whether the category weights are read at all; a category
        # with a threshold of its own is then held to it.
        self._classifier_cut = min([self._default_cut, *self._category_cuts.values()])
        # Categories by scope, for the model's verdicts (ad_law only in speech and titles).
        judged = set(ccfg.categories) or {c.id for c in config.categories}
        self._scope_cats = {
            scope: [c.id for c in config.categories if scope in c.applies_to and c.id in judged]
            for scope in ("comment", "speech", "title")
        }
        # Terms naming a room's own platform, by platform, as the lexicon reports them.
        canonical = self.normalizer.canonical
        # Platforms named plainly count only when the text sends someone there.
        fold = self.normalizer.fold_in_place
        self._named = tuple(dict.fromkeys(fold(t) for t in config.named_platforms))
        self._own: dict[str, frozenset[str]] = {
            platform: frozenset(canonical(t) for t in terms)
            for platform, terms in config.own_platform_terms.items()
        }
        # The cues that open a window for numbers only, as the lexicon reports them (qq is q).
        self._number_cues = frozenset(map(canonical, NUMBER_CUES))
        self.platforms: dict[str, str] = {}  # room -> platform (rooms[].platform), for detect()
        self.last_error = ""
        # Called after each successful reload (detector processes reload along).
        self.on_reload: list[Callable[[], None]] = []

    # -- runtime reload -------------------------------------------------------------
    def reload(self) -> bool:
        """Rebuild from the files and swap atomically; a broken file keeps the old lexicon."""
        started = time.perf_counter()
        try:
            lexicon = self.source.build(self._compiler)
        except LexiconLoadError as exc:
            self.last_error = str(exc)
            self.metrics.reloads.labels("error").inc()
            self.metrics.healthy.set(0)
            log.error("lexicon reload failed, keeping the previous lexicon: %s", exc)
            return False
        self.lexicon = lexicon  # one reference assignment: readers see old or new, never half
        self.last_error = ""
        self.metrics.reloads.labels("ok").inc()
        self.metrics.terms.set(lexicon.size)
        self.metrics.healthy.set(1)
        for hook in self.on_reload:
            hook()
        log.info(
            "lexicon reloaded: %d terms in %.0f ms",
            lexicon.size,
            (time.perf_counter() - started) * 1000,
        )
        return True

    def check_reload(self) -> bool:
        """Reload when a lexicon file changed; return True when a reload was attempted."""
        if not self.source.changed():
            return False
        self.reload()
        return True

    async def watch(self) -> None:
        """Poll the lexicon files and reload on change, off the event loop, until cancelled."""
        interval = self.config.reload_interval
        if interval <= 0:
            return
        while True:
            await asyncio.sleep(interval)
            try:
                await asyncio.to_thread(self.check_reload)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("lexicon watch failed")

    # -- detection ------------------------------------------------------------------
    def analyze(
        self,
        text: str,
        scope: str = "comment",
        user: str = "",
        ts: float = 0.0,
        platform: str = "",
    ) -> Analysis:
        """Return the sensitive findings and (for comments) the sentiment of one text.

        `user` keys the per-user window that joins split contacts; "" disables it. Contact
        work runs only when a cue matched or the text has a Latin letter or digit.
        `platform` is the room's own platform: naming it is no diversion there. A text found
        clean that has characters typed as their parts (亻言, 君羊) is read again with them put
        together (`compose.py`); the spans given are the original text's.
        """
        views = self.normalizer.views(text)
        analysis = self._analyze(text, views, scope, user, ts, platform)
        # A look-alike spelling of a term is found as written (私亻言); a clean text holding
        # a pair's first part (views.marks) is read again outside the user's windows, which
        # hold it already; its sentiment stays.
        if analysis.sensitive or not views.marks & PART:
            return analysis
        composed = self._composer.compose(text)
        if composed is None:
            return analysis
        again = self._analyze(
            composed[0], self.normalizer.views(composed[0]), scope, "", ts, platform
        )
        if again.sensitive:
            return Analysis(respan(again.sensitive, composed[1]), analysis.sentiment)
        return analysis

    def _analyze(
        self, text: str, views: Views, scope: str, user: str, ts: float, platform: str
    ) -> Analysis:
        norm = self.normalizer
        result = self.lexicon.scan(text, views)
        found: dict[str, list[Evidence]] = {}
        via: dict[str, str] = {}
        cue = 0  # NUMBER_CUE | ID_CUE
        near: list[tuple[int, int]] = []
        if result is not None:
            own = self._own.get(platform) if platform else None
            for hit in result.deny:
                cat = hit.term.category
                if cat == self._contact_id:
                    if own and hit.term.canonical in own:
                        continue  # the room's own platform (抖音 in a Douyin room)
                    if views.collapsed != hit.term.canonical and self._only_named(text, hit):
                        continue  # 在淘宝买过: named plainly, and nobody is sent there
                if scope in self._scopes.get(cat, ()):
                    ev = Evidence(cat, hit.term.text, hit.orig_start, hit.orig_end)
                    found.setdefault(cat, []).append(ev)
                    via[cat] = "lexicon"
            # A one-character cue (薇, 扣) counts only right before a number in the same
            # comment: alone it is too common to open the window (扣子, 维修).
            for hit in result.cues:
                if len(hit.term.text) > 1:
                    number_only = hit.term.canonical in self._number_cues
                    cue |= NUMBER_CUE if number_only else NUMBER_CUE | ID_CUE
                elif views.collapsed == hit.term.canonical:
                    # The comment is the cue alone (扣 ␞ 扣 ␞ 2847 ␞ 163950): a piece of a
                    # message split over comments, so the user's window holds the cue.
                    cue |= NUMBER_CUE | ID_CUE
                else:
                    near.append((hit.orig_start, hit.orig_end))
        # A sentence from a user with no run open neither starts nor ends one: `add` would
        # only look the user up (most comments), so the lookup is made here, without a call.
        if user and scope == "comment" and (len(views.collapsed) <= SHORT or user in self._runs):
            joined = self.split.add(user, ts, views.collapsed, text)
            if joined is not None:
                cue |= self._split(
                    joined, len(joined) - len(views.collapsed), text, scope, found, via
                )
        contact = self._contact_id  # a plain str: a pydantic attribute costs a hook call
        if contact and scope in self._scopes[contact]:
            if contact in found:
                cue = NUMBER_CUE | ID_CUE
            elif result is not None and result.cues and "加" in views.collapsed:
                # The messenger words of an invitation are all contact cues (微信, vx, 企鹅 …).
                self._invite(text, views, found, via, contact)
            # The views' marks answer "neither a Latin letter, a digit nor a spelled number"
            # (three numerals in a row, 一三八…: the digit view reads them) without a search.
            marks = views.marks
            latin = marks & (DIGIT | LETTER) != 0
            hint = latin or marks & NUMERAL_RUN != 0
            if latin:
                for value, start, end in links(text):
                    found.setdefault(contact, []).append(
                        Evidence(contact, f"link:{value}", start, end)
                    )
                    via.setdefault(contact, "link")
                for digits, start, end in spelled_phones(text):
                    found.setdefault(contact, []).append(
                        Evidence(contact, f"phone:{digits}", start, end)
                    )
                    via.setdefault(contact, "contact")
            if cue or near or hint:
                bare = scope == "comment"
                # Letters typed for digits (l38O…) need a letter and a digit in the text.
                mixed = marks & (DIGIT | LETTER) == DIGIT | LETTER
                self._contact(
                    text, views.base, user, ts, cue, near, found, via, contact, bare, mixed
                )
        said = None  # the model text, shared by the second opinion and sentiment
        mood = None  # sentiment's model log-odds, when computed with the second opinion's
        if not found and self._classifier_logit is not None:
            # No rule flagged the text: the learned second opinion reads it.
            said = model_text(views.base, text, views.marks & DIGIT != 0)
            joint = self._joint_logits
            if joint is not None and scope == "comment":
                logit, mood = joint(said)
            else:
                logit = self._classifier_logit(said)
            if logit >= self._classifier_cut and not reported(text):
                assert self.classifier is not None
                judged = self.classifier.category(said, self._scope_cats.get(scope, ()))
                if judged is not None and logit >= self._category_cuts.get(
                    judged, self._default_cut
                ):
                    found[judged] = [Evidence(judged, "model", 0, len(text))]
                    via[judged] = "model"
        sensitive = (
            [
                SensitiveFinding(cat, self._severity[cat], _outermost(evs), via[cat])
                for cat, evs in found.items()
            ]
            if found
            else []
        )
        verdict = None
        if self.sentiment is not None and scope == "comment":
            complaints = result.complaints if result is not None else []
            use_model = self._spam.isdisjoint(found)
            verdict = self.sentiment.score(
                text, views.base, views.collapsed, complaints, use_model, said, mood
            )
            if verdict.evidence:  # map complaint spans only for comments found negative
                spans = norm.span_mapper(text, views.base, views.collapsed)
                for hit in verdict.evidence:
                    hit.orig_start, hit.orig_end = spans(hit.start, hit.end)
        return _new_tuple(Analysis, (sensitive, verdict))

    def _only_named(self, text: str, hit: Hit) -> bool:
        """Return True when a contact hit lies on a platform's plain name (淘宝, 拼多多上 read
        as 多多上) and the text sends nobody there (在淘宝买过, 拼多多上也查得到)."""
        start, end = hit.orig_start, hit.orig_end
        folded = self.normalizer.fold_in_place(text)  # 蝦皮 is 虾皮, 去那邊買 去那边买
        for name in self._named:
            at = folded.find(name, max(0, start - len(name) + 1), end + len(name) - 1)
            if at != -1:
                if name.isascii() and _IN_AN_ID.match(
                    folded[at - 1 : at] + folded[at + len(name) : at + len(name) + 1]
                ):
                    return False  # dy_ah, tb2024: a Latin nickname inside an account name
                return not sends_there(folded, at, at + len(name))
        return False

    def verdicts(
        self, scope: str, text: str, key: str, ts: float, platform: str = ""
    ) -> list[Verdict]:
        """Return the flags of one text as plain verdicts (what a detector process sends)."""
        analysis = self.analyze(text, scope, key, ts, platform)
        out = [
            Verdict(SignalKind.SENSITIVE, f.category, f.severity, f.via, 1.0, f.evidence)
            for f in analysis.sensitive
        ]
        s = analysis.sentiment
        if s is not None and s.negative:
            evidence = tuple(
                Evidence(h.term.category, h.term.text, h.orig_start, h.orig_end) for h in s.evidence
            )
            verdict = Verdict(
                SignalKind.NEGATIVE, s.category, Severity.INFO, "", round(s.score, 4), evidence
            )
            out.append(verdict)
        return out

    def detect(self, event: AnyEvent) -> list[Signal]:
        """Return the sensitive and negative signals of a comment or the host's speech."""
        job = detection_job(event, self.platforms.get(event.room, ""))
        if job is None:
            return []
        return to_signals(event, self.verdicts(*job))


@dataclass(frozen=True, slots=True)
class Verdict:
    """One flag on one text, before it is tied to its event."""

    kind: SignalKind  # SENSITIVE or NEGATIVE
    category: str
    severity: Severity
    via: str  # sensitive: lexicon | contact | window
    score: float
    evidence: tuple[Evidence, ...]


def detection_job(event: AnyEvent, platform: str = "") -> tuple[str, str, str, float, str] | None:
    """Return (scope, text, user window key, ts, the room's platform) for an event detection
    reads, else None."""
    if isinstance(event, CommentEvent):
        # The contact window is per room and user.
        key = f"{event.room}\x1f{event.user}" if event.user else ""
        return "comment", event.text, key, event.ts, platform
    if isinstance(event, SpeechEvent):
        # The host's speech arrives in recognizer segments: a cue in one segment and the
        # number in the next are joined by the room's host window, like a viewer's comments.
        return "speech", event.text, f"{event.room}\x1f\x00host", event.ts, platform
    return None


def to_signals(event: AnyEvent, verdicts: list[Verdict]) -> list[Signal]:
    """Return the signals of an event's verdicts."""
    if not verdicts:
        return []
    who = event.user if isinstance(event, CommentEvent) else "host"
    text = event.text if isinstance(event, CommentEvent | SpeechEvent) else ""
    return [
        Signal(
            event.room,
            event.ts,
            v.kind,
            category=v.category,
            severity=v.severity,
            name=v.via,
            user=who,
            text=text,
            event_id=event.id,
            source=event.source,
            score=v.score,
            evidence=v.evidence,
        )
        for v in verdicts
    ]
