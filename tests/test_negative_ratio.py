"""The per-room negative ratio over a sliding window, against a brute-force reference."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from alerts.clock import ManualClock
from monitor.negative_ratio import NegativeRatio


def test_ratio_counts_only_the_window_and_only_configured_rooms() -> None:
    clock = ManualClock(1_000.0)
    ratio = NegativeRatio(["a", "b"], clock, window=120)
    for i in range(10):
        ratio.add("a", negative=i < 3)
    ratio.add("ghost", negative=True)
    assert ratio.ratio("a") == 0.3
    assert ratio.ratio("b") == 0.0
    clock.advance(60)
    ratio.add("a", negative=True)
    assert ratio.ratio("a") == 4 / 11
    clock.advance(61)  # the first ten comments are now older than 120 s
    assert ratio.ratio("a") == 1.0
    clock.advance(500)
    assert ratio.ratio("a") == 0.0
    assert dict(ratio.read()) == {("a",): 0.0, ("b",): 0.0}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(min_value=0, max_value=40), st.booleans()), min_size=1, max_size=80
    ),
    st.integers(min_value=1, max_value=30),
)
def test_ratio_matches_brute_force(steps: list[tuple[float, bool]], window: int) -> None:
    clock = ManualClock(10_000.0)
    ratio = NegativeRatio(["r"], clock, window=window)
    seen: list[tuple[int, bool]] = []
    for gap, negative in steps:
        clock.advance(gap)
        ratio.add("r", negative)
        seen.append((int(clock.now()), negative))
        now = int(clock.now())
        live = [neg for sec, neg in seen if sec > now - window]
        expected = sum(live) / len(live) if live else 0.0
        assert abs(ratio.ratio("r") - expected) < 1e-12
