"""Compiled plan conditions: per-key state over sliding windows, O(1) amortised per signal.

Each condition keeps its own small state object per (room, group key). `update` folds one
signal in; `holds` answers at a time (expiring old entries first); both touch each stored
entry at most twice over its life, so the cost per signal is constant amortised.
Counting conditions live in `counts`, conditions on a room's state over time in `levels`.
"""

from __future__ import annotations

from typing import Any

from alerts.conditions.base import OBSERVATIONS, Condition, Selector
from alerts.conditions.counts import Count, Rate, Ratio
from alerts.conditions.levels import Absence, Drop, Threshold
from alerts.model import Signal
from alerts.summary import Description
from config import plans as cfg

__all__ = [
    "OBSERVATIONS",
    "Absence",
    "Combined",
    "Condition",
    "Count",
    "Drop",
    "Rate",
    "Ratio",
    "Selector",
    "Threshold",
    "compile_condition",
    "shape",
]


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
