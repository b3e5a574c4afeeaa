"""ScopedAllowlist's rules on hand-made flags (no detector: fast, mutation-checked): which
texts are tokens, how rooms apply, which evidence a phrase covers, what `filter` returns."""

from __future__ import annotations

import pytest

from alerts.model import Evidence, Signal, SignalKind
from monitor.detect.allowlist import ScopedAllowlist
from monitor.detect.normalize import Normalizer, default_normalizer


@pytest.fixture(scope="module")
def norm() -> Normalizer:
    return default_normalizer()


def flag(text: str, *spans: tuple[str, int, int], room: str = "a") -> Signal:
    evidence = tuple(Evidence("fraud", term, a, b) for term, a, b in spans)
    return Signal(room, 1.0, SignalKind.SENSITIVE, "fraud", text=text, evidence=evidence)


def terms(signals: list[Signal]) -> list[list[str]]:
    return [[e.term for e in s.evidence] for s in signals]


def test_tokens_are_the_four_contact_kinds_with_a_plain_value_in_any_case(norm: Normalizer) -> None:
    allow = ScopedAllowlist(
        [
            ("  ID:WX12345 ", None),
            ("phone:13800000000", None),
            ("qq:12345", None),
            ("number:888", None),
            ("id:", None),  # no value: a phrase, canonical "id"
            ("url:abc", None),  # another kind: a phrase, canonical "urlabc"
            ("id:wx_1", None),  # not alphanumeric: a phrase, canonical "idwx1"
        ],
        norm,
    )
    assert allow.size == 7
    text = "x" * 40
    found = [
        flag(
            text,
            ("id:wx12345", 0, 1),
            ("ID:WX12345", 1, 2),
            ("phone:13800000000", 2, 3),
            ("qq:12345", 3, 4),
            ("number:888", 4, 5),
            ("number:8888", 5, 6),
            ("qq:1234", 6, 7),
            ("id:wx123456", 7, 8),
            # a token is compared as written, not through the normalisation
            ("phone13800000000", 8, 9),
            ("qq 12345", 9, 10),
            ("idwx12345", 10, 11),
            ("number-888", 11, 12),
        )
    ]
    assert terms(allow.filter(found)) == [
        [
            "number:8888",
            "qq:1234",
            "id:wx123456",
            "phone13800000000",
            "qq 12345",
            "idwx12345",
            "number-888",
        ]
    ]
    # the phrases match an evidence term through the normalisation, not as tokens
    assert allow.filter([flag(text, ("id", 0, 1), ("urlabc", 1, 2), ("idwx1", 2, 3))]) == []
    tokens_only = ScopedAllowlist([("id:wx_1", None), ("url:abc", None)], norm)
    assert tokens_only.filter([flag(text, ("id:wx_1", 0, 1), ("url:abc", 1, 2))]) == []


def test_size_counts_every_entry_and_skips_what_normalises_to_nothing(norm: Normalizer) -> None:
    allow = ScopedAllowlist(
        [
            ("phone:1", None),
            ("phone:1", frozenset({"a"})),
            ("微信支付", None),
            ("", None),
            ("·", None),
        ],
        norm,
    )
    assert allow.size == 3
    assert ScopedAllowlist([("·", None), ("  ", None)], norm).size == 0


def test_rooms_apply_to_their_rooms_only(norm: Normalizer) -> None:
    allow = ScopedAllowlist(
        [
            ("phone:1", frozenset({"a"})),
            ("phone:1", frozenset({"b"})),
            ("qq:2", frozenset({"c"})),
            ("微信", frozenset({"a", "c"})),
            ("支付", None),
        ],
        norm,
    )
    text = "加微信支付"

    def left(room: str) -> list[list[str]]:
        f = flag(
            text,
            ("phone:1", 0, 1),
            ("qq:2", 0, 1),
            ("加微", 0, 2),
            ("微信", 1, 3),
            ("付", 4, 5),
            room=room,
        )
        return terms(allow.filter([f]))

    assert left("a") == [["qq:2", "加微"]]
    assert left("b") == [["qq:2", "加微", "微信"]]
    assert left("c") == [["phone:1", "加微"]]
    assert left("d") == [["phone:1", "qq:2", "加微", "微信"]]
    assert left("a") == [["qq:2", "加微"]]  # the room's terms, built once, are the same


def test_a_phrase_covers_evidence_wholly_inside_any_of_its_occurrences(norm: Normalizer) -> None:
    allow = ScopedAllowlist([("微信支付", None), ("支付宝", None)], norm)
    text = "用 微·信·支·付 就行，加微信，买微信支付宝"  # 微·信·支·付 is 2..9, 微信支付宝 18..23
    found = flag(
        text,
        ("微信", 2, 5),  # inside the folded occurrence
        ("微·信·支·付", 2, 9),  # the whole occurrence
        ("付 就", 8, 11),  # crosses its end
        ("用 微", 0, 3),  # crosses its start
        ("加微信", 13, 16),  # outside any
        ("付宝", 21, 23),  # inside the second phrase only, which overlaps the first
        ("信支付宝", 19, 23),  # inside neither occurrence
    )
    assert terms(allow.filter([found])) == [["付 就", "用 微", "加微信", "信支付宝"]]
    assert allow.filter([flag("无关的话", ("无关", 0, 2))]) == [flag("无关的话", ("无关", 0, 2))]


def test_an_evidence_term_that_is_the_phrase_is_dropped_wherever_it_is(norm: Normalizer) -> None:
    allow = ScopedAllowlist([("微 信", None)], norm)
    found = flag("加薇信", ("微信", 0, 3), ("Wei Xin", 0, 3), ("微信号", 0, 3))
    assert terms(allow.filter([found])) == [["Wei Xin", "微信号"]]


def test_filter_keeps_untouched_flags_and_drops_emptied_ones(norm: Normalizer) -> None:
    allow = ScopedAllowlist([("qq:2", None)], norm)
    bare = flag("没有证据")
    whole = flag("xx", ("qq:3", 0, 1))
    part = flag("xx", ("qq:2", 0, 1), ("qq:3", 1, 2))
    gone = flag("xx", ("qq:2", 0, 1))
    out = allow.filter([bare, whole, part, gone, whole])
    assert [s is x for s, x in zip(out, [bare, whole, part, whole], strict=True)] == [
        True,
        True,
        False,
        True,
    ]
    assert terms(out) == [[], ["qq:3"], ["qq:3"], ["qq:3"]]
    assert out[2].text == "xx" and out[2].room == "a"
    signals = [gone]
    assert ScopedAllowlist([], norm).filter(signals) is signals
    empty: list[Signal] = []
    assert allow.filter(empty) is empty
    other_room = ScopedAllowlist([("qq:2", frozenset({"z"}))], norm)
    assert other_room.filter([gone, part]) == [gone, part]
    assert other_room.filter([gone])[0] is gone


def test_the_default_normaliser_is_used_when_none_is_given() -> None:
    allow = ScopedAllowlist([("微·信", None)])
    assert allow.filter([flag("加微信", ("微信", 1, 3))]) == []
