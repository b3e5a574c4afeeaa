"""The checks every sentiment family file makes of its own sentences: the complaints are
negative, the look-alikes are not, the anchored cue scan finds what the plain patterns find,
and a complaint asked is no question for the room to answer. A family file binds them to
module names of its own (so each file's test ids name what its clean sentences are):

    test_the_families_are_negative, test_neutral_questions_and_praise_are_not, *_ = (
        family_checks(FLAGGED, CLEAN)
    )

with a module-scoped `detector` fixture in the file."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from monitor.detect.detector import LexiconDetector
from monitor.detect.questions import classify_question
from monitor.detect.sentiment_cues import SENTIMENT_CUES
from tests.detect_support import negative

Check = Callable[..., None]


def family_checks(flagged: list[str], clean: list[str]) -> tuple[Check, Check, Check, Check]:
    """Return (negative, clean, anchored scan, complaint asked) test functions."""

    @pytest.mark.parametrize("text", flagged)
    def flagged_are_negative(detector: LexiconDetector, text: str) -> None:
        assert negative(detector, text)

    @pytest.mark.parametrize("text", clean)
    def clean_are_not(detector: LexiconDetector, text: str) -> None:
        assert not negative(detector, text)

    @pytest.mark.parametrize("text", flagged + clean)
    def scan_finds_what_patterns_find(text: str) -> None:
        t = text.lower()
        assert SENTIMENT_CUES.matches(t) == SENTIMENT_CUES.exact_matches(t)

    @pytest.mark.parametrize("text", [t for t in flagged if t.endswith("？")])
    def complaint_asked_is_no_question(text: str) -> None:
        assert classify_question(text) is None

    return (
        flagged_are_negative,
        clean_are_not,
        scan_finds_what_patterns_find,
        complaint_asked_is_no_question,
    )
