"""Counting conditions over sliding windows: count, ratio, rate."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from alerts.conditions.base import Selector, _expire, _floats, _opt, _pct
from alerts.model import Signal
from alerts.summary import Description
from config import plans as cfg


class Count:
    """At least `min` matching signals in the window."""

    def __init__(self, c: cfg.CountCondition) -> None:
        self.sel = Selector.of(c.signal, c.category)
        self.kinds = self.sel.kinds
        self.min, self.window = c.min, c.window

    def new_state(self) -> deque[float]:
        return deque()

    def update(self, state: deque[float], signal: Signal) -> bool:
        if not self.sel.match(signal):
            return False
        state.append(signal.ts)
        return True

    def holds(self, state: deque[float], now: float) -> bool:
        _expire(state, now - self.window)
        return len(state) >= self.min

    def explain(self, state: deque[float], now: float) -> Description:
        return {
            "kind": "count",
            **self.sel.explain(),
            "n": len(state),
            "window": self.window,
            "min": self.min,
        }

    def idle(self, state: deque[float], now: float) -> bool:
        _expire(state, now - self.window)
        return not state

    def dump(self, state: deque[float]) -> Any:
        return list(state)

    def load(self, data: Any) -> deque[float]:
        return _floats(data)


@dataclass(slots=True)
class _RatioState:
    num: deque[float] = field(default_factory=deque)
    den: deque[float] = field(default_factory=deque)


class Ratio:
    """Matching signals are at least min_ratio of the `of` signals in the window."""

    def __init__(self, c: cfg.RatioCondition) -> None:
        self.num_sel = Selector.of(c.signal, c.category)
        self.den_sel = Selector.of(c.of)
        self.kinds = self.num_sel.kinds | self.den_sel.kinds
        self.min_ratio, self.min_total, self.window = c.min_ratio, c.min_total, c.window

    def new_state(self) -> _RatioState:
        return _RatioState()

    def update(self, state: _RatioState, signal: Signal) -> bool:
        hit = False
        if self.num_sel.match(signal):
            state.num.append(signal.ts)
            hit = True
        if self.den_sel.match(signal):
            state.den.append(signal.ts)
            hit = True
        return hit

    def holds(self, state: _RatioState, now: float) -> bool:
        _expire(state.num, now - self.window)
        _expire(state.den, now - self.window)
        total = len(state.den)
        return total >= self.min_total and len(state.num) >= self.min_ratio * total

    def explain(self, state: _RatioState, now: float) -> Description:
        total = len(state.den)
        return {
            "kind": "ratio",
            **self.num_sel.explain(),
            "of": self.den_sel.kind,
            "n": len(state.num),
            "total": total,
            "pct": _pct(len(state.num), total),
            "window": self.window,
            "min_pct": _pct(self.min_ratio, 1.0),
        }

    def idle(self, state: _RatioState, now: float) -> bool:
        self.holds(state, now)
        return not state.num and not state.den

    def dump(self, state: _RatioState) -> Any:
        return [list(state.num), list(state.den)]

    def load(self, data: Any) -> _RatioState:
        num, den = data
        return _RatioState(_floats(num), _floats(den))


@dataclass(slots=True)
class _RateState:
    times: deque[float] = field(default_factory=deque)
    baseline: float = 0.0
    total: int = 0
    first: float | None = None
    folded: float | None = None


class Rate:
    """The windowed rate reaches `factor` x the room's own baseline (an EWMA of its rate)."""

    def __init__(self, c: cfg.RateCondition) -> None:
        self.sel = Selector.of(c.signal, c.category)
        self.kinds = self.sel.kinds
        self.c = c

    def new_state(self) -> _RateState:
        return _RateState()

    def update(self, state: _RateState, signal: Signal) -> bool:
        if not self.sel.match(signal):
            return False
        if state.first is None:
            state.first = state.folded = signal.ts
        state.times.append(signal.ts)
        state.total += 1
        self._fold(state, signal.ts)
        return True

    def _rate(self, state: _RateState, now: float) -> float:
        _expire(state.times, now - self.c.window)
        return len(state.times) / self.c.window

    def _fold(self, state: _RateState, now: float) -> None:
        # Fold the current rate into the baseline unless it looks like a storm building,
        # so a storm never becomes the new normal; the weight follows the elapsed time.
        if state.folded is None or state.first is None or now <= state.folded:
            return
        if not self._warm(state, now):
            # Warm-up: the plain mean rate so far is the first baseline.
            state.baseline = state.total / max(now - state.first, self.c.window)
            state.folded = now
            return
        rate = self._rate(state, now)
        base = max(state.baseline, self.c.min_baseline)
        if rate >= math.sqrt(self.c.factor) * base:
            return  # well above normal already: likely the start of a storm, not the norm
        weight = 1.0 - math.pow(0.5, (now - state.folded) / self.c.baseline_half_life)
        state.baseline += (rate - state.baseline) * weight
        state.folded = now

    def _warm(self, state: _RateState, now: float) -> bool:
        return state.first is not None and now - state.first >= self.c.warmup

    def holds(self, state: _RateState, now: float) -> bool:
        self._fold(state, now)
        if not self._warm(state, now) or len(state.times) < self.c.min_count:
            return False
        base = max(state.baseline, self.c.min_baseline)
        return self._rate(state, now) >= self.c.factor * base

    def explain(self, state: _RateState, now: float) -> Description:
        rate = self._rate(state, now)
        base = max(state.baseline, self.c.min_baseline)
        return {
            "kind": "rate",
            **self.sel.explain(),
            "rate": round(rate, 2),
            "baseline": round(base, 2),
            "factor": round(rate / base, 1),
            "min_factor": self.c.factor,
        }

    def idle(self, state: _RateState, now: float) -> bool:
        return False  # the baseline is the room's memory; keep it

    def dump(self, state: _RateState) -> Any:
        return [list(state.times), state.baseline, state.total, state.first, state.folded]

    def load(self, data: Any) -> _RateState:
        times, baseline, total, first, folded = data
        return _RateState(_floats(times), float(baseline), int(total), _opt(first), _opt(folded))
