"""Emergency plans: conditions over sliding windows per room.

The engine is fed signals and ticked by the clock; it says when a plan's condition
starts or stops holding for a room (and group key). It never touches alert state.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from alerts.model import Severity, Signal, SignalKind
from config.plans import PlanConfig


@dataclass(frozen=True, slots=True)
class Plan:
    """A compiled emergency plan."""

    id: str
    name: str
    severity: Severity
    steps: tuple[str, ...]
    ack_deadline: float
    resolve_hold: float
    signal: SignalKind
    category: str
    min_count: int
    window: float

    @classmethod
    def from_config(cls, cfg: PlanConfig) -> Plan:
        return cls(
            id=cfg.id,
            name=cfg.name,
            severity=Severity(cfg.severity),
            steps=tuple(cfg.steps),
            ack_deadline=cfg.ack_deadline,
            resolve_hold=cfg.resolve_hold,
            signal=SignalKind(cfg.count.signal),
            category=cfg.count.category,
            min_count=cfg.count.min,
            window=cfg.count.window,
        )

    def matches(self, signal: Signal) -> bool:
        return signal.kind is self.signal and (
            not self.category or signal.category == self.category
        )


@dataclass(frozen=True, slots=True)
class PlanTrigger:
    """A plan's condition for a room started (firing=True) or stopped holding."""

    plan: Plan
    room: str
    group_key: str
    firing: bool
    ts: float
    summary: str
    signals: tuple[Signal, ...] = ()


@dataclass(slots=True)
class _Window:
    times: deque[float] = field(default_factory=deque)
    firing: bool = False


class PlanEngine:
    """Evaluate every plan for every room; report condition changes."""

    def __init__(self, plans: list[Plan]) -> None:
        self.plans = plans
        self._windows: dict[tuple[str, str], _Window] = {}

    def observe(self, signal: Signal) -> list[PlanTrigger]:
        out: list[PlanTrigger] = []
        for plan in self.plans:
            if not plan.matches(signal):
                continue
            w = self._windows.setdefault((plan.id, signal.room), _Window())
            w.times.append(signal.ts)
            self._expire(w, plan, signal.ts)
            holding = len(w.times) >= plan.min_count
            flagged = (
                (signal,) if signal.kind in (SignalKind.SENSITIVE, SignalKind.NEGATIVE) else ()
            )
            if holding and not w.firing:
                w.firing = True
                summary = f"{plan.name}: {len(w.times)} in {plan.window:g}s"
                out.append(PlanTrigger(plan, signal.room, "", True, signal.ts, summary, flagged))
            elif w.firing and flagged:
                out.append(PlanTrigger(plan, signal.room, "", True, signal.ts, "", flagged))
        return out

    def tick(self, now: float) -> list[PlanTrigger]:
        out: list[PlanTrigger] = []
        by_id = {p.id: p for p in self.plans}
        for (plan_id, room), w in self._windows.items():
            plan = by_id[plan_id]
            self._expire(w, plan, now)
            if w.firing and len(w.times) < plan.min_count:
                w.firing = False
                out.append(PlanTrigger(plan, room, "", False, now, f"{plan.name}: clear"))
        return out

    @staticmethod
    def _expire(w: _Window, plan: Plan, now: float) -> None:
        while w.times and w.times[0] <= now - plan.window:
            w.times.popleft()
