"""Event-loop lag: how late a timer due now actually runs (every task waits as long)."""

from __future__ import annotations

import asyncio

from monitor.metrics import LatencyHistogram

EVERY = 0.25  # seconds between probes


async def measure_loop_lag(metric: LatencyHistogram, every: float = EVERY) -> None:
    """Observe, until cancelled, how much later than asked each sleep of `every` returns."""
    loop = asyncio.get_running_loop()
    while True:
        asked = loop.time()
        await asyncio.sleep(every)
        metric.observe(max(0.0, loop.time() - asked - every))
