"""Console feed fan-out across instances through Redis pub/sub.

Each instance appends its feed items to the shared store (which assigns the global seq)
and publishes them, batched, on `{prefix}:feed`; every other instance hands received
items to its own FeedHub so a console connected anywhere sees every room's alerts.
Items are de-duplicated by seq. After a lost subscription the bus backfills from the
store's feed log, so a Redis blip does not leave live consoles with a gap.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from typing import Any

import orjson
from redis.exceptions import RedisError

from alerts.store.base import AlertStore, FeedItem, StoreError
from alerts.store.connect import RedisClient
from alerts.store.redis import RedisStore
from alerts.tasks import stop_tasks
from monitor.cluster.metrics import ClusterMetrics
from monitor.feed import FeedHub

log = logging.getLogger(__name__)

SEEN = 50_000
BACKFILL = 5_000


class RedisFeedBus:
    """Publish this instance's feed items; fan out the items other instances publish."""

    name = "feed-bus"

    def __init__(
        self,
        client: RedisClient,
        *,
        prefix: str,
        instance_id: str,
        hub: FeedHub,
        store: AlertStore,
        metrics: ClusterMetrics,
    ) -> None:
        self._client = client
        self.channel = f"{prefix}:feed"
        self._origin = instance_id
        self._hub = hub
        self._store = store
        self._metrics = metrics
        self._out: list[FeedItem] = []
        self._wake = asyncio.Event()
        self._seen: set[int] = set()
        self._seen_order: deque[int] = deque()
        self._max_seq: int | None = None
        hub.after_append.append(self.on_local)

    def _mark(self, seq: int) -> bool:
        """Remember a seq; False when it was already seen."""
        if seq in self._seen:
            return False
        self._seen.add(seq)
        self._seen_order.append(seq)
        if len(self._seen_order) > SEEN:
            self._seen.discard(self._seen_order.popleft())
        if self._max_seq is None or seq > self._max_seq:
            self._max_seq = seq
            if isinstance(self._store, RedisStore):
                self._store.saw_feed_seq(seq)
        return True

    def on_local(self, item: FeedItem) -> None:
        """Queue an item this instance appended for publishing to the others."""
        self._mark(item.seq)
        self._out.append(item)
        self._wake.set()

    def on_remote(self, items: list[FeedItem], how: str = "in") -> int:
        """Fan out items from other instances that this one has not shown yet."""
        shown = 0
        for item in sorted(items, key=lambda i: i.seq):
            if self._mark(item.seq):
                self._hub.fan_out(item)
                shown += 1
        if shown:
            self._metrics.feed_relayed.labels(how).inc(shown)
        return shown

    async def run(self, emit: object = None) -> None:
        """Publish and listen until cancelled."""
        publisher = asyncio.create_task(self._publish_loop(), name="feed-bus-publish")
        try:
            await self._listen_loop()
        finally:
            await stop_tasks([publisher])

    async def _publish_loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self.flush()

    async def flush(self) -> None:
        """Publish queued items in one message; on failure peers backfill from the store."""
        if not self._out:
            return
        batch, self._out = self._out, []
        body = orjson.dumps(
            {"o": self._origin, "i": [[i.seq, i.ts, i.type, i.room, i.data] for i in batch]}
        )
        try:
            await self._client.publish(self.channel, body)
            self._metrics.feed_relayed.labels("out").inc(len(batch))
        except (RedisError, OSError) as exc:
            self._metrics.redis_errors.labels("feed").inc()
            log.warning("could not publish %d feed items to peers (%s)", len(batch), exc)

    async def _listen_loop(self) -> None:
        first = True
        while True:
            pubsub = self._client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                if not first:
                    await self._backfill()
                    log.info("feed bus resubscribed to %s", self.channel)
                first = False
                while True:
                    msg = await pubsub.get_message(timeout=1.0)
                    if msg is not None and msg.get("type") == "message":
                        self._handle(msg["data"])
            except (RedisError, OSError, StoreError) as exc:
                self._metrics.redis_errors.labels("feed").inc()
                log.warning("feed bus lost its subscription (%s); resubscribing", exc)
                await asyncio.sleep(0.5)
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()  # type: ignore[no-untyped-call, unused-ignore]

    def _handle(self, data: Any) -> None:
        try:
            msg = orjson.loads(data)
            if msg.get("o") == self._origin:
                return
            items = [FeedItem(int(s), float(t), str(ty), str(r), d) for s, t, ty, r, d in msg["i"]]
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
            log.warning("ignoring a malformed feed bus message: %s", exc)
            return
        self.on_remote(items)

    async def _backfill(self) -> None:
        if self._max_seq is None:
            return
        # Peers publish out of seq order, so look back a margin; seen seqs are skipped.
        items = await self._store.read_feed(max(0, self._max_seq - 1_000), limit=BACKFILL)
        self.on_remote(items, "backfill")
