"""`roomwatch migrate-keys`: an older deployment's keys move to the room-tagged layout.

The old layout is written here as the previous release wrote it (its key names and value
shapes); after the migration the store, the streams (with their consumer group and pending
entries), claims and records are read through the new layout, on the same Redis and on a
Redis Cluster.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import orjson
import redis.asyncio as aioredis

from alerts.model import AlertState, alert_to_dict, comment_to_dict
from alerts.store.connect import RedisTarget
from alerts.store.migrate import KeyMigration, old_layout_present
from alerts.store.redis import RedisStore
from config.store import RedisClusterConfig
from tests.cluster.support import cluster_yaml
from tests.contract.test_store_contract import make_alert
from tests.faults.instances import MAIN
from tests.redis_cluster import RedisClusterNodes

P = "rw"


async def roomwatch(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the roomwatch command in a process of its own."""
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", MAIN, *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


async def write_old_layout(r: aioredis.Redis) -> dict[str, object]:
    """Write keys as the release before hash tags did; return what to expect back."""
    open_a = make_alert(1, room="room-a", plan="p1")
    closed_a = make_alert(2, room="room-a", plan="p2").evolve(
        state=AlertState.RESOLVED, resolved_at=1_700_000_100.0, version=3
    )
    open_b = make_alert(3, room="room-b", plan="p1")
    for alert in (open_a, closed_a, open_b):
        await r.set(f"{P}:alert:{alert.id}", orjson.dumps(alert_to_dict(alert, comments=False)))
        comments = [orjson.dumps(comment_to_dict(c)) for c in alert.comments]
        await r.rpush(f"{P}:alert:{alert.id}:comments", *comments)
        await r.hset(f"{P}:alerts:versions", alert.id, alert.version)
        await r.zadd(f"{P}:alerts:all", {alert.id: alert.started_at})
        await r.zadd(f"{P}:room:{alert.room}:all", {alert.id: alert.started_at})
        await r.hset(f"{P}:fp:latest", alert.fingerprint, alert.id)
        if alert.is_open:
            await r.zadd(f"{P}:alerts:open", {alert.id: alert.started_at})
            await r.zadd(f"{P}:room:{alert.room}:open", {alert.id: alert.started_at})
            await r.hset(f"{P}:fp:open", alert.fingerprint, alert.id)
    for seq, room in ((1, "room-a"), (2, "room-b"), (3, "room-a")):
        item = orjson.dumps(
            {"seq": seq, "ts": float(seq), "type": "flag", "room": room, "data": {}}
        )
        await r.zadd(f"{P}:feed:log", {item: seq})
        await r.zadd(f"{P}:feed:room:{room}", {item: seq})
    await r.set(f"{P}:feed:seq", 3)
    stream = f"{P}:in:room-a"
    ids = [await r.xadd(stream, {"e": b'{"n": %d}' % i}) for i in range(3)]
    await r.xgroup_create(stream, "roomwatch", id="0")
    await r.xreadgroup("roomwatch", "old-instance", {stream: ">"}, count=2)  # 2 pending
    await r.xack(stream, "roomwatch", ids[0])  # 1 still pending, 1 never read
    await r.set(f"{P}:claim:esc:a00001:1", b"1", px=600_000)
    await r.hset(f"{P}:item:silence", "s1", orjson.dumps({"room": "room-a"}))
    await r.rpush(f"{P}:rec:audit", orjson.dumps({"n": 1}))
    await r.set(f"{P}:lease:room-a", "old-instance", px=600_000)
    await r.zadd(f"{P}:cluster:members", {"old-instance": 1})
    return {"open_a": open_a, "closed_a": closed_a, "open_b": open_b, "pending": ids[1]}


async def check_new_layout(store: RedisStore, client: object, expect: dict[str, object]) -> None:
    """Read everything written by write_old_layout through the new layout."""
    from alerts.model import Alert

    open_a, closed_a, open_b = (expect[k] for k in ("open_a", "closed_a", "open_b"))
    assert isinstance(open_a, Alert) and isinstance(closed_a, Alert) and isinstance(open_b, Alert)
    assert await store.get_alert(open_a.id) == open_a
    assert await store.get_alert(closed_a.id) == closed_a
    assert await store.find_open(open_b.fingerprint, "room-b") == open_b
    assert await store.find_open(closed_a.fingerprint, "room-a") is None
    assert await store.find_latest(closed_a.fingerprint, "room-a") == closed_a
    every = await store.list_alerts()
    assert [a.id for a in every] == [open_b.id, closed_a.id, open_a.id]
    opened = await store.list_alerts(states=[AlertState.FIRING, AlertState.ACKNOWLEDGED])
    assert {a.id for a in opened} == {open_a.id, open_b.id}
    assert [a.id for a in await store.list_alerts(rooms=["room-a"])] == [closed_a.id, open_a.id]
    feed = await store.read_feed(0, rooms=["room-a"])
    assert [i.seq for i in feed] == [1, 3]
    assert (await store.append_feed("flag", "room-b", 4.0, {})).seq == 4  # the counter moved
    # A compare-and-set write on a migrated alert finds its version.
    await store.put_alert(open_a.evolve(version=open_a.version + 1), expect_version=open_a.version)
    assert not await store.claim("esc:a00001:1", 10)  # the claim moved with its TTL
    assert await store.get_items("silence") == {"s1": {"room": "room-a"}}
    assert await store.read_records("audit") == [{"n": 1}]
    assert isinstance(client, aioredis.Redis | aioredis.RedisCluster)
    stream = store.keys.stream("room-a")
    assert await client.xlen(stream) == 3
    pending = await client.xpending(stream, "roomwatch")
    assert pending["pending"] == 1 and pending["min"] == expect["pending"]


async def test_in_place_migration_on_one_redis(redis_url: str) -> None:
    client = aioredis.Redis.from_url(redis_url)
    store = RedisStore.from_url(redis_url, prefix=P)
    try:
        expect = await write_old_layout(client)
        assert await old_layout_present(client, P)
        dry = await KeyMigration(client, client, P, same_server=True, dry_run=True).run()
        assert dry["alert keys"] == 6 and dry["streams"] == 1
        assert await old_layout_present(client, P)  # a dry run changes nothing
        counts = await KeyMigration(client, client, P, same_server=True).run()
        assert counts["alert keys"] == 6 and counts["versions"] == 3
        assert not await old_layout_present(client, P)
        left = sorted(k.decode() for k in await client.keys(f"{P}:*") if b"{" not in k)
        assert left == [f"{P}:rec:audit"]  # records keep their name; nothing else is left
        await check_new_layout(store, client, expect)
        again = await KeyMigration(client, client, P, same_server=True).run()
        assert not again  # nothing left to move
    finally:
        await store.close()
        await client.aclose()


async def test_cli_moves_one_redis_to_a_cluster_and_run_refuses_old_keys(
    redis_url: str, redis_cluster: RedisClusterNodes, tmp_path: Path
) -> None:
    old = aioredis.Redis.from_url(redis_url)
    nodes = [f"{h}:{p}" for h, p in redis_cluster.startup_nodes]
    target = RedisTarget(cluster=RedisClusterConfig(nodes=nodes))
    store = RedisStore.from_target(target, prefix=P)
    cluster_client = RedisTarget(cluster=RedisClusterConfig(nodes=nodes)).redis()
    try:
        expect = await write_old_layout(old)
        single = tmp_path / "single.yaml"
        single.write_text(cluster_yaml(redis_url, prefix=P), encoding="utf-8")
        run = await roomwatch("run", "--config", str(single), "--port", "0")
        assert run.returncode == 2
        assert "run `roomwatch migrate-keys --config " + str(single) in run.stderr

        on_cluster = tmp_path / "cluster.yaml"
        text = cluster_yaml("x", prefix=P).replace(
            'redis_url: "x"', "cluster: {nodes: [" + ", ".join(f'"{n}"' for n in nodes) + "]}"
        )
        on_cluster.write_text(text, encoding="utf-8")
        cmd = ["migrate-keys", "--config", str(on_cluster)]
        missing_from = await roomwatch(*cmd)
        assert missing_from.returncode == 1
        assert "--from URL" in missing_from.stderr
        done = await roomwatch(*cmd, "--from", redis_url)
        assert done.returncode == 0, done.stderr
        assert "moved 6 alert keys" in done.stdout and "moved 1 streams" in done.stdout
        assert not await old_layout_present(old, P)
        await check_new_layout(store, cluster_client, expect)
    finally:
        await store.close()
        await cluster_client.aclose()
        await old.aclose()
