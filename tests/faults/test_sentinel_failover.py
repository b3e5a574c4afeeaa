"""Redis Sentinel: the master dies under load, a replica is promoted, the instances follow it.

A real master with two replicas and three sentinels, two real `roomwatch run` instances on
`store.sentinel` with `store.wait_replicas: 1` sharing the rooms, ingest under steady load
through both while the master is killed with SIGKILL. They must answer 503 (never 200)
while there is no master, each take events again on the promoted replica by itself, and
every event answered 200 must be processed: with WAIT a 200 means a replica held the
event, and Sentinel promotes the replica with the most data.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path

import aiohttp
import pytest
from redis.exceptions import RedisError

from alerts.store.connect import RedisTarget
from alerts.store.redis import RedisStore
from alerts.store.resp import RespConnectionError
from config.store import SentinelConfig
from tests.cluster.support import cluster_yaml
from tests.faults.instances import Instance
from tests.faults.test_single_instance_durable import ROOMS, batch, post, processed_ids
from tests.sentinel_servers import SentinelSetup
from tests.support import wait_for

pytestmark = pytest.mark.slow


def sentinel_yaml(setup: SentinelSetup, *, wait_replicas: int) -> str:
    text = cluster_yaml("placeholder", rooms=ROOMS, cluster=False, lease_ttl=1.0)
    sentinels = ", ".join(f'"{a}"' for a in setup.addresses)
    store = (
        f"sentinel: {{master: {setup.name}, sentinels: [{sentinels}]}}, "
        f"wait_replicas: {wait_replicas}, wait_timeout: 1.0"
    )
    return text.replace('redis_url: "placeholder"', store)


async def test_master_killed_under_load_the_instances_follow_and_lose_nothing(
    tmp_path: Path,
) -> None:
    setup = SentinelSetup(replicas=2)
    instances: list[Instance] = []
    target = RedisTarget(sentinel=SentinelConfig(master=setup.name, sentinels=setup.addresses))
    store: RedisStore | None = None
    accepted: list[str] = []
    statuses: Counter[int] = Counter()
    after_kill: Counter[int] = Counter()
    taken_again: Counter[str] = Counter()  # 200s after the promotion, per instance
    killed = asyncio.Event()
    promoted_seen = asyncio.Event()
    stop = asyncio.Event()
    try:
        await asyncio.to_thread(setup.start)
        old = await asyncio.to_thread(setup.master_port)
        config = sentinel_yaml(setup, wait_replicas=1)
        instances = [Instance(config, tmp_path, f"inst{k}") for k in range(2)]
        for inst in instances:
            inst.start()
        for inst in instances:
            await asyncio.to_thread(inst.wait_healthy, 30.0)
        async with aiohttp.ClientSession() as http:

            async def load() -> None:
                n = 0
                while not stop.is_set():
                    inst = instances[(n // 40) % len(instances)]
                    status, ids = await post(http, inst.url, batch(n, 40))
                    statuses[status] += 1
                    if killed.is_set():
                        after_kill[status] += 1
                    if status == 200 and promoted_seen.is_set():
                        taken_again[inst.name] += 1
                    accepted.extend(ids)
                    n += 40
                    await asyncio.sleep(0.01)

            loader = asyncio.create_task(load())
            await wait_for(lambda: len(accepted) >= 2_000, 60, "load before the kill")
            await asyncio.to_thread(setup.node(old).kill)
            killed.set()
            killed_at = time.monotonic()

            async def promoted() -> bool:
                return await asyncio.to_thread(setup.master_port) != old

            await wait_for(promoted, 60, "the sentinels to promote a replica")
            promoted_after = time.monotonic() - killed_at
            promoted_seen.set()
            before = len(accepted)
            # Each instance takes events again on the new master, on its own.
            await wait_for(
                lambda: len(accepted) >= before + 1_000 and len(taken_again) == len(instances),
                60,
                "200s from every instance after failover",
            )
            stop.set()
            await loader
        new = await asyncio.to_thread(setup.master_port)
        assert await asyncio.to_thread(setup.role, setup.node(new)) == "master"
        assert set(statuses) <= {200, 503}, statuses
        assert after_kill[503] > 0, after_kill  # there was a window without a master

        store = RedisStore.from_target(target, prefix="rw")

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
        await asyncio.to_thread(setup.close)


async def test_a_coordinated_failover_demotes_the_live_master_and_clients_move() -> None:
    # SENTINEL FAILOVER keeps the old master running and turns it into a replica: clients
    # still connected to it get READONLY (or UNBLOCKED) and must go back to the sentinels.
    setup = SentinelSetup(replicas=1)
    target = RedisTarget(sentinel=SentinelConfig(master=setup.name, sentinels=setup.addresses))
    resp = target.resp(retries=3, timeout=2.0, connect_timeout=1.0)
    client = target.redis(socket_timeout=2.0)
    try:
        await asyncio.to_thread(setup.start)
        old = await asyncio.to_thread(setup.master_port)
        assert await resp.execute("SET", "k", "before") == b"OK"
        assert await client.set("k2", "before")
        with setup.sentinels[0].client() as s:
            s.execute_command("SENTINEL", "FAILOVER", setup.name)

        async def moved() -> bool:
            return await asyncio.to_thread(setup.master_port) != old

        await wait_for(moved, 60, "the coordinated failover")

        async def demoted() -> bool:
            return await asyncio.to_thread(setup.role, setup.node(old)) != "master"

        # Until the sentinels turn the old master into a replica it still takes writes
        # (two masters for a moment); docs/scaling.md says what that window can lose.
        await wait_for(demoted, 60, "the old master to become a replica")

        async def written(n: int) -> bool:
            try:
                ok = await resp.execute("SET", "k", f"after{n}") == b"OK"
                return ok and bool(await client.set("k2", "after"))
            except (RespConnectionError, RedisError):
                return False

        tries = iter(range(1_000_000))
        await wait_for(lambda: written(next(tries)), 60, "writes on the new master")
        new = await asyncio.to_thread(setup.master_port)
        assert resp.address == ("127.0.0.1", new)
    finally:
        await resp.close()
        await client.aclose()
        await target.close()
        await asyncio.to_thread(setup.close)
