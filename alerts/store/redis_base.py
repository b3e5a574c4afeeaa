"""The Redis store's shared part: its clients, key layout, scripts, caches and error handling.

RedisStore (alerts/store/redis.py) is this plus its parts, each a class of its own on top
of it: alerts (redis_alerts.py), the console feed log (redis_feed.py), and claims, keyed
items and records (redis_coord.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.exceptions import RedisError

from alerts.model import Alert, FlaggedComment
from alerts.store.base import StoreError
from alerts.store.connect import RedisClient, RedisTarget
from alerts.store.keys import KeyLayout
from alerts.store.redis_scripts import (
    APPEND_FEED,
    APPEND_RECORD,
    CLAIM_WITH_ITEMS,
    FIND_ALERT,
    GET_ALERT,
    INDEX_ALERT,
    PUT_ALERT,
    RAISE_FEED_SEQ,
)
from alerts.store.resp import Arg, RespClient, RespConnectionError, RespError
from alerts.store.resp_cluster import ClusterRespClient

FEED_CAPACITY = 100_000
T = TypeVar("T")


class RedisStoreBase:
    """Hold what every part of the Redis store shares: clients, keys, scripts and caches.

    The store's own commands go through `resp`, a lean pipelined client (several are sent
    for every flagged comment; on Redis Cluster the slot-routing ClusterRespClient);
    `client` is a redis-py client on the same server or cluster for the cluster parts
    (leases, streams, pub/sub), whose commands are few and batched.
    """

    def __init__(
        self,
        client: RedisClient,
        resp: RespClient | ClusterRespClient,
        *,
        prefix: str = "roomwatch",
        feed_capacity: int = FEED_CAPACITY,
    ) -> None:
        self.client = client
        self.resp = resp
        # Where further clients of the same Redis come from (stream reader, intake writer).
        self.target = RedisTarget()
        self._p = prefix
        self.keys = KeyLayout(prefix)
        # On a cluster every script keeps to one slot; on one Redis a write may span them.
        self.sharded = isinstance(resp, ClusterRespClient)
        self._feed_capacity = feed_capacity
        self._put_alert = resp.script(PUT_ALERT)
        self._get_alert = resp.script(GET_ALERT)
        self._find_alert = resp.script(FIND_ALERT)
        self._append_feed = resp.script(APPEND_FEED)
        self._append_record = resp.script(APPEND_RECORD)
        self._claim_with_items = resp.script(CLAIM_WITH_ITEMS)
        self._raise_feed_seq = resp.script(RAISE_FEED_SEQ)
        self._index_alert = resp.script(INDEX_ALERT)
        self.feed_seen = 0  # the highest feed seq this instance has appended or seen
        # Every new connection raises the feed seq to the highest seen here first (after a
        # restart or failover that lost the newest writes); on a cluster, at the feed's node.
        if isinstance(resp, RespClient | ClusterRespClient):
            resp.on_connect = self._on_connect
        self._rooms: dict[str, str] = {}  # alert id -> room (an alert never changes room)
        # Cross-room index writes not done yet (cluster: the shard of {alerts} failed after
        # the alert itself was written), by alert id; sent again with the next write or list.
        self._unindexed: dict[str, list[Arg]] = {}
        # Decoding an alert with its 200 comments costs milliseconds, so keep the last
        # copy of each alert seen here and reuse it while Redis holds the same version;
        # comments decode once each (keyed by their stored bytes).
        self._decoded: dict[str, Alert] = {}
        self._comments: dict[bytes, FlaggedComment] = {}
        self._fp_ids: dict[str, str] = {}  # fingerprint -> the alert id last seen for it
        # Told of every failed call (op, error): the service counts and logs them.
        self.on_error: Callable[[str, Exception], None] | None = None

    def _on_connect(self) -> list[tuple[Arg, ...]]:
        if not self.feed_seen:
            return []
        return [self._raise_feed_seq.args([self.keys.shared("feed", "seq")], [self.feed_seen])]

    def saw_feed_seq(self, seq: int) -> None:
        """Note a feed seq shown here (the counter never goes below it again, see above)."""
        if seq > self.feed_seen:
            self.feed_seen = seq

    def key(self, *parts: str) -> str:
        """Return a key under this store's prefix (records: any slot)."""
        return ":".join((self._p, *parts))

    def coord(self, *parts: str) -> str:
        """Return a claim or keyed-items key (one slot: claim_with_items writes both)."""
        return self.keys.shared("coord", *parts)

    async def _call(self, op: str, fn: Callable[[], Awaitable[T]]) -> T:
        try:
            return await fn()
        except (RespError, RespConnectionError, RedisError, OSError) as exc:
            if self.on_error is not None:
                self.on_error(op, exc)
            raise StoreError(f"redis {op} failed: {exc}") from exc

    async def ping(self) -> bool:
        """Return True when Redis answers (on a cluster: the master of every shard)."""
        if isinstance(self.resp, ClusterRespClient):
            return await self.resp.ping_all()
        try:
            return bool(await self.resp.execute("PING", retry=False))
        except (RespError, RespConnectionError, OSError):
            return False

    async def close(self) -> None:
        await self.resp.close()
        await self.client.aclose()
        await self.target.close()


def as_text(raw: bytes | str) -> str:
    """Return a reply's bytes as text (a str reply as it is)."""
    return raw.decode() if isinstance(raw, bytes) else raw
