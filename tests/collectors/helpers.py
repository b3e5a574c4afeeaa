"""Shared bits of the collector tests: a metrics registry, a sink for events, timing."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from prometheus_client import CollectorRegistry

from monitor.collectors.common import SourceStats
from monitor.collectors.wsbase import Timing
from monitor.events import AnyEvent
from monitor.metrics import ServiceMetrics

FAST = Timing(
    connect_timeout=2.0,
    read_timeout=3.0,
    heartbeat_interval=0.1,
    heartbeat_timeout=None,
    backoff_base=0.05,
    backoff_cap=0.2,
    healthy_after=5.0,
)


def new_stats(name: str = "src") -> SourceStats:
    return SourceStats(name, ServiceMetrics(CollectorRegistry()))


class Sink:
    """Collects emitted events."""

    def __init__(self) -> None:
        self.events: list[AnyEvent] = []

    async def __call__(self, event: AnyEvent) -> bool:
        self.events.append(event)
        return True

    def texts(self) -> list[str]:
        return [getattr(e, "text", "") for e in self.events if e.kind.value == "comment"]


@contextlib.asynccontextmanager
async def running(collector: object, sink: Sink) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(collector.run(sink))  # type: ignore[attr-defined]
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
