"""Build the escalation pipeline (manager, escalator, dispatcher) against given receivers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry
from pydantic import TypeAdapter

from alerts.audience import Directory
from alerts.clock import Clock
from alerts.escalation import Escalator, Router
from alerts.manager import AlertManager
from alerts.metrics import AlertMetrics
from alerts.model import Alert
from alerts.notify.dispatch import Dispatcher
from alerts.plans import Plan
from alerts.store.base import AlertStore
from config.notify import EscalationConfig, NotifierConfig
from config.people import PeopleConfig
from tests.alerting.helpers import trigger

NOTIFIERS = TypeAdapter(list[NotifierConfig])


@dataclass
class Pipeline:
    clock: Clock
    store: AlertStore
    manager: AlertManager
    escalator: Escalator
    dispatcher: Dispatcher
    metrics: AlertMetrics

    async def fire(self, plan: Plan, room: str) -> Alert:
        alert = await self.manager.handle(trigger(plan, self.clock.now(), room=room))
        assert alert is not None
        return alert


def pipeline(
    store: AlertStore,
    clock: Clock,
    plans: list[Plan],
    notifiers: list[dict[str, Any]],
    escalation: dict[str, Any],
    people: dict[str, Any] | None = None,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    manager: AlertManager | None = None,
    sweep_every: float = 5.0,
) -> Pipeline:
    """Return a pipeline sharing `store` (build two on one store for a restart)."""
    metrics = AlertMetrics(CollectorRegistry())
    manager = manager or AlertManager(store, clock, plans)
    dispatcher = Dispatcher(
        NOTIFIERS.validate_python(notifiers), store, metrics, clock, seed=1, sleep=sleep,
        sweep_every=sweep_every,
    )  # fmt: skip
    escalator = Escalator(
        store, manager, dispatcher, Router(EscalationConfig.model_validate(escalation)), clock,
        metrics, directory=Directory(PeopleConfig.model_validate(people or {})),
    )  # fmt: skip
    return Pipeline(clock, store, manager, escalator, dispatcher, metrics)
