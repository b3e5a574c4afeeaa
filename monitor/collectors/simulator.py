"""A simulated live room: Chinese shopping chatter, host speech and scripted incidents.

The traffic itself comes from TrafficScript (seeded, clock-free); this collector paces it
in real time and stamps it with the service clock. Incidents rotate through the rooms
so the demo shows every alert type within a couple of minutes.
"""

from __future__ import annotations

import asyncio

from alerts.clock import Clock
from monitor.collectors.base import Emit
from monitor.collectors.traffic import TICK, TrafficScript
from monitor.metrics import ServiceMetrics


class RoomSimulator:
    """Emit realistic traffic for several rooms until cancelled."""

    def __init__(
        self,
        *,
        name: str,
        rooms: list[str],
        rate: float,
        incident_every: float,
        clock: Clock,
        metrics: ServiceMetrics,
        seed: int | None = None,
        first_incident: float = 5.0,
    ) -> None:
        self.name = name
        self._rooms = rooms
        self._rate = rate
        self._incident_every = incident_every
        self._first_incident = first_incident
        self._clock = clock
        self._metrics = metrics
        self._seed = seed

    def script(self) -> TrafficScript:
        """Return a fresh traffic script starting at the clock's current time."""
        return TrafficScript(
            rooms=self._rooms,
            rate=self._rate,
            incident_every=self._incident_every,
            seed=self._seed,
            origin=self._clock.now(),
            source=self.name,
            first_incident=self._first_incident,
        )

    async def run(self, emit: Emit) -> None:
        script = self.script()
        self._metrics.source_up.labels(self.name).set(1)
        frames = self._metrics.source_frames.labels(self.name)
        loop = asyncio.get_running_loop()
        started = loop.time()
        steps = 0
        while True:
            for event in script.step():
                frames.inc()
                await emit(event)
            steps += 1
            # Sleep to the next slot rather than a fixed TICK, so slow emits do not drift.
            await asyncio.sleep(max(0.0, started + steps * TICK - loop.time()))
