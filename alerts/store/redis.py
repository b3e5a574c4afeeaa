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

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

import orjson
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from alerts.model import (
    Alert,
    AlertState,
    FlaggedComment,
    alert_from_dict,
    alert_to_dict,
    comment_change,
    comment_from_dict,
    comment_to_dict,
)
from alerts.store.base import FeedItem, StoreConflict, StoreError
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
DECODED_CACHE = 2_000  # alerts
POOL_SIZE = 64  # connections to Redis per instance
POOL_WAIT = 10.0  # longest wait for a free connection before a call fails
COMMENT_CACHE = 50_000  # flagged comments, by their stored bytes
UNINDEXED_MAX = 10_000  # cross-room index writes kept for a retry (cluster, shard down)
_PAGE = 200
ROOM_INDEXES = 32  # past this many rooms, open alerts are read from the global open index
_OPEN_STATES = frozenset({AlertState.FIRING, AlertState.ACKNOWLEDGED})
T = TypeVar("T")


class RedisStore:
    """Keep alerts, the feed log, claims and records in Redis (shared by instances).

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

    # -- alerts ---------------------------------------------------------------
    def _alert_keys(self, room: str, alert_id: str) -> tuple[str, str, str]:
        r = self.keys.room
        return (
            r(room, "alert", alert_id),
            r(room, "alert", alert_id, "comments"),
            r(room, "versions"),
        )

    def _index_keys(self) -> list[Arg]:
        g = self.keys.shared
        return [
            g("alerts", "ids"),
            g("alerts", "ix:all"),
            g("alerts", "ix:open"),
            g("alerts", "ix:ver"),
        ]

    async def put_alert(self, alert: Alert, *, expect_version: int | None = None) -> None:
        r = self.keys.room
        room = alert.room
        head, comments_key, versions = self._alert_keys(room, alert.id)
        keys: list[Arg] = [
            head,
            r(room, "all"),
            r(room, "open"),
            r(room, "fp", "open"),
            r(room, "fp", "latest"),
            comments_key,
            versions,
        ]
        if not self.sharded:
            keys.extend(self._index_keys())
        # Under a compare-and-set the stored comments are those of the copy the caller
        # changed, so only the new ones are sent (grouping adds one comment to up to 200).
        held = self._decoded.get(alert.id)
        if expect_version is not None and held is not None and held.version == expect_version:
            mode, sent = comment_change(held.comments, alert.comments)
        else:
            mode, sent = "replace", alert.comments
        started = repr(alert.started_at)
        is_open = "1" if alert.is_open else "0"
        args: list[Arg] = [
            alert.id,
            orjson.dumps(alert_to_dict(alert, comments=False)),
            started,
            alert.fingerprint,
            is_open,
            "" if expect_version is None else str(expect_version),
            str(alert.version),
            mode,
            len(alert.comments),
            room,
        ]
        encoded = [orjson.dumps(comment_to_dict(c)) for c in sent]
        args.extend(encoded)
        index: list[Arg] = [alert.id, room, started, str(alert.version), is_open]
        if self.sharded and alert.is_open:
            # The cross-room index lives on its own slot: a second, order-safe call. An open
            # alert is indexed first, so no crash leaves it out of the open index (escalation
            # reads it); an entry ahead of its alert is harmless, lists read the alert.
            await self._call(
                "put_alert", lambda: self._index_alert(keys=self._index_keys(), args=index)
            )
        reply = await self._call("put_alert", lambda: self._put_alert(keys=keys, args=args))
        if not int(reply[0]):
            self._decoded.pop(alert.id, None)
            raise StoreConflict(alert.id, expect_version or 0, int(_text(reply[1])))
        if self.sharded and not alert.is_open:
            # A closed one is taken out of the open index only once it is closed. The
            # alert is written by now, so a failure here is kept and retried, not raised.
            self._unindexed[alert.id] = index
            await self._flush_index()
        self._rooms[alert.id] = room
        for raw, comment in zip(encoded, sent, strict=True):
            self._remember_comment(raw, comment)
        self._remember(alert)
        if alert.is_open:
            self._remember_fingerprint(alert.fingerprint, alert.id)

    def _index_args(self, alert: Alert) -> list[Arg]:
        is_open = "1" if alert.is_open else "0"
        return [alert.id, alert.room, repr(alert.started_at), str(alert.version), is_open]

    async def _flush_index(self) -> None:
        """Send the cross-room index writes still owed (cluster); keep them if it fails."""
        if not self._unindexed:
            return
        owed = dict(self._unindexed)
        keys = self._index_keys()
        script = self._index_alert
        commands = [script.args(keys, args) for args in owed.values()]
        try:
            await self.resp.execute_many(commands, scripts=[script] * len(commands))
        except (RespError, RespConnectionError, OSError) as exc:
            if self.on_error is not None:
                self.on_error("index_alert", exc)
            while len(self._unindexed) > UNINDEXED_MAX:
                self._unindexed.pop(next(iter(self._unindexed)))
            return
        for alert_id, args in owed.items():
            if self._unindexed.get(alert_id) is args:
                del self._unindexed[alert_id]

    async def room_of(self, alert_ids: Iterable[str]) -> dict[str, str]:
        """Return the room of each alert id that exists (cached: an alert never moves)."""
        ids = list(dict.fromkeys(alert_ids))
        missing = [i for i in ids if i not in self._rooms]
        if missing:
            key = self.keys.shared("alerts", "ids")
            found = await self._call("get_alert", lambda: self.resp.execute("HMGET", key, *missing))
            if len(self._rooms) + len(missing) > 4 * DECODED_CACHE:
                self._rooms.clear()
            for alert_id, room in zip(missing, found, strict=True):
                if room is not None:
                    self._rooms[alert_id] = _text(room)
        return {i: self._rooms[i] for i in ids if i in self._rooms}

    async def get_alert(self, alert_id: str) -> Alert | None:
        room = (await self.room_of([alert_id])).get(alert_id)
        if room is None:
            return None
        held = self._decoded.get(alert_id)
        reply = await self._call("get_alert", lambda: self._get_script(room, alert_id, held))
        return self._from_reply(alert_id, reply, held)

    def _get_script(self, room: str, alert_id: str, held: Alert | None) -> Any:
        """Read an alert unless `held` is its current version (then only the version comes)."""
        return self._get_alert(**self._get_args(room, alert_id, held))

    def _get_args(self, room: str, alert_id: str, held: Alert | None) -> dict[str, list[Arg]]:
        keys: list[Arg] = list(self._alert_keys(room, alert_id))
        return {"keys": keys, "args": [alert_id, "" if held is None else str(held.version)]}

    def _from_reply(self, alert_id: str, reply: list[Any], held: Alert | None) -> Alert | None:
        if not reply:
            return None
        if len(reply) == 1 and held is not None:
            return held
        try:
            header = orjson.loads(reply[1])
            comments: tuple[FlaggedComment, ...] | None = None
            if reply[2] or "comments" not in header:  # older records kept them inline
                comments = tuple(self._comment(raw) for raw in reply[2])
            alert = alert_from_dict(header, comments)
        except (orjson.JSONDecodeError, KeyError, ValueError, TypeError, IndexError) as exc:
            raise StoreError(f"corrupt alert record {alert_id} in redis: {exc}") from exc
        self._remember(alert)
        return alert

    def _comment(self, raw: bytes) -> FlaggedComment:
        comment = self._comments.get(raw)
        if comment is None:
            comment = comment_from_dict(orjson.loads(raw))
            self._remember_comment(raw, comment)
        return comment

    def _remember_comment(self, raw: bytes, comment: FlaggedComment) -> None:
        if len(self._comments) >= COMMENT_CACHE:
            self._comments.pop(next(iter(self._comments)))
        self._comments[raw] = comment

    def _remember(self, alert: Alert) -> None:
        self._decoded.pop(alert.id, None)
        if len(self._decoded) >= DECODED_CACHE:
            self._decoded.pop(next(iter(self._decoded)))
        self._decoded[alert.id] = alert

    def _remember_fingerprint(self, fp: str, alert_id: str) -> None:
        if self._fp_ids.get(fp) == alert_id:
            return
        if len(self._fp_ids) >= DECODED_CACHE:
            self._fp_ids.pop(next(iter(self._fp_ids)))
        self._fp_ids[fp] = alert_id

    async def _by_fingerprint(self, index: str, fp: str, room: str) -> Alert | None:
        guess = self._fp_ids.get(fp, "")
        held = self._decoded.get(guess) if guess else None
        keys = [self.keys.room(room, "fp", index), self.keys.room(room, "versions")]
        prefix = self.keys.room_prefix(room)
        args: list[Arg] = [fp, prefix, guess, "" if held is None else str(held.version)]
        reply = await self._call("find_alert", lambda: self._find_alert(keys=keys, args=args))
        if not reply:
            return None
        alert_id = _text(reply[0])
        self._rooms[alert_id] = room
        self._remember_fingerprint(fp, alert_id)
        if len(reply) == 2 and held is not None and alert_id == guess:
            return held
        return self._from_reply(alert_id, reply[1:], None)

    def peek_open(self, fingerprint: str) -> Alert | None:
        alert_id = self._fp_ids.get(fingerprint)
        held = self._decoded.get(alert_id) if alert_id is not None else None
        return held if held is not None and held.is_open else None

    async def find_open(self, fingerprint: str, room: str) -> Alert | None:
        return await self._by_fingerprint("open", fingerprint, room)

    async def find_latest(self, fingerprint: str, room: str) -> Alert | None:
        return await self._by_fingerprint("latest", fingerprint, room)

    async def list_alerts(
        self,
        *,
        rooms: Iterable[str] | None = None,
        states: Iterable[AlertState] | None = None,
        since: float | None = None,
        limit: int = 500,
    ) -> list[Alert]:
        if limit <= 0:
            return []
        state_set = frozenset(states) if states is not None else None
        which = "open" if state_set is not None and state_set <= _OPEN_STATES else "all"
        every = self.keys.shared("alerts", f"ix:{which}")
        await self._flush_index()
        if rooms is None:
            return await self._scan_index(every, state_set, since, limit)
        room_set = frozenset(rooms)
        if which == "open" and len(room_set) > ROOM_INDEXES:
            # Many rooms' open alerts (a supervisor's overview): one pass over the open
            # index beats a round of reads per room.
            return await self._scan_index(every, state_set, since, limit, room_set)
        scans = [
            self._scan_index(self.keys.room(r, which), state_set, since, limit, room=r)
            for r in room_set
        ]
        out = [alert for found in await asyncio.gather(*scans) for alert in found]
        out.sort(key=lambda a: (a.started_at, a.id), reverse=True)
        return out[:limit]

    async def _scan_index(
        self,
        index: str,
        states: frozenset[AlertState] | None,
        since: float | None,
        limit: int,
        rooms: frozenset[str] | None = None,
        *,
        room: str | None = None,
    ) -> list[Alert]:
        """Page through one index newest first, keeping alerts that pass the filters.

        `room`: the index is that room's (else the cross-room one: rooms come from `ids`).
        """
        low: float | str = since if since is not None else "-inf"
        found: list[Alert] = []
        offset = 0
        while len(found) < limit:
            ids = await self._call("list_alerts", self._page_fn(index, low, offset))
            if not ids:
                break
            offset += len(ids)
            names = [_text(i) for i in ids]
            # An entry of the cross-room open index whose alert is closed (its index call
            # was lost, or came ahead of a write that then lost its compare-and-set) is
            # taken out, by a versioned index call.
            heal = self.sharded and index == self.keys.shared("alerts", "ix:open")
            if room is None:
                where = await self.room_of(names)
                names = [i for i in names if i in where]
            else:
                where = dict.fromkeys(names, room)
            held = [self._decoded.get(i) for i in names]
            replies = await self._call("list_alerts", self._read_many_fn(names, where, held))
            for alert_id, reply, h in zip(names, replies, held, strict=True):
                alert = self._from_reply(alert_id, reply, h)
                if alert is not None and heal and not alert.is_open:
                    self._unindexed.setdefault(alert_id, self._index_args(alert))
                if (
                    alert is not None
                    and (states is None or alert.state in states)
                    and (rooms is None or alert.room in rooms)
                ):
                    found.append(alert)
            if len(ids) < _PAGE:
                break
        return found[:limit]

    def _read_many_fn(
        self, ids: list[str], rooms: dict[str, str], held: list[Alert | None]
    ) -> Callable[[], Awaitable[list[Any]]]:
        """Return a call reading these alerts in one batch (only the version where held)."""
        script = self._get_alert
        commands = [
            script.args(**self._get_args(rooms[i], i, h)) for i, h in zip(ids, held, strict=True)
        ]
        return lambda: self.resp.execute_many(commands, scripts=[script] * len(commands))

    def _page_fn(
        self, index: str, low: float | str, offset: int
    ) -> Callable[[], Awaitable[list[Any]]]:
        return lambda: self.resp.execute(
            "ZREVRANGEBYSCORE", index, "+inf", low, "LIMIT", offset, _PAGE
        )

    # -- console feed log -----------------------------------------------------
    async def append_feed(self, type: str, room: str, ts: float, data: dict[str, Any]) -> FeedItem:
        # The rest of the item after '{"seq":N,' -- built client side, seq spliced in by Lua.
        body = orjson.dumps({"ts": ts, "type": type, "room": room, "data": data})[1:]
        g = self.keys.shared
        room_log = self.keys.room(room, "feed")
        keys = [g("feed", "seq"), g("feed", "log")]
        if not self.sharded:
            keys.append(room_log)
        args: list[Arg] = [self._feed_capacity, body, self.feed_seen]
        seq = int(await self._call("append_feed", lambda: self._append_feed(keys=keys, args=args)))
        if self.sharded:
            # The room's log is on the room's slot: a second call, trimmed to the capacity
            # (the global log's floor is at most that far behind).
            item = b'{"seq":%d,' % seq + body
            commands: list[tuple[Arg, ...]] = [
                ("ZADD", room_log, seq, item),
                ("ZREMRANGEBYSCORE", room_log, "-inf", f"({seq - self._feed_capacity}"),
            ]
            await self._call("append_feed", lambda: self.resp.execute_many(commands))
        if seq > self.feed_seen:
            self.feed_seen = seq
        return FeedItem(seq, ts, type, room, data)

    async def read_feed(
        self, after_seq: int, *, rooms: Iterable[str] | None = None, limit: int = 1000
    ) -> list[FeedItem]:
        if limit <= 0:
            return []
        low = f"({after_seq}"
        if rooms is None:
            raws = await self._call(
                "read_feed",
                lambda: self.resp.execute(
                    "ZRANGEBYSCORE", self.keys.shared("feed", "log"), low, "+inf", "LIMIT", 0, limit
                ),
            )
            return [_decode_feed(r) for r in raws]
        # Per-room logs are trimmed lazily, so never return what the global log dropped.
        floor = await self._call(
            "read_feed",
            lambda: self.resp.execute(
                "ZRANGE", self.keys.shared("feed", "log"), 0, 0, "WITHSCORES"
            ),
        )
        if floor:
            low = f"({max(after_seq, int(float(floor[1])) - 1)}"
        commands: list[tuple[Arg, ...]] = [
            ("ZRANGEBYSCORE", self.keys.room(room, "feed"), low, "+inf", "LIMIT", 0, limit)
            for room in dict.fromkeys(rooms)
        ]
        batches = await self._call("read_feed", lambda: self.resp.execute_many(commands))
        items = [_decode_feed(r) for batch in batches for r in batch]
        items.sort(key=lambda i: i.seq)
        return items[:limit]

    # -- coordination ---------------------------------------------------------
    async def claim(self, key: str, ttl: float) -> bool:
        px = max(1, int(ttl * 1000))
        ok = await self._call(
            "claim",
            lambda: self.resp.execute("SET", self.coord("claim", key), b"1", "NX", "PX", px),
        )
        return ok is not None

    async def release_claim(self, key: str) -> None:
        await self._call("claim", lambda: self.resp.execute("DEL", self.coord("claim", key)))

    async def claim_with_items(
        self, key: str, ttl: float, items: list[tuple[str, str, dict[str, Any]]]
    ) -> bool:
        keys: list[Arg] = [self.coord("claim", key)]
        args: list[Arg] = [max(1, int(ttl * 1000))]
        index: dict[str, int] = {}
        for kind, item_key, value in items:
            if kind not in index:
                keys.append(self.coord("item", kind))
                index[kind] = len(keys)
            args.extend((index[kind], item_key, orjson.dumps(value)))
        done = await self._call(
            "claim_with_items", lambda: self._claim_with_items(keys=keys, args=args)
        )
        return bool(int(done))

    # -- generic records ------------------------------------------------------
    async def append_record(
        self, kind: str, record: dict[str, Any], max_len: int = 100_000
    ) -> None:
        keys = [self.key("rec", kind)]
        args: list[Arg] = [orjson.dumps(record), max(1, max_len)]
        await self._call("append_record", lambda: self._append_record(keys=keys, args=args))

    async def read_records(self, kind: str, limit: int = 1000) -> list[dict[str, Any]]:
        if limit <= 0:
            return []
        raws = await self._call(
            "read_records", lambda: self.resp.execute("LRANGE", self.key("rec", kind), -limit, -1)
        )
        return [orjson.loads(r) for r in raws]

    async def put_item(self, kind: str, key: str, value: dict[str, Any]) -> None:
        await self._call(
            "put_item",
            lambda: self.resp.execute("HSET", self.coord("item", kind), key, orjson.dumps(value)),
        )

    async def get_items(self, kind: str) -> dict[str, dict[str, Any]]:
        flat = await self._call(
            "get_items", lambda: self.resp.execute("HGETALL", self.coord("item", kind))
        )
        return {_text(flat[i]): orjson.loads(flat[i + 1]) for i in range(0, len(flat), 2)}

    async def delete_item(self, kind: str, key: str) -> bool:
        n = await self._call(
            "delete_item", lambda: self.resp.execute("HDEL", self.coord("item", kind), key)
        )
        return bool(n)


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


def _decode_feed(raw: Any) -> FeedItem:
    d = orjson.loads(raw)
    return FeedItem(int(d["seq"]), float(d["ts"]), str(d["type"]), str(d["room"]), d["data"])
