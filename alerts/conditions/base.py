"""What every plan condition shares: the Condition protocol, signal selectors, helpers."""

from __future__ import annotations

import math
import operator
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from alerts.model import Signal, SignalKind
from alerts.summary import Description

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
