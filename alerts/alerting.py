"""The alerting outputs as one part: router, escalator and notification dispatcher."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from alerts.audience import Directory
from alerts.clock import Clock
from alerts.escalation import Escalator, Router
from alerts.manager import AlertManager
from alerts.metrics import AlertMetrics
from alerts.notify.dispatch import Dispatcher
from alerts.store.base import AlertStore
from config.notify import EscalationConfig, NotifierConfig
from config.people import PeopleConfig

Spawn = Callable[[Awaitable[None], str], Any]


class Alerting:
    """Escalate open alerts and deliver their notifications."""

    def __init__(
        self,
        notifiers: list[NotifierConfig],
        escalation: EscalationConfig,
        store: AlertStore,
        manager: AlertManager,
        clock: Clock,
        metrics: AlertMetrics,
        people: PeopleConfig | None = None,
    ) -> None:
        self.router = Router(escalation)
        self.dispatcher = Dispatcher(notifiers, store, metrics, clock)
        self.escalator = Escalator(
            store,
            manager,
            self.dispatcher,
            self.router,
            clock,
            metrics,
            interval=escalation.tick_interval,
            directory=Directory(people),
        )
        manager.subscribe(self.escalator.on_alert_change)

    async def start(self, spawn: Spawn) -> None:
        """Start delivery first (it sweeps the outbox), then the escalation loop."""
        await self.dispatcher.start()
        spawn(self.escalator.run(), "escalation")

    async def close(self) -> None:
        await self.dispatcher.close()
