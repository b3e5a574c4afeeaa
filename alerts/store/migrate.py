"""Move an older deployment's keys to the room-tagged layout (alerts/store/keys.py).

Before the layout gave every room a hash tag, keys were `{prefix}:alert:<id>`,
`{prefix}:in:<room>`, `{prefix}:room:<room>:open`, one `alerts:versions` hash and so on.
`roomwatch migrate-keys --config F` moves them, with every instance stopped: from the old
single Redis (`--from URL`, default the configured one) to the configured store (the same
Redis, a Sentinel master, or Redis Cluster). Keys move whole with DUMP/RESTORE, which keeps a
stream's consumer groups and pending entries and a key's remaining TTL; the hashes that
held every room's entries (alert versions, fingerprints) are split by room. The old keys
are deleted once everything is written, so running it again finds nothing left to do, and
a run cut short can simply be run again (RESTORE replaces). Leases and the instances'
heartbeats are not moved: they would only have expired.

`roomwatch run` refuses to start while old-layout keys are still in the store (it would
otherwise start empty and leave the old streams' events unprocessed).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import orjson
import redis.asyncio as aioredis

from alerts.store.connect import RedisClient
from alerts.store.keys import KeyLayout

log = logging.getLogger(__name__)


def old_markers(prefix: str) -> list[str]:
    """Return keys only the old layout has (any one of them: not migrated yet)."""
    return [f"{prefix}:{part}" for part in ("alerts:versions", "alerts:all", "feed:seq")]


async def old_layout_present(client: RedisClient, prefix: str) -> bool:
    """Say whether the store still holds keys of the old layout."""
    for key in old_markers(prefix):
        if await client.exists(key):
            return True
    return False


async def _scan(source: aioredis.Redis, prefix: str) -> AsyncIterator[str]:
    async for raw in source.scan_iter(match=f"{prefix}:*", count=1000):
        key = raw.decode() if isinstance(raw, bytes) else str(raw)
        if "{" not in key:  # new-layout keys all carry a hash tag
            yield key


class KeyMigration:
    """One run of the migration (see the module doc); `counts` says what moved."""

    def __init__(
        self,
        source: aioredis.Redis,
        target: RedisClient,
        prefix: str,
        *,
        same_server: bool,
        dry_run: bool = False,
    ) -> None:
        self.source = source
        self.target = target
        self.same_server = same_server  # then keys whose name stays are left alone
        self.prefix = prefix
        self.keys = KeyLayout(prefix)
        self.dry_run = dry_run
        self.counts: Counter[str] = Counter()
        self._done: list[str] = []  # old keys written to the new layout: deleted at the end

    async def run(self) -> Counter[str]:
        """Move every old-layout key; return the counts by kind."""
        p = f"{self.prefix}:"
        alert_keys: list[str] = []
        for_later: list[str] = []
        async for key in _scan(self.source, self.prefix):
            rest = key[len(p) :]
            if rest.startswith("alert:"):
                alert_keys.append(key)
            else:
                for_later.append(key)
        rooms = await self._alerts(alert_keys)
        await self._index_rooms(rooms)
        for key in for_later:
            await self._one(key[len(p) :], key, rooms)
        if not self.dry_run and self._done:
            for i in range(0, len(self._done), 500):
                await self.source.delete(*self._done[i : i + 500])
        return self.counts

    async def _move(self, old: str, new: str, kind: str) -> None:
        """Copy one key whole (DUMP/RESTORE: type, content, stream groups, remaining TTL)."""
        self.counts[kind] += 1
        if self.dry_run:
            return
        dumped = await self.source.dump(old)
        if dumped is None:
            return
        ttl = await self.source.pttl(old)
        await self.target.restore(new, max(0, int(ttl)), dumped, replace=True)
        self._done.append(old)

    async def _alerts(self, alert_keys: list[str]) -> dict[str, str]:
        """Move every alert under its room's tag; return alert id -> room."""
        p = f"{self.prefix}:alert:"
        rooms: dict[str, str] = {}
        heads = [k for k in alert_keys if not k.endswith(":comments")]
        for key in heads:
            raw = await self.source.get(key)
            if raw is None:
                continue
            alert_id = key[len(p) :]
            rooms[alert_id] = str(orjson.loads(raw)["room"])
        for key in alert_keys:
            alert_id = key[len(p) :].removesuffix(":comments")
            room = rooms.get(alert_id)
            if room is None:
                log.warning("skipping %s: no alert record says which room it is of", key)
                self.counts["skipped"] += 1
                continue
            suffix = ":comments" if key.endswith(":comments") else ""
            await self._move(key, self.keys.room(room, "alert", alert_id) + suffix, "alert keys")
        return rooms

    async def _one(self, rest: str, key: str, rooms: dict[str, str]) -> None:
        keys = self.keys
        if rest.startswith("in:"):
            await self._move(key, keys.stream(rest[3:]), "streams")
        elif rest.startswith("windows:"):
            await self._move(key, keys.windows(rest[len("windows:") :]), "windows")
        elif rest.startswith("room:") and rest.endswith((":all", ":open")):
            room, _, which = rest[len("room:") :].rpartition(":")
            await self._move(key, keys.room(room, which), "room indexes")
        elif rest.startswith("feed:room:"):
            await self._move(key, keys.room(rest[len("feed:room:") :], "feed"), "room feed logs")
        elif rest in ("feed:seq", "feed:log"):
            await self._move(key, keys.shared("feed", rest[len("feed:") :]), "feed")
        elif rest in ("alerts:all", "alerts:open"):
            await self._move(key, keys.shared("alerts", "ix:" + rest[len("alerts:") :]), "index")
        elif rest.startswith(("claim:", "item:")):
            await self._move(key, keys.shared("coord", rest), "claims and items")
        elif rest == "alerts:versions":
            await self._split_versions(key, rooms)
        elif rest in ("fp:open", "fp:latest"):
            await self._split_fingerprints(key, rest, rooms)
        elif rest.startswith("lease:") or rest == "cluster:members":
            self.counts["dropped (leases, heartbeats)"] += 1
            if not self.dry_run:
                self._done.append(key)
        elif not self.same_server:
            await self._move(key, key, "other keys (same name)")  # rec:<kind> and the like

    async def _index_rooms(self, rooms: dict[str, str]) -> None:
        """Write the id -> room hash get_alert reads."""
        if self.dry_run or not rooms:
            return
        items = list(rooms.items())
        for i in range(0, len(items), 1000):
            chunk: dict[Any, Any] = dict(items[i : i + 1000])
            await self.target.hset(self.keys.shared("alerts", "ids"), mapping=chunk)

    async def _split_versions(self, key: str, rooms: dict[str, str]) -> None:
        versions: dict[Any, Any] = await self.source.hgetall(key)
        by_room: dict[str, dict[Any, Any]] = {}
        for raw_id, version in versions.items():
            alert_id = raw_id.decode() if isinstance(raw_id, bytes) else str(raw_id)
            room = rooms.get(alert_id)
            if room is not None:
                by_room.setdefault(room, {})[alert_id] = version
        self.counts["versions"] += len(versions)
        if self.dry_run:
            return
        for room, mapping in by_room.items():
            await self.target.hset(self.keys.room(room, "versions"), mapping=mapping)
            await self.target.hset(self.keys.shared("alerts", "ix:ver"), mapping=mapping)
        self._done.append(key)

    async def _split_fingerprints(self, key: str, which: str, rooms: dict[str, str]) -> None:
        entries: dict[Any, Any] = await self.source.hgetall(key)
        self.counts["fingerprints"] += len(entries)
        if self.dry_run:
            return
        for fp, raw_id in entries.items():
            alert_id = raw_id.decode() if isinstance(raw_id, bytes) else str(raw_id)
            room = rooms.get(alert_id)
            if room is not None:
                await self.target.hset(self.keys.room(room, *which.split(":")), fp, alert_id)
        self._done.append(key)
