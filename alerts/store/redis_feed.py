"""The Redis store's console feed log: one global log and one per room, by feed seq."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from alerts.store.base import FeedItem
from alerts.store.redis_base import RedisStoreBase
from alerts.store.resp import Arg


class RedisFeedLog(RedisStoreBase):
    """Append to and read the console feed log (seq from a Redis counter)."""

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


def _decode_feed(raw: Any) -> FeedItem:
    d = orjson.loads(raw)
    return FeedItem(int(d["seq"]), float(d["ts"]), str(d["type"]), str(d["room"]), d["data"])
