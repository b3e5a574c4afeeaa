"""Route accepted events into the per-room input streams (cluster mode intake).

Ingest and the simulator hand events to `offer`/`put` exactly as they would to the local
pipeline; a writer task batches them into pipelined XADDs. While Redis is unreachable
the batch is retried and the buffer fills; once full, `offer` refuses (ingest answers
503, the client resends) and nothing accepted is dropped silently.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from monitor.cluster.metrics import ClusterMetrics
from monitor.collectors.redis_stream import stream_key
from monitor.events import AnyEvent, event_to_json
from monitor.metrics import ServiceMetrics

log = logging.getLogger(__name__)

BUFFER = 20_000
BATCH = 1_000

# KEYS: one stream per event; ARGV: maxlen, then one event JSON per key.
_XADD_MANY = """
local field = 'e'
for i, key in ipairs(KEYS) do
  redis.call('XADD', key, 'MAXLEN', '~', ARGV[1], '*', field, ARGV[i + 1])
end
return #KEYS
"""


class StreamRouter:
    """Buffer events and write them to their rooms' streams in pipelined batches."""

    name = "stream-router"

    def __init__(
        self,
        client: aioredis.Redis,
        *,
        prefix: str,
        maxlen: int,
        metrics: ClusterMetrics,
        service_metrics: ServiceMetrics,
        capacity: int = BUFFER,
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._maxlen = maxlen
        self._metrics = metrics
        self._service_metrics = service_metrics
        self._capacity = capacity
        self._buf: deque[AnyEvent] = deque()
        self._wake = asyncio.Event()
        self._space = asyncio.Event()
        self._space.set()
        self._xadd_many = client.register_script(_XADD_MANY)

    @property
    def pending(self) -> int:
        return len(self._buf)

    def offer(self, event: AnyEvent) -> bool:
        """Buffer an event for its stream; False when the buffer is full (Redis too slow/down)."""
        if len(self._buf) >= self._capacity:
            self._service_metrics.events_dropped.labels(event.source or "unknown").inc()
            self._space.clear()
            return False
        self._buf.append(event)
        self._wake.set()
        return True

    async def put(self, event: AnyEvent) -> bool:
        """Buffer an event, waiting while the buffer is full (backpressure)."""
        while len(self._buf) >= self._capacity:
            self._space.clear()
            await self._space.wait()
        self._buf.append(event)
        self._wake.set()
        return True

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
                except (RedisError, OSError) as exc:
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
        # One script call per batch: packing one command per event cost more CPU than
        # everything Redis does with them.
        keys = [stream_key(self._prefix, e.room) for e in batch]
        args: list[bytes | int] = [self._maxlen, *(event_to_json(e) for e in batch)]
        await self._xadd_many(keys=keys, args=args)
        for _ in batch:
            self._buf.popleft()
        self._metrics.stream_written.inc(len(batch))
        if len(self._buf) < self._capacity:
            self._space.set()
        return len(batch)

    async def flush(self, within: float = 5.0) -> None:
        """Write what is buffered (graceful stop); report what could not be written."""
        try:
            async with asyncio.timeout(within):
                while self._buf:
                    await self.write_batch()
        except (RedisError, OSError, TimeoutError) as exc:
            lost = list(self._buf)
            self._metrics.stream_write_failed.inc(len(lost))
            log.error(
                "could not write %d events to redis streams on stop (%s); first ids: %s",
                len(lost),
                exc,
                ", ".join(e.id for e in lost[:20]),
            )
            self._buf.clear()
