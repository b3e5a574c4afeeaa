"""Redis Cluster: a shard's master dies under load, its replica is promoted, instances follow.

A real 3-master cluster with two replicas per master (cluster-node-timeout 2 s), two real
`roomwatch run` instances on `store.cluster` with `store.wait_replicas: 1` sharing six
rooms (spread over the three shards), ingest under steady load through both while the
master holding room-0's slot is killed with SIGKILL. Ingest must answer 503 (never a
200 that is then lost) while that shard has no master, each instance must take events
again once a replica is promoted, and every event answered 200 must be processed: with
WAIT a 200 means a replica of every shard the batch touched held the events, and Redis
Cluster promotes the replica with the most data.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path

import aiohttp
import pytest

from alerts.store.keys import KeyLayout
from alerts.store.redis import RedisStore
from tests.faults.backends import Backend
from tests.faults.instances import Instance
from tests.faults.test_single_instance_durable import post, processed_ids
from tests.redis_cluster import RedisClusterNodes
from tests.support import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

ROOMS = 6


def batch(first: int, size: int) -> list[dict[str, object]]:
    # "探针" is flagged by a category no plan counts: one traceable feed item per event.
    return [
        {"kind": "comment", "room": f"room-{n % ROOMS}", "id": f"e{n}", "text": f"探针 {n}"}
        for n in range(first, first + size)
    ]


async def test_shard_master_killed_under_load_instances_follow_and_lose_nothing(
    tmp_path: Path,
) -> None:
    nodes = RedisClusterNodes(masters=3, replicas=2)
    instances: list[Instance] = []
    store: RedisStore | None = None
    accepted: list[str] = []
    statuses: Counter[int] = Counter()
    after_kill: Counter[int] = Counter()
    taken_again: Counter[str] = Counter()  # 200s after the promotion, per instance
    killed = asyncio.Event()
    promoted_seen = asyncio.Event()
    stop = asyncio.Event()
    try:
        await asyncio.to_thread(nodes.start)
        backend = Backend.of_cluster(nodes)
        text = backend.yaml(rooms=ROOMS, lease_ttl=1.0)
        text = text.replace(
            "key_prefix: rw}", "key_prefix: rw, wait_replicas: 1, wait_timeout: 1.0}"
        )
        assert "wait_replicas: 1" in text
        instances = [Instance(text, tmp_path, f"inst{k}") for k in range(2)]
        for inst in instances:
            inst.start()
        for inst in instances:
            await asyncio.to_thread(inst.wait_healthy, 30.0)
        room_0 = KeyLayout("rw").stream("room-0")
        old = (await asyncio.to_thread(nodes.master_of, room_0)).port
        async with aiohttp.ClientSession() as http:

            async def load() -> None:
                n = 0
                while not stop.is_set():
                    inst = instances[(n // 60) % len(instances)]
                    status, ids = await post(http, inst.url, batch(n, 60))
                    statuses[status] += 1
                    if killed.is_set():
                        after_kill[status] += 1
                    if status == 200 and promoted_seen.is_set():
                        taken_again[inst.name] += 1
                    accepted.extend(ids)
                    n += 60
                    await asyncio.sleep(0.01)

            loader = asyncio.create_task(load())
            await wait_for(lambda: len(accepted) >= 2_000, 60, "load before the kill")
            await asyncio.to_thread(nodes.node(old).kill)
            killed.set()
            killed_at = time.monotonic()

            async def promoted() -> bool:
                return (await asyncio.to_thread(nodes.master_of, room_0)).port != old

            await wait_for(promoted, 60, "a replica to be promoted")
            promoted_after = time.monotonic() - killed_at
            promoted_seen.set()
            before = len(accepted)
            await wait_for(
                lambda: len(accepted) >= before + 1_000 and len(taken_again) == len(instances),
                60,
                "200s from every instance after the failover",
            )
            stop.set()
            await loader
        assert set(statuses) <= {200, 503}, statuses
        assert after_kill[503] > 0, after_kill  # there was a window without that master

        store = backend.store()

        async def all_processed() -> bool:
            return await processed_ids(store) >= set(accepted)

        try:
            await wait_for(all_processed, 90, "every accepted event to be processed")
        except AssertionError:
            missing = set(accepted) - await processed_ids(store)
            raise AssertionError(
                f"{len(missing)} of {len(accepted)} accepted events were lost "
                f"(first {sorted(missing)[:5]})\n{instances[0].log()[-3000:]}"
            ) from None
        print(
            f"accepted {len(accepted)} ({dict(statuses)}; after the kill {dict(after_kill)}), "
            f"replica promoted {promoted_after:.1f}s after the kill, 200s after it per "
            f"instance {dict(taken_again)}, 0 lost"
        )
    finally:
        for inst in instances:
            await asyncio.to_thread(inst.stop)
        if store is not None:
            await store.close()
        await asyncio.to_thread(nodes.close)
