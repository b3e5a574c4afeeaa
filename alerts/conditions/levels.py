"""Conditions on a room's state over time: a metric's drop, a threshold held, a silence."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from alerts.conditions.base import _OPS, Selector, _opt, _pct, _whole
from alerts.model import DERIVED_SOURCE, Signal, SignalKind
from alerts.summary import Description
from config import plans as cfg


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
