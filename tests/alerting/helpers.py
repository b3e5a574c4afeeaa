"""Shared builders for the alerting tests."""

from __future__ import annotations

from typing import Any

from alerts.model import Severity, Signal, SignalKind
from alerts.plans import Plan, PlanTrigger
from config.plans import PlanConfig


def make_plan(pid: str = "burst", **extra: Any) -> Plan:
    data: dict[str, Any] = {
        "id": pid,
        "name": "敏感评论集中出现",
        "when": {"type": "count", "signal": "sensitive", "min": 2, "window": 60},
        "ack_deadline": 10,
        "resolve": {"mode": "auto", "hold": 5},
        "cooldown": 3,
        "reopen_within": 20,
    }
    data.update(extra)
    return Plan.from_config(PlanConfig.model_validate(data))


def trigger(
    plan: Plan,
    ts: float,
    *,
    firing: bool = True,
    room: str = "r",
    group: str = "",
    ids: tuple[str, ...] = (),
) -> PlanTrigger:
    signals = tuple(
        Signal(
            room,
            ts,
            SignalKind.SENSITIVE,
            "fraud",
            Severity.WARNING,
            user="u",
            text="刷单",
            event_id=i,
        )
        for i in ids
    )
    return PlanTrigger(plan, room, group, firing, ts, "summary" if firing else "clear", signals)
