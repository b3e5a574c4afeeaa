"""Compiled plan conditions: per-key state over sliding windows, O(1) amortised per signal.

Each condition keeps its own small state object per (room, group key). `update` folds one
signal in; `holds` answers at a time (expiring old entries first); both touch each stored
entry at most twice over its life, so the cost per signal is constant amortised.
"""

from __future__ import annotations

import math
import operator
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from alerts.model import DERIVED_SOURCE, Signal, SignalKind
from alerts.summary import Description
from config import plans as cfg

OBSERVATIONS = frozenset(
    {SignalKind.COMMENT, SignalKind.METRIC, SignalKind.STREAM, SignalKind.ACTIVITY}
)
_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


class Condition(Protocol):
    """A compiled condition: which signals it reads and whether it holds for one key."""

    kinds: frozenset[SignalKind]

    def new_state(self) -> Any: ...
    def update(self, state: Any, signal: Signal) -> bool: ...
    def holds(self, state: Any, now: float) -> bool: ...
    def explain(self, state: Any, now: float) -> Description: ...
    def idle(self, state: Any, now: float) -> bool: ...
    def dump(self, state: Any) -> Any: ...
    def load(self, data: Any) -> Any: ...


@dataclass(frozen=True, slots=True)
class Selector:
    """Which signals a leaf reads: a kind ('any' = every observation) and categories."""

    kind: str
    categories: frozenset[str]
    # Derived once: match() runs for every signal of every plan that reads its kind.
    _kinds: frozenset[SignalKind] = field(init=False, repr=False, compare=False)
    _categories: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        any_kind = self.kind == "any"
        kinds = OBSERVATIONS if any_kind else frozenset({SignalKind(self.kind)})
        object.__setattr__(self, "_kinds", kinds)
        object.__setattr__(self, "_categories", frozenset() if any_kind else self.categories)

    @classmethod
    def of(cls, kind: str, category: str | list[str] = "") -> Selector:
        cats = [category] if isinstance(category, str) else category
        return cls(kind, frozenset(c for c in cats if c))

    @property
    def kinds(self) -> frozenset[SignalKind]:
        return self._kinds

    def explain(self) -> Description:
        """Return what the selector reads, as a description's `signal` and `categories`."""
        d: Description = {"signal": self.kind}
        if self._categories:
            d["categories"] = sorted(self._categories)
        return d

    def match(self, s: Signal) -> bool:
        return s.kind in self._kinds and (not self._categories or s.category in self._categories)


def _floats(data: Any) -> deque[float]:
    if not isinstance(data, list):
        raise ValueError(f"expected a list of times, got {type(data).__name__}")
    return deque(float(x) for x in data)


def _opt(data: Any) -> float | None:
    return None if data is None else float(data)


def _pct(part: float, whole: float) -> int:
    """Return a share in whole percent, rounded half up (as the console's renderer would)."""
    return math.floor(100.0 * part / whole + 0.5) if whole else 0


def _whole(seconds: float) -> int:
    return math.floor(seconds + 0.5)


def _expire(times: deque[float], cutoff: float) -> None:
    while times and times[0] <= cutoff:
        times.popleft()


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


@dataclass(slots=True)
class _DropState:
    peaks: deque[tuple[float, float]] = field(default_factory=deque)
    last: float | None = None


class Drop:
    """A metric fell by `fraction` from its peak within the window (sliding max)."""

    def __init__(self, c: cfg.DropCondition) -> None:
        self.kinds = frozenset({SignalKind.METRIC})
        self.c = c

    def new_state(self) -> _DropState:
        return _DropState()

    def update(self, state: _DropState, signal: Signal) -> bool:
        if signal.kind is not SignalKind.METRIC or signal.name != self.c.metric:
            return False
        # Monotonic deque: the front is the window's maximum.
        while state.peaks and state.peaks[-1][1] <= signal.value:
            state.peaks.pop()
        state.peaks.append((signal.ts, signal.value))
        state.last = signal.value
        return True

    def _peak(self, state: _DropState, now: float) -> float | None:
        while len(state.peaks) > 1 and state.peaks[0][0] <= now - self.c.window:
            state.peaks.popleft()
        return state.peaks[0][1] if state.peaks else None

    def holds(self, state: _DropState, now: float) -> bool:
        peak = self._peak(state, now)
        if peak is None or state.last is None or peak < self.c.min_value or peak <= 0:
            return False
        return state.last <= peak * (1.0 - self.c.fraction)

    def explain(self, state: _DropState, now: float) -> Description:
        peak = self._peak(state, now) or 0.0
        last = state.last or 0.0
        return {
            "kind": "drop",
            "metric": self.c.metric,
            "peak": round(peak, 2),
            "last": round(last, 2),
            "pct": _pct(peak - last, peak),
            "window": self.c.window,
        }

    def idle(self, state: _DropState, now: float) -> bool:
        return False

    def dump(self, state: _DropState) -> Any:
        return [[list(p) for p in state.peaks], state.last]

    def load(self, data: Any) -> _DropState:
        peaks, last = data
        return _DropState(deque((float(t), float(v)) for t, v in peaks), _opt(last))


@dataclass(slots=True)
class _ThresholdState:
    value: float | None = None
    since: float | None = None


class Threshold:
    """A metric or the stream state compares to a value, continuously for `for` seconds."""

    def __init__(self, c: cfg.ThresholdCondition) -> None:
        self.kinds = frozenset({SignalKind(c.signal)})
        self.c = c
        self.op = _OPS[c.op]

    def new_state(self) -> _ThresholdState:
        return _ThresholdState()

    def update(self, state: _ThresholdState, signal: Signal) -> bool:
        if signal.kind.value != self.c.signal:
            return False
        if self.c.signal == "metric" and signal.name != self.c.metric:
            return False
        state.value = signal.value
        if self.op(signal.value, self.c.value):
            if state.since is None:
                state.since = signal.ts
        else:
            state.since = None
        return True

    def holds(self, state: _ThresholdState, now: float) -> bool:
        return state.since is not None and now - state.since >= self.c.for_

    def explain(self, state: _ThresholdState, now: float) -> Description:
        held = now - state.since if state.since is not None else 0.0
        return {
            "kind": "threshold",
            "signal": self.c.signal,
            "metric": self.c.metric,
            "value": None if state.value is None else round(state.value, 2),
            "op": self.c.op,
            "threshold": self.c.value,
            "for": _whole(held),
        }

    def idle(self, state: _ThresholdState, now: float) -> bool:
        return False

    def dump(self, state: _ThresholdState) -> Any:
        return [state.value, state.since]

    def load(self, data: Any) -> _ThresholdState:
        value, since = data
        return _ThresholdState(_opt(value), _opt(since))


@dataclass(slots=True)
class _AbsenceState:
    last: float | None = None
    ended: bool = False  # the stream was reported ended (while_live conditions)


class Absence:
    """No matching signal for `for` seconds since the last one (or since start)."""

    def __init__(self, c: cfg.AbsenceCondition) -> None:
        self.sel = Selector.of(c.signal)
        # while_live also follows the stream state, whatever signal it waits for.
        self.kinds = self.sel.kinds | ({SignalKind.STREAM} if c.while_live else frozenset())
        self.c = c

    def new_state(self) -> _AbsenceState:
        return _AbsenceState()

    def update(self, state: _AbsenceState, signal: Signal) -> bool:
        if signal.source == DERIVED_SOURCE:
            return False
        seen = False
        if self.c.while_live and signal.kind is SignalKind.STREAM:
            ended = signal.name == "ended"
            if state.ended and not ended:
                state.last = signal.ts  # live again: the silence counts from now
            seen, state.ended = state.ended != ended, ended
        if not self.sel.match(signal):
            return seen
        state.last = signal.ts if state.last is None else max(state.last, signal.ts)
        return True

    def holds(self, state: _AbsenceState, now: float) -> bool:
        if state.ended:
            return False
        return state.last is not None and now - state.last >= self.c.for_

    def explain(self, state: _AbsenceState, now: float) -> Description:
        quiet = now - state.last if state.last is not None else 0.0
        return {
            "kind": "absence",
            "signal": self.sel.kind,
            "for": _whole(quiet),
            "min": self.c.for_,
        }

    def idle(self, state: _AbsenceState, now: float) -> bool:
        return False

    def dump(self, state: _AbsenceState) -> Any:
        return [state.last, True] if state.ended else state.last

    def load(self, data: Any) -> _AbsenceState:
        if isinstance(data, list):
            return _AbsenceState(_opt(data[0]), bool(data[1]))
        return _AbsenceState(_opt(data))

    def start(self, state: _AbsenceState, now: float) -> None:
        """Start the silence clock for a room that has not spoken yet."""
        if state.last is None:
            state.last = now


class Combined:
    """all / any of sub-conditions; the state is the list of the children's states."""

    def __init__(self, children: list[Condition], require_all: bool) -> None:
        self.children = children
        self.require_all = require_all
        self.kinds = frozenset().union(*(c.kinds for c in children))

    def new_state(self) -> list[Any]:
        return [c.new_state() for c in self.children]

    def update(self, state: list[Any], signal: Signal) -> bool:
        hit = False
        for child, st in zip(self.children, state, strict=True):
            if signal.kind in child.kinds and child.update(st, signal):
                hit = True
        return hit

    def holds(self, state: list[Any], now: float) -> bool:
        results = [c.holds(st, now) for c, st in zip(self.children, state, strict=True)]
        return all(results) if self.require_all else any(results)

    def explain(self, state: list[Any], now: float) -> Description:
        parts = [
            c.explain(st, now)
            for c, st in zip(self.children, state, strict=True)
            if c.holds(st, now) or self.require_all
        ]
        return {"kind": "all" if self.require_all else "any", "of": parts}

    def idle(self, state: list[Any], now: float) -> bool:
        return all(c.idle(st, now) for c, st in zip(self.children, state, strict=True))

    def dump(self, state: list[Any]) -> Any:
        return [c.dump(st) for c, st in zip(self.children, state, strict=True)]

    def load(self, data: Any) -> list[Any]:
        if not isinstance(data, list) or len(data) != len(self.children):
            raise ValueError("the state does not match the condition's parts")
        return [c.load(d) for c, d in zip(self.children, data, strict=True)]

    def start(self, state: list[Any], now: float) -> None:
        for child, st in zip(self.children, state, strict=True):
            starter = getattr(child, "start", None)
            if starter is not None:
                starter(st, now)


def shape(c: Condition) -> str:
    """Return the structure of a condition (its kinds of parts): states load only into one alike."""
    children = getattr(c, "children", None)
    name = type(c).__name__.lower()
    if children is None:
        return name
    return f"{name}({','.join(shape(x) for x in children)})"


def compile_condition(c: cfg.Condition) -> Condition:
    """Turn a condition's config into its evaluator."""
    if isinstance(c, cfg.CountCondition):
        return Count(c)
    if isinstance(c, cfg.RatioCondition):
        return Ratio(c)
    if isinstance(c, cfg.RateCondition):
        return Rate(c)
    if isinstance(c, cfg.DropCondition):
        return Drop(c)
    if isinstance(c, cfg.ThresholdCondition):
        return Threshold(c)
    if isinstance(c, cfg.AbsenceCondition):
        return Absence(c)
    return Combined([compile_condition(x) for x in c.of], isinstance(c, cfg.AllCondition))
