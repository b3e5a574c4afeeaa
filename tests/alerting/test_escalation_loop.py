"""The escalation loop: a check at start, on every tick, and when a change wakes it."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from alerts.clock import ManualClock
from alerts.escalation import Escalator, Router
from alerts.manager import AlertManager
from alerts.metrics import AlertMetrics
from alerts.model import Alert
from alerts.notify.dispatch import Dispatcher
from alerts.store.base import StoreError
from alerts.store.memory import MemoryStore
from config.notify import EscalationConfig
from tests.alerting.helpers import make_plan, trigger
from tests.alerting.test_escalation import LADDERS
from tests.support import wait_for

BURST = make_plan()  # the standard ladder: level 1 at the ack deadline (10 s), level 2 30 s on
CRIT = make_plan("crit", severity="critical", labels={"team": "tech"})  # told at once


class Watched(MemoryStore):
    """A memory store that counts the listings of open alerts (one a check) and can fail them."""

    def __init__(self) -> None:
        super().__init__()
        self.listings = 0
        self.failures = 0

    async def list_alerts(self, **kwargs: Any) -> list[Alert]:
        self.listings += 1
        if self.failures:
            self.failures -= 1
            raise StoreError("injected: the store is away")
        return await super().list_alerts(**kwargs)


def wired(
    store: MemoryStore, clock: ManualClock, interval: float
) -> tuple[AlertManager, Escalator]:
    """Return a manager and an escalator listening to its changes, as the service wires them."""
    manager = AlertManager(store, clock, [BURST, CRIT])
    metrics = AlertMetrics(CollectorRegistry())
    dispatcher = Dispatcher([], store, metrics, clock)
    router = Router(EscalationConfig.model_validate(LADDERS))
    escalator = Escalator(store, manager, dispatcher, router, clock, metrics, interval=interval)
    manager.subscribe(escalator.on_alert_change)
    return manager, escalator


@asynccontextmanager
async def looping(escalator: Escalator) -> AsyncIterator[None]:
    task = asyncio.create_task(escalator.run())
    try:
        yield
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task  # stopped by its cancel, not by an error of its own


async def escalated(store: Watched, alert_id: str) -> list[tuple[str, object]]:
    """Return the escalation steps noted in an alert's history: (code, level)."""
    alert = await store.get_alert(alert_id)
    assert alert is not None
    return [(h.code, h.args["level"]) for h in alert.history if h.action == "escalated"]


async def noted(store: Watched, alert_id: str, count: int) -> bool:
    return len(await escalated(store, alert_id)) >= count


async def test_the_loop_checks_at_start() -> None:
    clock = ManualClock()
    store = Watched()
    manager, escalator = wired(store, clock, interval=3600.0)  # no tick during the test
    late = await manager.handle(trigger(BURST, clock.now()))
    assert late is not None
    clock.advance(10)  # its level 1 fell due before the service started
    async with looping(escalator):
        await wait_for(lambda: noted(store, late.id, 1), what="level 1 taken at start")
    assert await escalated(store, late.id) == [("not_acked", 1)]


async def test_a_new_alert_wakes_the_loop_every_time() -> None:
    clock = ManualClock()
    store = Watched()
    manager, escalator = wired(store, clock, interval=3600.0)  # no tick during the test
    async with looping(escalator):
        await wait_for(lambda: store.listings >= 1, what="the check at start")  # took nothing
        for group in "ab":  # a critical alert is told at once: the loop must not wait a tick
            crit = await manager.handle(trigger(CRIT, clock.now(), group=group))
            assert crit is not None
            told = functools.partial(noted, store, crit.id, 1)
            await wait_for(told, what=f"the at-once note of {group}")
            assert await escalated(store, crit.id) == [("at_once", 1)]


async def test_the_loop_checks_on_every_tick_and_outlives_a_failing_check(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = ManualClock()
    store = Watched()
    manager, escalator = wired(store, clock, interval=0.05)
    alert = await manager.handle(trigger(BURST, clock.now()))
    assert alert is not None
    clock.advance(10)
    store.failures = 1  # the check at start fails; the next tick's takes level 1
    with caplog.at_level(logging.ERROR, logger="alerts.escalation"):
        async with looping(escalator):
            await wait_for(lambda: noted(store, alert.id, 1), what="level 1, after the failure")
            clock.advance(30)  # level 2 falls due; nothing changes, only time passes
            await wait_for(lambda: noted(store, alert.id, 2), what="level 2, with no change")
    assert await escalated(store, alert.id) == [("not_acked", 1), ("not_acked", 2)]
    [failed] = [r for r in caplog.records if r.name == "alerts.escalation"]
    assert failed.getMessage() == "escalation check failed"
    assert failed.exc_info is not None and isinstance(failed.exc_info[1], StoreError)
