"""Route accepted events into the per-room input streams (the intake on the Redis store).

Callers that answer for what they accept (HTTP ingest, platform callbacks) use `commit`:
their events are in Redis before it returns, so an answered 200 survives a kill -9 of the
instance; when Redis cannot take them it raises `IntakeUnavailable` and the caller answers
503. The simulator and replay hand events to `offer`/`put`; a writer task batches those
into one script call per batch. An event is refused (ingest answers 503, the client
resends; `put` waits) while its room's stream, or all of them together, hold as many
unprocessed events as allowed (monitor/cluster/backlog.py), and while the local buffer is
full because Redis is slow or unreachable. Streams are never capped by length, so nothing
accepted is dropped silently.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Sequence

from redis.exceptions import RedisError

from alerts.store.resp import RespClient, RespError
from alerts.store.resp_cluster import ClusterRespClient, slot_indexes
from monitor.cluster.backlog import StreamBacklog
from monitor.cluster.metrics import ClusterMetrics
from monitor.collectors.redis_stream import stream_key
from monitor.events import AnyEvent, event_to_json
from monitor.metrics import ServiceMetrics
from monitor.pipeline import IntakeUnavailable

log = logging.getLogger(__name__)

BUFFER = 20_000
BATCH = 1_000
COMMIT_TIMEOUT = 5.0  # longest a caller waits for its events to be written

# KEYS: one stream per event; ARGV: one event JSON per key.
_XADD_MANY = """
for i, key in ipairs(KEYS) do
  redis.call('XADD', key, '*', 'e', ARGV[i])
end
return #KEYS
"""


class Unreplicated(Exception):
    """Redis took the events but fewer replicas than store.wait_replicas confirmed them."""


class StreamRouter:
    """Buffer events and write them to their rooms' streams in pipelined batches."""

    name = "stream-router"

    def __init__(
        self,
        resp: RespClient | ClusterRespClient,
        *,
        prefix: str,
        backlog: StreamBacklog,
        metrics: ClusterMetrics,
        service_metrics: ServiceMetrics,
        capacity: int = BUFFER,
        commit_timeout: float = COMMIT_TIMEOUT,
        wait_replicas: int = 0,
        wait_timeout: float = 0.5,
    ) -> None:
        self._commit_timeout = commit_timeout + (wait_timeout if wait_replicas else 0.0)
        self._resp = resp
        self._wait_replicas = wait_replicas
        self._wait_ms = max(1, int(wait_timeout * 1000))
        self._prefix = prefix
        self._backlog = backlog
        self._metrics = metrics
        self._service_metrics = service_metrics
        self._capacity = capacity
        self._buf: deque[AnyEvent] = deque()
        self._wake = asyncio.Event()
        # Through the store's lean client: one call per 1,000 events, but redis-py spent as
        # much CPU packing and sending it as encoding the events.
        self._xadd_many = resp.script(_XADD_MANY)

    @property
    def pending(self) -> int:
        return len(self._buf)

    def check(self, room: str | None = None) -> tuple[str, str] | None:
        """Return (reason code, message) when an event for `room` (None: any) must wait."""
        if len(self._buf) >= self._capacity:
            return "buffer", (
                f"{len(self._buf)} events are waiting to be written to redis "
                "(redis is slow or unreachable)"
            )
        return self._backlog.check(room)

    def refusal(self, room: str | None = None, *, count: bool = True) -> str | None:
        """Say (and count) why an event for `room` (None: any room) is refused now, if it is."""
        why = self.check(room)
        if why is None:
            return None
        if count:
            self._metrics.stream_refused.labels(why[0]).inc()
        return why[1]

    def offer(self, event: AnyEvent) -> bool:
        """Buffer an event for its stream; False (counted) when it must wait (see `check`)."""
        if self.refusal(event.room) is not None:
            self._service_metrics.events_dropped.labels(event.source or "unknown").inc()
            return False
        self._accept(event)
        return True

    async def put(self, event: AnyEvent) -> bool:
        """Buffer an event, waiting while it would be refused (backpressure)."""
        while self.check(event.room) is not None:
            await self._backlog.next_poll()
        self._accept(event)
        return True

    async def commit(self, events: Sequence[AnyEvent]) -> int:
        """Write events to their streams now; return how many were taken, in order.

        Events from the first one `check` refuses on are not taken (counted as dropped).
        Those taken are in Redis when this returns; when Redis cannot take them,
        IntakeUnavailable says how many of them were written before it failed.
        """
        taken = 0
        for event in events:
            if self.refusal(event.room) is not None:
                self._service_metrics.events_dropped.labels(event.source or "unknown").inc()
                break
            # Counted as it is taken, so the backlog check of the next event includes it.
            self._backlog.note(event.room)
            taken += 1
        written = 0
        try:
            async with asyncio.timeout(self._commit_timeout):
                while written < taken:
                    batch = events[written : min(taken, written + BATCH)]
                    await self._write(batch, confirm=True)
                    written += len(batch)
        except BaseException as exc:
            # What was not written is not waiting to be written either.
            self._backlog.written(e.room for e in events[written:taken])
            if not isinstance(exc, RedisError | RespError | OSError | TimeoutError | Unreplicated):
                raise
            self._metrics.redis_errors.labels("router").inc()
            problem = str(exc) or type(exc).__name__
            raise IntakeUnavailable(
                f"events could not be written to redis ({problem})", written
            ) from None
        return taken

    def _accept(self, event: AnyEvent) -> None:
        self._buf.append(event)
        self._backlog.note(event.room)
        self._wake.set()

    async def run(self, emit: object = None) -> None:
        """Write buffered events until cancelled."""
        failing = False
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._buf:
                try:
                    await self.write_batch()
                    if failing:
                        log.info("stream writer reconnected; %d events waiting", len(self._buf))
                    failing = False
                except (RedisError, RespError, OSError) as exc:
                    self._metrics.redis_errors.labels("router").inc()
                    if not failing:
                        log.warning(
                            "cannot write events to redis streams (%s); %d waiting, retrying",
                            exc,
                            len(self._buf),
                        )
                    failing = True
                    await asyncio.sleep(0.5)

    async def write_batch(self) -> int:
        """Write up to BATCH buffered events in one round trip; they leave the buffer on success."""
        batch = [self._buf[i] for i in range(min(BATCH, len(self._buf)))]
        if not batch:
            return 0
        await self._write(batch)
        for _ in batch:
            self._buf.popleft()
        return len(batch)

    async def _write(self, batch: Sequence[AnyEvent], *, confirm: bool = False) -> None:
        # One script call per batch: packing one command per event cost more CPU than
        # everything Redis does with them.
        keys = [stream_key(self._prefix, e.room) for e in batch]
        args = [event_to_json(e) for e in batch]
        if isinstance(self._resp, ClusterRespClient):
            await self._write_sharded(self._resp, keys, args, confirm=confirm)
        elif confirm and self._wait_replicas:
            # WAIT counts the replicas that hold this connection's writes, so it goes in
            # the same write as the batch (a reconnect in between would confirm nothing).
            script = self._xadd_many
            replies = await self._resp.execute_many(
                [script.args(keys, args), ("WAIT", self._wait_replicas, self._wait_ms)],
                scripts=[script, None],
            )
            if int(replies[1]) < self._wait_replicas:
                # In the stream, perhaps processed, but not confirmed: the caller answers
                # 503 and the producer resends (at least once).
                raise Unreplicated(
                    f"{int(replies[1])} of {self._wait_replicas} replicas confirmed the events "
                    f"within {self._wait_ms} ms (store.wait_replicas)"
                )
        else:
            await self._xadd_many(keys=keys, args=args)
        self._backlog.written(e.room for e in batch)
        self._metrics.stream_written.inc(len(batch))

    async def _write_sharded(
        self, resp: ClusterRespClient, keys: list[str], args: list[bytes], *, confirm: bool
    ) -> None:
        """The same on Redis Cluster: one script call per slot, each shard's in one write."""
        script = self._xadd_many
        commands = [
            script.args([keys[i] for i in idx], [args[i] for i in idx])
            for idx in slot_indexes(keys)
        ]
        scripts = [script] * len(commands)
        if not (confirm and self._wait_replicas):
            await resp.execute_many(commands, scripts=scripts)
            return
        _, confirmed = await resp.execute_confirmed(
            commands, scripts=scripts, replicas=self._wait_replicas, timeout_ms=self._wait_ms
        )
        if confirmed < self._wait_replicas:
            raise Unreplicated(
                f"{confirmed} of {self._wait_replicas} replicas confirmed the events "
                f"within {self._wait_ms} ms on some shard (store.wait_replicas)"
            )

    async def flush(self, within: float = 5.0) -> None:
        """Write what is buffered (graceful stop); report what could not be written."""
        try:
            async with asyncio.timeout(within):
                while self._buf:
                    await self.write_batch()
        except (RedisError, RespError, OSError, TimeoutError) as exc:
            lost = list(self._buf)
            self._metrics.stream_write_failed.inc(len(lost))
            log.error(
                "could not write %d events to redis streams on stop (%s); first ids: %s",
                len(lost),
                exc,
                ", ".join(e.id for e in lost[:20]),
            )
            self._buf.clear()
