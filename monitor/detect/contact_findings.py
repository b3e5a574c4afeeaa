"""ContactFindings: the contact rules of `LexiconDetector` that reach past one scan.

An invitation with words between its parts, what a run of split comments spells together,
and numbers and IDs near a cue (joined with the user's earlier comments in their window)."""

from __future__ import annotations

import re

from alerts.model import Evidence
from monitor.detect.contact import (
    ID_CUE,
    INVITE,
    NUMBER_CUE,
    UNDERSCORE_ID,
    ContactRules,
    UserWindow,
    links,
    mend_digits,
)
from monitor.detect.context import negated, reported
from monitor.detect.lexicon import CompiledLexicon
from monitor.detect.normalize import Normalizer, Views
from monitor.detect.split import SplitWindow

NEAR = 3  # characters between a one-character cue and its number
# A whole mobile number (1[3-9] and nine digits) or a 400/800 service line (ten digits) in a
# viewer's comment is a contact without a cue: nobody types one in a live room for another
# reason (an order or tracking number is told by its words, 订单号 13800138000).
_BARE_PHONE = re.compile(r"(?<![0-9])(?:(?:0{0,2}86)?1[3-9][0-9]{9}|[48]00[0-9]{7})(?![0-9])")
_LONG_NUMBER = re.compile(r"[0-9]{7,}")  # a QQ or phone number inside a run of letters
# A clock time or a date the fold joined into one run of digits (10：34一直, 2008-6-1 12:23):
# a time said, not a number to reach.
_CLOCK_OR_DATE = re.compile(
    r"(?<![0-9])[0-2]?[0-9][:：][0-5][0-9](?![0-9])"
    r"|(?<![0-9])(?:19|20)[0-9]{2}[-/.年][01]?[0-9][-/.月][0-3]?[0-9](?![0-9])"
)
_PARTING = frozenset(":：=＝-—~～·• \t")


def _timed(span: str) -> bool:
    """Return True when a number's text is a clock time or a date with fewer than five
    digits besides (10：34一直), not a contact typed around a time (qq 12:30 2847163950)."""
    if _CLOCK_OR_DATE.search(span) is None:
        return False
    return sum(c.isdigit() for c in _CLOCK_OR_DATE.sub("", span)) < 5


def _parted(text: str, start: int) -> bool:
    """Return True when a mark or a space follows the one-letter cue at text[start]."""
    return start + 1 < len(text) and text[start + 1] in _PARTING


class ContactFindings:
    """The contact methods of `LexiconDetector`, which sets these attributes."""

    normalizer: Normalizer
    lexicon: CompiledLexicon
    rules: ContactRules
    window: UserWindow
    split: SplitWindow
    _contact_id: str
    _scopes: dict[str, frozenset[str]]

    def _invite(
        self,
        text: str,
        views: Views,
        found: dict[str, list[Evidence]],
        via: dict[str, str],
        category: str,
    ) -> None:
        """Flag an invitation to add a messenger with words between (加一下我们助理的微信)."""
        collapsed = views.collapsed
        for m in INVITE.finditer(collapsed):
            if negated(collapsed, m.start(), m.end()) or reported(text):
                continue
            spans = self.normalizer.span_mapper(text, views.base, collapsed)
            start, end = spans(m.start(), m.end())
            found.setdefault(category, []).append(Evidence(category, m.group(), start, end))
            via.setdefault(category, "lexicon")
            return

    def _split(
        self,
        joined: str,
        offset: int,
        text: str,
        scope: str,
        found: dict[str, list[Evidence]],
        via: dict[str, str],
    ) -> int:
        """Flag what a run of short comments spells together (the new hits only); return the
        contact cue the run spells (企 ␞ 鹅 ␞ 4028 ␞ 17395 opens the window as 企鹅 does)."""
        contact = self._contact_id
        if contact and scope in self._scopes[contact]:
            typed = self.split.joined_text
            start_of_text = len(typed) - len(text)
            for value, start, end in links(typed):
                if start < start_of_text < end:  # a link reaching into earlier comments
                    ev = Evidence(contact, f"link:{value}", 0, len(text))
                    found.setdefault(contact, []).append(ev)
                    via.setdefault(contact, "split")
        result = self.lexicon.scan(joined, self.normalizer.views(joined))
        if result is None:
            return 0
        for hit in result.deny:
            cat = hit.term.category
            if hit.orig_start < offset < hit.orig_end and scope in self._scopes.get(cat, ()):
                found.setdefault(cat, []).append(Evidence(cat, hit.term.text, 0, len(text)))
                via.setdefault(cat, "split")
        for hit in result.cues:
            if hit.orig_start < offset < hit.orig_end and len(hit.term.text) > 1:
                return NUMBER_CUE | ID_CUE
        return 0

    def _contact(
        self,
        text: str,
        base: str,
        user: str,
        ts: float,
        cue: int,
        near: list[tuple[int, int]],
        found: dict[str, list[Evidence]],
        via: dict[str, str],
        category: str,
        bare: bool = False,
        mixed: bool = True,
    ) -> None:
        """Flag numbers and IDs near a cue; with `bare`, a whole mobile number needs none (a
        viewer's comment; the host reads order numbers aloud in the segment after 订单号);
        with `mixed` (a letter and a digit in the text), letters typed for digits are read."""
        digits = self.normalizer.digit_view(base)
        if mixed:
            digits = mend_digits(digits)
        if user:
            joined, any_cue, offset = self.window.join(user, ts, digits, cue)
        else:
            joined, any_cue, offset = digits, cue, 0
        if any_cue & ID_CUE and "_" in text:
            # An ID with underscores and no digit (V号 tea_lao_wang) near an account cue.
            for m in UNDERSCORE_ID.finditer(text):
                value = m.group()
                if len(value) - value.count("_") >= 6 and not any(c.isdigit() for c in value):
                    ev = Evidence(category, f"id:{value}", m.start(), m.end())
                    found.setdefault(category, []).append(ev)
                    via.setdefault(category, "contact")
        if not self.rules.maybe(joined):
            return
        bare = bare and _BARE_PHONE.search(joined) is not None
        if not (any_cue or near or bare):
            return
        spans = None
        for token in self.rules.tokens(joined):
            if token.end <= offset:
                continue  # entirely in earlier comments, flagged back then
            if spans is None:
                spans = self.normalizer.base_span_mapper(text)
            start, end = spans(max(token.start, offset) - offset, token.end - offset)
            if token.kind in ("qq", "number") and _timed(text[start:end]):
                continue
            if token.kind == "id":
                if any(a == start for a, _ in near):
                    # The one-letter cue opens the token (v13800138000): only digits may follow
                    # (V12 Detect Slim is a model), unless a mark parts the cue from an ID
                    # (V：xiaomei520, v xiaomei520) or a whole number is in it (qq 629384175
                    # jinlai, whose qq folds to one q).
                    value = token.value
                    if not (
                        value[1:].isdigit() or _parted(text, start) or _LONG_NUMBER.search(value)
                    ):
                        continue
                elif (
                    not any_cue & ID_CUE
                    and not any(a < start <= b + NEAR for a, b in near)
                    # A number cue (qq, 电话) before a number glued to letters (qq 629384175
                    # jinlai reads qq629384175jinlai): the number is the contact.
                    and not (any_cue & NUMBER_CUE and _LONG_NUMBER.search(token.value))
                ):
                    continue
            elif (
                not any_cue
                # A whole mobile number needs no cue in a viewer's comment, also typed over
                # comments of digits only (139 ␞ 2840 ␞ 6617).
                and not (
                    bare and token.kind == "phone" and (token.start >= offset or digits.isdigit())
                )
                and not any(a <= start <= b + NEAR for a, b in near)
            ):
                continue
            ev = Evidence(category, f"{token.kind}:{token.value}", start, end)
            found.setdefault(category, []).append(ev)
            via.setdefault(category, "window" if token.start < offset else "contact")
