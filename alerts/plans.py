"""Emergency plans: conditions over sliding windows per room (and group key).

The engine is fed signals and ticked by the clock; it says when a plan's condition
starts or stops holding for a room and group key, and hands flagged comments to the
alert they belong to. It never touches alert state (alerts.manager does).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from alerts.conditions import Condition, compile_condition, shape
from alerts.model import Severity, Signal, SignalKind, evidence_from_dict, signal_to_dict
from alerts.summary import Description, render
from config.plans import Condition as ConditionConfig
from config.plans import PlanConfig, leaves

FLAGGED = frozenset({SignalKind.SENSITIVE, SignalKind.NEGATIVE})
# A new alert opens with the flagged comments that made its plan fire (the newest this many).
OPENING_COMMENTS = 50
SNAPSHOT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Plan:
    """A compiled emergency plan."""

    id: str
    name: str
    severity: Severity
    steps: tuple[str, ...]
    when: Condition
    group_by: str = "room"
    ack_deadline: float = 120.0
    resolve_deadline: float | None = None
    resolve_hold: float | None = 60.0  # None = manual resolve only
    cooldown: float = 30.0
    reopen_within: float = 120.0
    escalation: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    window: float = 0.0  # the longest window or duration any of its conditions looks back

    @classmethod
    def from_config(cls, c: PlanConfig) -> Plan:
        return cls(
            id=c.id,
            name=c.name,
            severity=Severity(c.severity),
            steps=tuple(c.steps),
            when=compile_condition(c.when),
            group_by=c.group_by,
            ack_deadline=c.ack_deadline,
            resolve_deadline=c.resolve_deadline,
            resolve_hold=c.resolve.hold if c.resolve.mode == "auto" else None,
            cooldown=c.cooldown,
            reopen_within=c.reopen_within,
            escalation=c.escalation,
            labels=dict(c.labels),
            window=max(_span(leaf) for leaf in leaves(c.when)),
        )

    def group_of(self, signal: Signal) -> str | None:
        """Return the group key of a signal for this plan (None: the signal has none)."""
        if self.group_by == "user":
            return signal.user or None
        return ""


def _span(c: ConditionConfig) -> float:
    window = getattr(c, "window", None)
    return float(window if window is not None else getattr(c, "for_", 0.0))


def _signal(d: dict[str, Any]) -> Signal:
    """Rebuild a flagged signal from a window snapshot (alerts.model.signal_to_dict)."""
    return Signal(
        room=str(d["room"]),
        ts=float(d["ts"]),
        kind=SignalKind(d["kind"]),
        category=str(d["category"]),
        severity=Severity(d["severity"]),
        name=str(d["name"]),
        value=float(d["value"]),
        user=str(d["user"]),
        text=str(d["text"]),
        event_id=str(d["event_id"]),
        source=str(d["source"]),
        score=float(d["score"]),
        evidence=tuple(evidence_from_dict(e) for e in d["evidence"]),
    )


@dataclass(frozen=True, slots=True)
class PlanTrigger:
    """A plan's condition for a room started (firing=True) or stopped holding.

    `refresh` marks a repeat of a condition that still holds (sent on ticks so the
    manager can reopen after a cooldown); `signals` are flagged comments to group.
    A firing trigger's `summary` is `summary_data` rendered in Chinese (alerts.summary).
    """

    plan: Plan
    room: str
    group_key: str
    firing: bool
    ts: float
    summary: str
    signals: tuple[Signal, ...] = ()
    refresh: bool = False
    summary_data: Description = field(default_factory=dict)


@dataclass(slots=True)
class _KeyState:
    cond: Any
    firing: bool = False
    recent: deque[Signal] | None = None  # flagged signals seen while not firing


class PlanEngine:
    """Evaluate every plan for every room and group key; report condition changes."""

    def __init__(self, plans: list[Plan], rooms: Iterable[str] = ()) -> None:
        self.plans = plans
        self._rooms = list(rooms)
        self._by_kind: dict[SignalKind, list[Plan]] = {k: [] for k in SignalKind}
        for plan in plans:
            for kind in plan.when.kinds:
                self._by_kind[kind].append(plan)
        self._states: dict[tuple[str, str, str], _KeyState] = {}
        self._clocked: set[str] = set()  # rooms whose absence clocks have been started

    def _state(self, plan: Plan, room: str, group: str) -> _KeyState:
        key = (plan.id, room, group)
        st = self._states.get(key)
        if st is None:
            st = self._states[key] = _KeyState(plan.when.new_state())
        return st

    def observe(self, signal: Signal) -> list[PlanTrigger]:
        """Fold one signal into the windows of the plans that read it."""
        out: list[PlanTrigger] = []
        this_flag = (signal,) if signal.kind in FLAGGED else ()
        for plan in self._by_kind[signal.kind]:
            group = plan.group_of(signal)
            if group is None:
                continue
            st = self._states.get((plan.id, signal.room, group)) or self._state(
                plan, signal.room, group
            )
            if not plan.when.update(st.cond, signal):
                continue
            holding = plan.when.holds(st.cond, signal.ts)
            flagged = this_flag
            if holding and not st.firing:
                st.firing = True
                summary, data = self._summary(plan, st, signal.ts)
                if st.recent:
                    # The comments that counted towards firing belong to the alert too.
                    since = signal.ts - plan.window
                    flagged = (*(s for s in st.recent if s.ts >= since), *flagged)
                    st.recent = None
                out.append(
                    PlanTrigger(
                        plan, signal.room, group, True, signal.ts, summary, flagged, False, data
                    )
                )
            elif holding and flagged:
                out.append(PlanTrigger(plan, signal.room, group, True, signal.ts, "", flagged))
            elif not holding and st.firing:
                st.firing = False
                out.append(self._clear(plan, signal.room, group, signal.ts))
            if flagged and not st.firing:
                if st.recent is None:
                    st.recent = deque(maxlen=OPENING_COMMENTS)
                st.recent.append(signal)
        return out

    def tick(self, now: float, rooms: Collection[str] | None = None) -> list[PlanTrigger]:
        """Evaluate time-based changes: windows expiring, durations reached, absences.

        `rooms` limits the work to the rooms this instance processes (cluster mode: the
        rooms it leases); a room's absence clocks start at the first tick that includes it.
        """
        fresh = [r for r in (self._rooms if rooms is None else rooms) if r not in self._clocked]
        if fresh:
            self._clocked.update(fresh)
            self._start_absence_clocks(fresh, now)
        out: list[PlanTrigger] = []
        by_id = {p.id: p for p in self.plans}
        dead: list[tuple[str, str, str]] = []
        for key, st in self._states.items():
            if rooms is not None and key[1] not in rooms:
                continue
            plan = by_id[key[0]]
            holding = plan.when.holds(st.cond, now)
            if holding and not st.firing:
                st.firing = True
                summary, data = self._summary(plan, st, now)
                out.append(PlanTrigger(plan, key[1], key[2], True, now, summary, summary_data=data))
            elif holding:
                out.append(PlanTrigger(plan, key[1], key[2], True, now, "", refresh=True))
            elif st.firing:
                st.firing = False
                out.append(self._clear(plan, key[1], key[2], now))
            elif key[2] and plan.when.idle(st.cond, now):
                dead.append(key)  # per-user windows are dropped once empty
        for key in dead:
            del self._states[key]
        return out

    def _start_absence_clocks(self, rooms: list[str], now: float) -> None:
        for plan in self.plans:
            starter = getattr(plan.when, "start", None)
            if starter is None or plan.group_by != "room":
                continue
            for room in rooms:
                starter(self._state(plan, room, "").cond, now)

    def forget(self, room: str) -> None:
        """Drop every window of a room (it is processed elsewhere now, or starts afresh)."""
        for key in [k for k in self._states if k[1] == room]:
            del self._states[key]
        self._clocked.discard(room)

    def rooms(self) -> frozenset[str]:
        """Return the rooms that have windows kept."""
        return frozenset(k[1] for k in self._states)

    def export(self, room: str) -> bytes:
        """Return a room's windows as JSON, for the instance that processes the room next."""
        by_id = {p.id: p for p in self.plans}
        keys: list[list[Any]] = []
        for (plan_id, r, group), st in self._states.items():
            plan = by_id.get(plan_id)
            if r == room and plan is not None:
                state = plan.when.dump(st.cond)
                recent = [signal_to_dict(x) for x in st.recent] if st.recent else None
                keys.append([plan_id, group, shape(plan.when), st.firing, state, recent])
        return orjson.dumps({"v": SNAPSHOT_VERSION, "room": room, "keys": keys})

    def restore(self, room: str, data: bytes) -> int:
        """Replace a room's windows with an export of them; return how many were taken.

        A window whose plan is gone or whose condition changed shape is left out (it
        starts empty); a snapshot that cannot be read at all raises ValueError.
        """
        try:
            doc = orjson.loads(data)
            if doc["v"] != SNAPSHOT_VERSION or doc["room"] != room:
                raise ValueError(f"a snapshot of {doc['room']!r}, version {doc['v']}")
            keys = list(doc["keys"])
        except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"unreadable window snapshot: {exc}") from None
        self.forget(room)
        by_id = {p.id: p for p in self.plans}
        taken = 0
        for item in keys:
            try:
                plan_id, group, form, firing, state, recent = item
                plan = by_id.get(plan_id)
                if plan is None or form != shape(plan.when):
                    continue
                cond = plan.when.load(state)
                opening = (
                    deque((_signal(d) for d in recent), maxlen=OPENING_COMMENTS) if recent else None
                )
            except (TypeError, ValueError, KeyError):
                continue
            self._states[(plan.id, room, str(group))] = _KeyState(cond, bool(firing), opening)
            taken += 1
        return taken

    def holding(self, plan_id: str, room: str, group_key: str = "") -> bool:
        """Return whether a plan's condition currently holds for a room and group key."""
        st = self._states.get((plan_id, room, group_key))
        return st is not None and st.firing

    def keys(self) -> int:
        """Return how many (plan, room, group) windows are kept."""
        return len(self._states)

    @staticmethod
    def _summary(plan: Plan, st: _KeyState, now: float) -> tuple[str, Description]:
        data = plan.when.explain(st.cond, now)
        return f"{plan.name}：{render(data)}", data

    @staticmethod
    def _clear(plan: Plan, room: str, group: str, now: float) -> PlanTrigger:
        return PlanTrigger(plan, room, group, False, now, f"{plan.name}：条件已解除")
