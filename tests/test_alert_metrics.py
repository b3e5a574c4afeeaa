"""The alert metrics listener keeps gauges, counters and histograms in step with alerts."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from prometheus_client import CollectorRegistry

from alerts.clock import ManualClock
from alerts.manager import AlertManager
from alerts.metrics import AlertMetrics
from alerts.model import CommentAction, Signal, SignalKind
from alerts.plans import Plan, PlanTrigger
from alerts.store.memory import MemoryStore
from config.plans import PlanConfig

PLAN = Plan.from_config(
    PlanConfig.model_validate(
        {
            "id": "sensitive_burst",
            "name": "敏感评论集中出现",
            "when": {"type": "count", "signal": "sensitive", "min": 1, "window": 60},
        }
    )
)


def _value(registry: CollectorRegistry, name: str, **labels: str) -> float:
    value = registry.get_sample_value(name, labels)
    return 0.0 if value is None else value


def _trigger(room: str, ts: float, event_id: str) -> PlanTrigger:
    signal = Signal(room, ts, SignalKind.SENSITIVE, category="fraud", event_id=event_id, text="x")
    return PlanTrigger(PLAN, room, "", True, ts, "burst", (signal,))


async def test_open_gauge_and_transitions_follow_the_alert() -> None:
    registry = CollectorRegistry()
    metrics = AlertMetrics(registry)
    clock = ManualClock(1_000.0)
    manager = AlertManager(MemoryStore(), clock, [PLAN])
    manager.subscribe(metrics.on_alert_change)
    key = {"room": "room-a", "plan": "sensitive_burst", "severity": "warning"}

    alert = await manager.handle(_trigger("room-a", 1_000.0, "e1"))
    assert alert is not None
    await manager.handle(_trigger("room-a", 1_001.0, "e2"))  # grouped: no new open alert
    assert _value(registry, "roomwatch_alerts_open", state="firing", **key) == 1
    clock.advance(30)
    await manager.acknowledge(alert.id, "demo")
    assert _value(registry, "roomwatch_alerts_open", state="firing", **key) == 0
    assert _value(registry, "roomwatch_alerts_open", state="acknowledged", **key) == 1
    assert metrics.open_by_room(["room-a", "room-b"]) == {"room-a": {"warning": 1}, "room-b": {}}
    clock.advance(15)
    await manager.handle_comment(alert.id, "e1", CommentAction.DELETED, "demo")
    clock.advance(45)
    await manager.resolve(alert.id, "stranger")
    assert _value(registry, "roomwatch_alerts_open", state="acknowledged", **key) == 0

    assert metrics.open_by_room(["room-a"]) == {"room-a": {}}

    for action in ("created", "acknowledged", "resolved"):
        labels = {"room": "room-a", "plan": "sensitive_burst", "action": action}
        assert _value(registry, "roomwatch_alert_transitions_total", **labels) == 1
    grouped = {"room": "room-a", "plan": "sensitive_burst", "action": "grouped"}
    assert _value(registry, "roomwatch_alert_transitions_total", **grouped) == 0


async def test_sync_counts_alerts_that_survived_a_restart() -> None:
    store = MemoryStore()
    clock = ManualClock(1_000.0)
    first = AlertManager(store, clock, [PLAN])
    a = await first.handle(_trigger("room-a", 1_000.0, "e1"))
    await first.handle(_trigger("room-b", 1_000.0, "e2"))
    assert a is not None
    await first.acknowledge(a.id, "demo")

    registry = CollectorRegistry()
    metrics = AlertMetrics(registry)
    await metrics.sync(store)
    base = {"plan": "sensitive_burst", "severity": "warning"}
    assert _value(registry, "roomwatch_alerts_open", room="room-a", state="acknowledged", **base)
    assert _value(registry, "roomwatch_alerts_open", room="room-b", state="firing", **base) == 1
    # The rooms overview reads the same counts.
    assert metrics.open_by_room(["room-a", "room-b", "room-c"]) == {
        "room-a": {"warning": 1},
        "room-b": {"warning": 1},
        "room-c": {},
    }

    # The first escalation level exists at zero, so increase() sees the first step.
    labels = {"room": "room-a", "plan": "sensitive_burst", "level": "1"}
    assert registry.get_sample_value("roomwatch_escalations_total", labels) == 0


def test_notifier_series_exist_at_zero() -> None:
    registry = CollectorRegistry()
    metrics = AlertMetrics(registry)
    metrics.init_notifiers(["ops-webhook"])
    for reason in ("first_fire", "escalation", "repeat", "resolved"):
        labels = {"notifier": "ops-webhook", "reason": reason}
        assert registry.get_sample_value("roomwatch_notifications_total", labels) == 0
    failures = {"notifier": "ops-webhook"}
    assert registry.get_sample_value("roomwatch_notification_failures_total", failures) == 0


async def test_response_series_exist_at_zero_for_the_rooms_controllers() -> None:
    registry = CollectorRegistry()
    metrics = AlertMetrics(registry, controllers_by_room={"room-a": ["li"], "room-c": ["wang"]})
    manager = AlertManager(MemoryStore(), ManualClock(1_000.0), [PLAN])
    manager.subscribe(metrics.on_alert_change)
    await manager.handle(_trigger("room-a", 1_000.0, "e1"))
    await manager.handle(_trigger("room-b", 1_000.0, "e2"))
    for name in (
        "roomwatch_time_to_acknowledge_seconds_count",
        "roomwatch_time_to_resolve_seconds_count",
        "roomwatch_time_to_handle_comment_seconds_count",
    ):
        assert registry.get_sample_value(name, {"controller": "li"}) == 0
        # wang's room has had no alert yet
        assert registry.get_sample_value(name, {"controller": "wang"}) is None
    room = "roomwatch_room_time_to_acknowledge_seconds_count"
    assert registry.get_sample_value(room, {"room": "room-a"}) == 0
    assert registry.get_sample_value(room, {"room": "room-b"}) == 0
    assert registry.get_sample_value(room, {"room": "room-c"}) is None


async def test_full_detail_series_exist_at_zero_by_room_plan_and_controller() -> None:
    registry = CollectorRegistry()
    metrics = AlertMetrics(registry, controllers_by_room={"room-a": ["li", "wang"]}, detail="full")
    manager = AlertManager(MemoryStore(), ManualClock(1_000.0), [PLAN])
    manager.subscribe(metrics.on_alert_change)
    await manager.handle(_trigger("room-a", 1_000.0, "e1"))
    await manager.handle(_trigger("room-b", 1_000.0, "e2"))
    for controller in ("li", "wang"):
        ack = {"room": "room-a", "plan": "sensitive_burst", "controller": controller}
        assert _value(registry, "roomwatch_time_to_acknowledge_seconds_count", **ack) == 0
        assert registry.get_sample_value("roomwatch_time_to_resolve_seconds_count", ack) == 0
        handle = {"room": "room-a", "category": "fraud", "controller": controller}
        assert (
            registry.get_sample_value("roomwatch_time_to_handle_comment_seconds_count", handle) == 0
        )
    other = {"room": "room-b", "plan": "sensitive_burst", "controller": "li"}
    assert registry.get_sample_value("roomwatch_time_to_acknowledge_seconds_count", other) is None


async def test_resync_follows_changes_made_by_another_instance() -> None:
    store = MemoryStore()  # stands for the Redis both instances share
    clock = ManualClock(1_000.0)
    other = AlertManager(store, clock, [PLAN])  # another instance: no listener here
    registry = CollectorRegistry()
    metrics = AlertMetrics(registry)
    task = asyncio.create_task(metrics.resync_forever(store, interval=0.01))
    key = {"room": "room-a", "plan": "sensitive_burst", "severity": "warning"}
    try:
        alert = await other.handle(_trigger("room-a", 1_000.0, "e1"))
        assert alert is not None
        await _until(lambda: _value(registry, "roomwatch_alerts_open", state="firing", **key) == 1)
        await other.acknowledge(alert.id, "demo")
        await _until(
            lambda: _value(registry, "roomwatch_alerts_open", state="acknowledged", **key) == 1
        )
        assert registry.get_sample_value("roomwatch_alerts_open", {"state": "firing", **key}) == 0
        await other.resolve(alert.id, "demo")
        await _until(
            lambda: _value(registry, "roomwatch_alerts_open", state="acknowledged", **key) == 0
        )
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _until(check: Callable[[], bool]) -> None:
    for _ in range(500):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the gauge never caught up with the store")
