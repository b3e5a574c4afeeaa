"""ScopedAllowlist on the shipped lexicon: each kind of evidence term, phrases through the
lexicon's normalisation, rooms kept apart, flags left whole when nothing applies."""

from __future__ import annotations

import pytest

from alerts.model import SignalKind
from config.loader import default_config_path, load_config
from monitor.detect.allowlist import ScopedAllowlist
from monitor.detect.detector import LexiconDetector
from monitor.events import parse_event
from tests.detect_support import fresh_detector


@pytest.fixture(scope="module")
def detector() -> LexiconDetector:
    config = load_config(default_config_path())
    return fresh_detector(config.detection, config.base_dir)


def flags(detector: LexiconDetector, text: str, room: str = "room-a"):  # type: ignore[no-untyped-def]
    return detector.detect(parse_event({"kind": "comment", "room": room, "text": text}))


@pytest.mark.parametrize(
    ("text", "kind", "term"),
    [
        ("加我微信 wxid8888abc", SignalKind.SENSITIVE, "id:wxid8888abc"),
        ("加我微信 wxid8888abc", SignalKind.SENSITIVE, "加我微信"),
        ("家威信", SignalKind.SENSITIVE, "加微信"),  # a homophone: its lexicon term
        ("质量太差了，退货", SignalKind.NEGATIVE, "质量太差"),  # a complaint term
    ],
)
def test_the_offered_term_drops_its_evidence_in_its_rooms_only(
    detector: LexiconDetector, text: str, kind: SignalKind, term: str
) -> None:
    found = flags(detector, text)
    assert term in {e.term for f in found if f.kind is kind for e in f.evidence}
    allow = ScopedAllowlist([(term, frozenset({"room-a"}))], detector.normalizer)
    kept = allow.filter(found)
    assert term not in {e.term for f in kept for e in f.evidence}
    others = flags(detector, text, room="room-b")
    assert allow.filter(others) == others  # another room keeps the flag whole
    everywhere = ScopedAllowlist([(term, None)], detector.normalizer)
    assert term not in {e.term for f in everywhere.filter(others) for e in f.evidence}


def test_a_phrase_matches_through_the_lexicon_folds(detector: LexiconDetector) -> None:
    allow = ScopedAllowlist([("微信支付", None)], detector.normalizer)
    text = "用 微·信·支·付 就行，加微信"
    found = flags(detector, text)
    assert len([e for f in found for e in f.evidence]) >= 1
    kept = allow.filter(found)
    spans = [(e.start, e.end) for f in kept for e in f.evidence]
    assert spans and all(text[s:e].startswith("加") for s, e in spans)  # the outside hit stays


def test_a_flag_with_no_evidence_left_is_dropped_and_untouched_ones_are_the_same_objects(
    detector: LexiconDetector,
) -> None:
    found = flags(detector, "加我微信")
    assert ScopedAllowlist([("加我微信", None)], detector.normalizer).filter(found) == []
    unrelated = ScopedAllowlist([("无关的词", None)], detector.normalizer).filter(found)
    assert len(unrelated) == len(found) and all(
        a is b for a, b in zip(unrelated, found, strict=True)
    )
    assert ScopedAllowlist([]).filter(found) is found
