"""Run a Lua script over many rooms' keys on one Redis or, split by slot, on Redis Cluster.

The cluster parts keep one script call over every room where they can (leases, backlog
polls, trims): on one Redis that is one round trip. Redis Cluster refuses a script whose
keys are in more than one slot, and every room has a slot of its own, so there the keys are
grouped by slot and the script runs once per group, all of them in one redis-py cluster
pipeline (one write per shard), and the per-key replies are put back in the keys' order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from redis.asyncio.cluster import RedisCluster
from redis.exceptions import NoScriptError

from alerts.store.connect import RedisClient
from alerts.store.resp_cluster import slot_indexes


class PerKeyScript:
    """A script that returns one reply per key (a list in KEYS order), on any topology."""

    def __init__(self, client: RedisClient, source: str) -> None:
        self._client = client
        self._source = source
        self._script = client.register_script(source)

    async def __call__(self, keys: Sequence[str], args: Sequence[Any] = ()) -> list[Any]:
        if not keys:
            return []
        client = self._client
        if not isinstance(client, RedisCluster):
            return list(await self._script(keys=list(keys), args=list(args)))
        groups = slot_indexes(keys)
        sha = self._script.sha
        for attempt in range(2):
            try:
                async with client.pipeline(transaction=False) as pipe:
                    for idx in groups:
                        pipe.evalsha(sha, len(idx), *(keys[i] for i in idx), *args)
                    replies: list[Any] = await pipe.execute()
                break
            except NoScriptError:
                if attempt:
                    raise
                await client.script_load(self._source)  # on every master
        out: list[Any] = [None] * len(keys)
        for idx, reply in zip(groups, replies, strict=True):
            for i, value in zip(idx, reply, strict=True):
                out[i] = value
        return out
