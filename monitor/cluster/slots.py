"""Run a Lua script over many rooms' keys on one Redis or, split by slot, on Redis Cluster.

The cluster parts keep one script call over every room where they can (leases, backlog
polls, trims): on one Redis that is one round trip. Redis Cluster refuses a script whose
keys are in more than one slot, and every room has a slot of its own, so there the keys are
grouped by slot and the script runs once per group, all of a shard's calls in one write,
and the per-key replies are put back in the keys' order. Those calls go through the store's
pipelined ClusterRespClient when one is given (`fast`): with a thousand rooms a backlog poll
is a thousand script calls five times a second, which cost an idle instance a tenth of a
core more through redis-py's cluster pipeline (docs/scaling.md, "Redis Cluster").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from redis.asyncio.cluster import RedisCluster
from redis.exceptions import NoScriptError, ResponseError

from alerts.store.connect import RedisClient
from alerts.store.resp import RespError
from alerts.store.resp_cluster import ClusterRespClient, slot_indexes


class PerKeyScript:
    """A script that returns one reply per key (a list in KEYS order), on any topology."""

    def __init__(
        self, client: RedisClient, source: str, fast: ClusterRespClient | None = None
    ) -> None:
        self._client = client
        self._source = source
        self._script = client.register_script(source)
        self._fast = fast if isinstance(client, RedisCluster) else None
        self._fast_script = self._fast.script(source) if self._fast is not None else None

    async def __call__(self, keys: Sequence[str], args: Sequence[Any] = ()) -> list[Any]:
        if not keys:
            return []
        client = self._client
        if not isinstance(client, RedisCluster):
            return list(await self._script(keys=list(keys), args=list(args)))
        groups = slot_indexes(keys)
        if self._fast is not None and self._fast_script is not None:
            script = self._fast_script
            commands = [script.args([keys[i] for i in idx], list(args)) for idx in groups]
            try:
                got = await self._fast.execute_many(commands, scripts=[script] * len(groups))
            except RespError as exc:  # as redis-py would say it, for the callers' handlers
                raise ResponseError(str(exc)) from exc
            return _in_order(len(keys), groups, got)
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
        return _in_order(len(keys), groups, replies)


def _in_order(n: int, groups: list[list[int]], replies: list[Any]) -> list[Any]:
    """Put per-group lists of per-key replies back in the keys' order."""
    out: list[Any] = [None] * n
    for idx, reply in zip(groups, replies, strict=True):
        for i, value in zip(idx, reply, strict=True):
            out[i] = value
    return out
