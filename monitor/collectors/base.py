"""The Collector protocol and the supervisor that keeps collectors running."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Protocol

from monitor.events import AnyEvent
from monitor.metrics import ServiceMetrics

log = logging.getLogger(__name__)

Emit = Callable[[AnyEvent], Awaitable[bool]]


class Collector(Protocol):
    """A source of room events. `run` returns only when the source is finished."""

    name: str

    async def run(self, emit: Emit) -> None: ...


class Backoff:
    """Exponential backoff with full jitter; reset after a healthy run."""

    def __init__(
        self, base: float = 0.5, cap: float = 30.0, rng: random.Random | None = None
    ) -> None:
        self.base, self.cap = base, cap
        self.attempt = 0
        self._rng = rng or random.Random()

    def next_delay(self) -> float:
        ceiling = min(self.cap, self.base * (2**self.attempt))
        self.attempt += 1
        return self._rng.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self.attempt = 0


HEALTHY_RUN = 30.0


async def supervise(
    collector: Collector, emit: Emit, metrics: ServiceMetrics, backoff: Backoff | None = None
) -> None:
    """Run a collector forever: a crash is logged, counted and restarted with backoff."""
    backoff = backoff or Backoff()
    loop = asyncio.get_running_loop()
    while True:
        started = loop.time()
        try:
            await collector.run(emit)
            log.info("source %s finished", collector.name)
            metrics.source_up.labels(collector.name).set(0)
            return
        except asyncio.CancelledError:
            metrics.source_up.labels(collector.name).set(0)
            raise
        except Exception as exc:
            metrics.source_up.labels(collector.name).set(0)
            metrics.source_reconnects.labels(collector.name).inc()
            if loop.time() - started > HEALTHY_RUN:
                backoff.reset()
            delay = backoff.next_delay()
            log.warning("source %s failed (%s); restarting in %.1fs", collector.name, exc, delay)
            await asyncio.sleep(delay)
