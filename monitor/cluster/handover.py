"""Hand a room's plan windows to its next owner when the room moves gracefully.

When an instance gives a room up (rebalancing, or stopping), it writes the room's windows
(alerts.plans.PlanEngine.export) to `{prefix}:{<room>}:windows` before it deletes the
lease; the next instance to acquire the lease takes the snapshot (GETDEL, so it is used
once) into its engine before it reads any of the room's events. A condition half-way to
firing therefore keeps its count, a silence clock keeps running, and a firing condition
stays firing (so its clear, and auto-resolve, still happen). A crashed owner writes
nothing: its rooms' windows start empty on the survivor. Snapshots expire on their own,
so one nobody took cannot resurface much later.
"""

from __future__ import annotations

import logging
from typing import Any

from redis.exceptions import RedisError

from alerts.plans import PlanEngine
from alerts.store.connect import RedisClient
from alerts.store.keys import KeyLayout

log = logging.getLogger(__name__)


class WindowHandover:
    """Save a released room's windows to Redis; load them when the room is acquired."""

    def __init__(
        self, client: RedisClient, *, prefix: str, engine: PlanEngine, keep_for: float
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._engine = engine
        self._keep_ms = int(keep_for * 1000)

    def key(self, room: str) -> str:
        return KeyLayout(self._prefix).windows(room)

    async def save(self, rooms: list[str]) -> None:
        """Write the rooms' windows for their next owner (before their leases go)."""
        if not rooms:
            return
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for room in rooms:
                    pipe.set(self.key(room), self._engine.export(room), px=self._keep_ms)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning(
                "could not hand over the windows of %d rooms (%s); they start empty elsewhere",
                len(rooms),
                exc,
            )

    async def load(self, rooms: list[str]) -> None:
        """Take the windows a previous owner left for these rooms (before reading them)."""
        if not rooms:
            return
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for room in rooms:
                    pipe.getdel(self.key(room))
                found: list[Any] = await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("could not read handed-over windows (%s); they start empty", exc)
            return
        windows = handed = 0
        for room, data in zip(rooms, found, strict=True):
            if data is None:
                continue
            try:
                windows += self._engine.restore(room, data)
            except ValueError as exc:
                log.warning("ignoring the handed-over windows of room %s: %s", room, exc)
                continue
            handed += 1
        if handed:
            log.info("took over %d plan windows of %d rooms", windows, handed)
