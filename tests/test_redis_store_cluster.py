"""RedisStore on a real local Redis Cluster: what differs from one Redis.

The contract suite (tests/contract) runs on the cluster too; here are the cluster's own
paths: the cross-room index (a second call on a cluster) never misses an open alert and
heals what a lost call left behind, and every key of a room hashes to the room's slot.
"""

from __future__ import annotations

import pytest
import redis
from redis.crc import key_slot

from alerts.model import AlertState
from alerts.store.base import StoreError
from alerts.store.connect import RedisTarget
from alerts.store.keys import KeyLayout
from alerts.store.redis import RedisStore
from alerts.store.resp_cluster import ClusterRespClient
from config.store import RedisClusterConfig
from tests.contract.test_store_contract import make_alert
from tests.redis_cluster import RedisClusterNodes


def cluster_store(cluster: RedisClusterNodes) -> RedisStore:
    nodes = [f"{h}:{p}" for h, p in cluster.startup_nodes]
    return RedisStore.from_target(RedisTarget(cluster=RedisClusterConfig(nodes=nodes)), prefix="t")


async def test_the_cross_room_index_never_misses_an_open_alert(
    redis_cluster: RedisClusterNodes,
) -> None:
    store = cluster_store(redis_cluster)
    errors: list[str] = []
    store.on_error = lambda op, exc: errors.append(op)
    ver = store.keys.shared("alerts", "ix:ver")
    ix_open = store.keys.shared("alerts", "ix:open")
    open_states = [AlertState.FIRING, AlertState.ACKNOWLEDGED]
    try:
        # The index's version hash is the wrong type, so its script fails (as it would
        # while its shard fails over). An open alert is indexed first: nothing is written.
        await store.resp.execute("SET", ver, "not a hash")
        alert = make_alert(1, room="room-a")
        with pytest.raises(StoreError):
            await store.put_alert(alert)
        assert await store.find_open(alert.fingerprint, "room-a") is None
        await store.resp.execute("DEL", ver)
        await store.put_alert(alert)
        assert await store.list_alerts(states=open_states) == [alert]
        # Closing it: the alert is written first, its index call is owed, not raised.
        await store.resp.execute("SET", ver, "not a hash")
        closed = alert.evolve(state=AlertState.RESOLVED, resolved_at=2.0, version=2)
        await store.put_alert(closed, expect_version=1)
        assert errors == ["put_alert", "index_alert"]
        assert await store.get_alert(alert.id) == closed
        assert await store.list_alerts(states=open_states) == []  # read, seen closed
        assert await store.resp.execute("ZSCORE", ix_open, alert.id) is not None
        await store.resp.execute("DEL", ver)
        assert await store.list_alerts() == [closed]  # the owed call went with this list
        assert await store.resp.execute("ZSCORE", ix_open, alert.id) is None
    finally:
        await store.close()


async def test_a_closed_alert_left_in_the_open_index_is_taken_out_when_read(
    redis_cluster: RedisClusterNodes,
) -> None:
    store = cluster_store(redis_cluster)
    ix_open = store.keys.shared("alerts", "ix:open")
    try:
        alert = make_alert(1, room="room-b")
        await store.put_alert(alert)
        closed = alert.evolve(state=AlertState.RESOLVED, resolved_at=2.0, version=2)
        await store.put_alert(closed, expect_version=1)
        # As if an open version's index call had come after the closing one's.
        await store.resp.execute("ZADD", ix_open, alert.started_at, alert.id)
        open_states = [AlertState.FIRING, AlertState.ACKNOWLEDGED]
        assert await store.list_alerts(states=open_states) == []
        assert await store.list_alerts(states=open_states) == []  # heals with this one
        assert await store.resp.execute("ZSCORE", ix_open, alert.id) is None
    finally:
        await store.close()


async def test_index_calls_arriving_out_of_order_keep_the_newest_version(
    redis_cluster: RedisClusterNodes,
) -> None:
    store = cluster_store(redis_cluster)
    g = store.keys.shared
    index = store._index_keys()

    async def entry(alert_id: str) -> tuple[bytes | None, bytes | None, bytes | None, bytes | None]:
        return (
            await store.resp.execute("HGET", g("alerts", "ix:ver"), alert_id),
            await store.resp.execute("HGET", g("alerts", "ids"), alert_id),
            await store.resp.execute("ZSCORE", g("alerts", "ix:all"), alert_id),
            await store.resp.execute("ZSCORE", g("alerts", "ix:open"), alert_id),
        )

    try:
        alert = make_alert(1, room="room-a", started=100.0)
        await store.put_alert(alert, expect_version=0)
        assert await entry(alert.id) == (b"1", b"room-a", b"100", b"100")
        # A writer that lost the compare-and-set for version 2 had indexed it open first;
        # the winner's version 2 (closed) replaces that entry.
        loser = alert.evolve(version=2, started_at=150.0)
        await store._index_alert(keys=index, args=store._index_args(loser))
        assert await entry(alert.id) == (b"2", b"room-a", b"150", b"150")
        closed = alert.evolve(state=AlertState.RESOLVED, resolved_at=2.0, version=2)
        await store.put_alert(closed, expect_version=1)
        assert await entry(alert.id) == (b"2", b"room-a", b"100", None)
        # Version 1's call arriving late (a retry) changes nothing.
        await store._index_alert(keys=index, args=store._index_args(alert))
        assert await entry(alert.id) == (b"2", b"room-a", b"100", None)
        reopened = alert.evolve(version=3, started_at=300.0)
        await store.put_alert(reopened, expect_version=2)
        assert await entry(alert.id) == (b"3", b"room-a", b"300", b"300")
    finally:
        await store.close()


async def test_a_rooms_keys_share_its_slot_and_scripts_refuse_nothing(
    redis_cluster: RedisClusterNodes,
) -> None:
    store = cluster_store(redis_cluster)
    try:
        rooms = [f"room-{i}" for i in range(12)]
        for n, room in enumerate(rooms):
            await store.put_alert(make_alert(n, room=room))
            await store.append_feed("flag", room, float(n), {"n": n})
        keys = [k.decode() for node in redis_cluster.nodes for k in node_keys(node.port)]
        by_room: dict[str, set[int]] = {}
        for key in keys:
            room = store.keys.room_of(key)
            if room is not None:
                by_room.setdefault(room, set()).add(key_slot(key.encode()))
        assert sorted(by_room) == sorted(rooms)
        assert all(len(slots) == 1 for slots in by_room.values()), by_room
        # The rooms spread over the three masters.
        resp = store.resp
        assert isinstance(resp, ClusterRespClient)
        owners = {resp.slot_owner(next(iter(s))) for s in by_room.values()}
        assert len(owners) == 3
        assert [i.room for i in await store.read_feed(0, rooms=rooms)] == rooms
    finally:
        await store.close()


def node_keys(port: int) -> list[bytes]:
    with redis.Redis(port=port) as r:
        return list(r.keys("t:*"))


def test_a_prefix_with_braces_is_refused() -> None:
    # The config's key_prefix pattern has no braces; the layout checks it for other callers.
    with pytest.raises(ValueError, match="braces"):
        KeyLayout("a{b}")
    keys = KeyLayout("rw")
    assert keys.stream("shop-1") == "rw:{shop-1}:in"
    assert keys.room_of("rw:{shop-1}:alert:abc:comments") == "shop-1"
    assert keys.room_of("rw:{alerts}:ix:open") is None  # a shared slot's key
    assert keys.room_of("rw:{alerts}:open") == "alerts"  # a room named "alerts"
    assert keys.room_of("rw:rec:audit") is None


@pytest.mark.parametrize("backend", ["redis", "redis-cluster"])
async def test_after_lost_writes_another_instance_never_gets_a_seq_already_shown(
    backend: str, request: pytest.FixtureRequest
) -> None:
    # A failover that lost the counter's newest writes, then an instance that saw the
    # higher seqs reconnects: its first command on the new connection raises the counter
    # (on a cluster at the node serving the feed), so another instance appending next gets
    # no seq that consoles have shown already.
    if backend == "redis":
        url = request.getfixturevalue("redis_url")
        seen_here, other = (
            RedisStore.from_url(url, prefix="t"),
            RedisStore.from_url(url, prefix="t"),
        )
        server = redis.Redis.from_url(url)
    else:
        cluster: RedisClusterNodes = request.getfixturevalue("redis_cluster")
        seen_here, other = cluster_store(cluster), cluster_store(cluster)
        seq_key = seen_here.keys.shared("feed", "seq")
        server = redis.Redis(port=cluster.master_of(seq_key).port)
    seq_key = seen_here.keys.shared("feed", "seq")
    try:
        for i in range(5):
            await seen_here.append_feed("flag", "room-a", float(i), {"i": i})
        seen_here.saw_feed_seq(7)  # appended elsewhere, seen on the feed bus
        server.set(seq_key, 2)  # the failover lost the counter's newest writes
        server.client_kill_filter(_type="normal", skipme=True)  # every connection drops
        await seen_here.read_feed(0)  # the instance that saw 7 reconnects first
        assert int(server.get(seq_key) or 0) == 7
        appended = await other.append_feed("flag", "room-b", 9.0, {"i": 9})
        assert appended.seq == 8
    finally:
        server.close()
        await seen_here.close()
        await other.close()
