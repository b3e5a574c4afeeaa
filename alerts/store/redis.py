"""Redis AlertStore: alert state, feed log, claims and records shared by every instance.

Key layout: alerts/store/keys.py (a room's alerts, indexes and feed log under the room's
hash tag; the cross-room index, the feed counter and the claims on slots of their own), so
the store runs on one Redis, behind Sentinel, or on Redis Cluster:
  {p}:{<room>}:alert:<id>            JSON of one alert without its flagged comments
  {p}:{<room>}:alert:<id>:comments   list of its flagged comments' JSON (the newest 200)
  {p}:{<room>}:versions              hash id -> version: every write is a compare-and-set
  {p}:{<room>}:all|open              sorted sets of the room's alert ids by started_at
  {p}:{<room>}:fp:open|fp:latest     hashes fingerprint -> alert id (a fingerprint
                                     belongs to one room)
  {p}:{<room>}:feed                  the room's feed items (trimmed by the global floor)
  {p}:{alerts}:ids                   hash id -> room (get_alert by id; cached here)
  {p}:{alerts}:ix:all|ix:open|ix:ver every room's alerts, for lists across rooms
  {p}:{feed}:seq|log                 INCR counter; zset of item JSON scored by seq
  {p}:{coord}:claim:<key>            SET NX PX markers for exactly-once steps
  {p}:{coord}:item:<kind>            hashes of keyed JSON; {p}:rec:<kind> bounded lists
Multi-key changes run as Lua scripts (alerts/store/redis_scripts.py) so the indexes never
disagree with the alerts. Each script touches one slot on a cluster: an alert write is the
room's script, then the cross-room index (an order-safe second call); on one Redis both go
in one script.
"""

from __future__ import annotations

from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from alerts.store.connect import RedisTarget
from alerts.store.redis_alerts import RedisAlerts
from alerts.store.redis_base import FEED_CAPACITY
from alerts.store.redis_coord import RedisCoordination
from alerts.store.redis_feed import RedisFeedLog

POOL_SIZE = 64  # connections to Redis per instance
POOL_WAIT = 10.0  # longest wait for a free connection before a call fails


class RedisStore(RedisAlerts, RedisFeedLog, RedisCoordination):
    """Keep alerts, the feed log, claims and records in Redis (shared by instances).

    Each part is a class of its own on the shared RedisStoreBase (alerts/store/redis_base.py):
    RedisAlerts, RedisFeedLog and RedisCoordination.
    """

    @classmethod
    def from_url(
        cls, url: str, *, prefix: str = "roomwatch", feed_capacity: int = FEED_CAPACITY
    ) -> RedisStore:
        """Build a store on one Redis URL (see from_target)."""
        return cls.from_target(RedisTarget(url=url), prefix=prefix, feed_capacity=feed_capacity)

    @classmethod
    def from_target(
        cls,
        target: RedisTarget,
        *,
        prefix: str = "roomwatch",
        feed_capacity: int = FEED_CAPACITY,
    ) -> RedisStore:
        """Build a store on new clients; retries ride out a short Redis restart or failover."""
        # A blocking pool: when every connection is busy (hundreds of consoles resuming at
        # once) a caller waits for one instead of failing with "too many connections".
        client = target.redis(
            max_connections=POOL_SIZE,
            timeout=POOL_WAIT,
            socket_timeout=5.0,
            socket_connect_timeout=2.0,
            health_check_interval=15,
            retry=Retry(ExponentialBackoff(cap=1.0, base=0.05), retries=3),
            retry_on_error=[RedisConnectionError, RedisTimeoutError, ConnectionResetError],
        )
        resp = target.resp_any(timeout=5.0, connect_timeout=2.0, retries=3)
        store = cls(client, resp, prefix=prefix, feed_capacity=feed_capacity)
        store.target = target
        return store
