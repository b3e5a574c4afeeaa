"""The Redis store's coordination: claims for exactly-once steps, keyed items, records."""

from __future__ import annotations

from typing import Any

import orjson

from alerts.store.redis_base import RedisStoreBase, as_text
from alerts.store.resp import Arg


class RedisCoordination(RedisStoreBase):
    """Claim steps across instances and keep keyed items and bounded record lists."""

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
        return {as_text(flat[i]): orjson.loads(flat[i + 1]) for i in range(0, len(flat), 2)}

    async def delete_item(self, kind: str, key: str) -> bool:
        n = await self._call(
            "delete_item", lambda: self.resp.execute("HDEL", self.coord("item", kind), key)
        )
        return bool(n)
