"""The store's client on a real local Redis Cluster: routing, ASK, MOVED, a shard's failover."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
import redis
from redis.crc import key_slot

from alerts.store.resp import RespConnectionError, RespError
from alerts.store.resp_cluster import ClusterRespClient
from tests.redis_cluster import RedisClusterNodes
from tests.support import wait_for

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster() -> Iterator[RedisClusterNodes]:
    nodes = RedisClusterNodes(masters=3)
    nodes.start()
    try:
        yield nodes
    finally:
        nodes.close()


@pytest.fixture
async def client(cluster: RedisClusterNodes) -> AsyncIterator[ClusterRespClient]:
    c = ClusterRespClient(cluster.startup_nodes[:1], timeout=5.0)
    try:
        yield c
    finally:
        await c.close()


def node_id(port: int) -> str:
    with redis.Redis(port=port, decode_responses=True) as r:
        return str(r.execute_command("CLUSTER", "MYID"))


async def test_commands_go_to_their_slots_and_replies_keep_their_order(
    client: ClusterRespClient,
) -> None:
    keys = [f"{{room-{i}}}:k" for i in range(60)]
    await client.execute_many([("SET", k, str(i)) for i, k in enumerate(keys)])
    owners = {client.slot_owner(key_slot(k.encode())) for k in keys}
    assert len(owners) == 3  # the rooms spread over the three masters
    got = await client.execute_many([("GET", k) for k in keys])
    assert got == [str(i).encode() for i in range(60)]
    script = client.script("return redis.call('INCRBY', KEYS[1], ARGV[1])")
    assert await script(keys=["{room-7}:n"], args=[5]) == 5
    assert await script(keys=["{room-8}:n"], args=[2]) == 2
    with pytest.raises(RespError, match="CROSSSLOT"):
        await client.execute("MSET", "{a}x", "1", "{b}x", "2")


async def test_a_slot_being_moved_is_followed_through_ask_then_moved(
    cluster: RedisClusterNodes, client: ClusterRespClient
) -> None:
    key, new = "{mig}:old", "{mig}:new"
    slot = key_slot(key.encode())
    await client.execute("SET", key, "before")
    src = client.slot_owner(slot)
    assert src is not None
    dst = next(a for a in {client.slot_owner(s) for s in range(0, 16384, 1000)} if a != src)
    src_id, dst_id = node_id(src[1]), node_id(dst[1])
    with redis.Redis(port=dst[1]) as r:
        r.execute_command("CLUSTER", "SETSLOT", slot, "IMPORTING", src_id)
    with redis.Redis(port=src[1]) as r:
        r.execute_command("CLUSTER", "SETSLOT", slot, "MIGRATING", dst_id)
    # Keys the source no longer (or never) had are asked of the importing node.
    assert await client.execute("SET", new, "asked") == b"OK"
    assert await client.execute("GET", new) == b"asked"
    assert await client.execute("GET", key) == b"before"  # still on the source
    with redis.Redis(port=src[1]) as r:
        r.execute_command("MIGRATE", "127.0.0.1", dst[1], "", 0, 5000, "KEYS", key)
    for port in (dst[1], src[1]):
        with redis.Redis(port=port) as r:
            r.execute_command("CLUSTER", "SETSLOT", slot, "NODE", dst_id)
    refreshes = client.refreshes
    # The slot has moved: MOVED, the map is read again, the command served by its new owner.
    assert await client.execute("GET", key) == b"before"
    assert client.refreshes > refreshes
    assert client.slot_owner(slot) == dst


async def test_a_shard_failover_is_followed() -> None:
    nodes = RedisClusterNodes(masters=3, replicas=1)
    await asyncio.to_thread(nodes.start)
    client = ClusterRespClient(nodes.startup_nodes, timeout=2.0, connect_timeout=1.0)
    try:
        keys = [f"{{room-{i}}}:v" for i in range(30)]
        await client.execute_many([("SET", k, k) for k in keys])
        victim = client.slot_owner(key_slot(keys[0].encode()))
        assert victim is not None

        async def replicated() -> bool:
            return int(await client.node(victim).execute("WAIT", 1, 1000)) >= 1

        await wait_for(replicated, 30, "the victim's writes to reach its replica")
        await asyncio.to_thread(next(n for n in nodes.nodes if n.port == victim[1]).kill)

        async def served() -> bool:
            try:
                return await client.execute("SET", keys[0], "after") == b"OK"
            except RespConnectionError:
                return False

        await wait_for(served, 60, "the replica to take over the dead master's slots")
        assert client.slot_owner(key_slot(keys[0].encode())) != victim
        got = await client.execute_many([("GET", k) for k in keys[1:]])
        assert got == [k.encode() for k in keys[1:]]  # nothing written before was lost
    finally:
        await client.close()
        await asyncio.to_thread(nodes.close)
