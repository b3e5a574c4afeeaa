"""Input-stream backlog: accepted events are never trimmed unprocessed; a full stream is a 503."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
import redis.asyncio as aioredis
from prometheus_client import CollectorRegistry

from alerts.store.redis import RedisStore
from monitor.app import build_service
from monitor.cluster.backlog import StreamBacklog
from monitor.cluster.metrics import ClusterMetrics
from monitor.collectors.redis_stream import GROUP, stream_key
from monitor.events import parse_event
from tests.cluster.support import cluster_config
from tests.support import running, wait_for

TOKEN = {"Authorization": "Bearer ingest-token-123456"}
ROOMS = ["room-0", "room-1"]


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    c = aioredis.Redis.from_url(redis_url)
    yield c
    await c.aclose()


def batch(room: str, start: int, n: int) -> list[dict[str, Any]]:
    return [
        {"kind": "comment", "room": room, "id": f"{room}-{i}", "text": "探针"}
        for i in range(start, start + n)
    ]


async def test_backlog_is_refused_with_503_never_trimmed_and_processed_later(
    redis_url: str, client: aioredis.Redis
) -> None:
    # A holder that is not running keeps both rooms: nothing consumes their streams.
    for room in ROOMS:
        await client.set(f"rw:{{{room}}}:lease", "stopped", px=120_000)
    config = cluster_config(
        redis_url,
        rooms=2,
        instance_id="a",
        cluster_extra=", max_room_backlog: 100, max_backlog: 1000",
    )
    service = build_service(config, registry=CollectorRegistry())
    accepted: list[str] = []
    async with running(service) as base, aiohttp.ClientSession() as http:
        refused: dict[str, Any] = {}
        n = 0
        while not refused:
            events = batch("room-0", n, 30)
            async with http.post(f"{base}/api/v1/ingest", json=events, headers=TOKEN) as r:
                body = await r.json()
                accepted.extend(e["id"] for e in events[: body["accepted"]])
                if r.status == 503:
                    assert r.headers["Retry-After"] == "1"
                    refused = body
                else:
                    assert r.status == 200, body
            n += 30
            assert n < 1_000, "ingest never refused room-0"
        assert "room 'room-0'" in refused["error"]
        assert "cluster.max_room_backlog" in refused["error"]
        assert refused["not_accepted"]  # the rest of the batch, for the client to resend
        assert 0 < len(accepted) <= 100
        # Another room still has space: the bound is per room.
        async with http.post(
            f"{base}/api/v1/ingest", json=batch("room-1", 0, 10), headers=TOKEN
        ) as r:
            assert r.status == 200, await r.json()
            accepted.extend(f"room-1-{i}" for i in range(10))
        key = stream_key("rw", "room-0")

        async def written() -> bool:
            return int(await client.xlen(key)) == len(accepted) - 10

        await wait_for(written, 10, "the accepted events to be in the stream")
        assert service.cluster is not None
        backlog = service.cluster.backlog
        await wait_for(lambda: backlog.room("room-0") >= len(accepted) - 10, 5, "a backlog poll")
        # Nothing the group has not acknowledged is trimmed, however long the consumer is away.
        await backlog.trim()
        assert int(await client.xlen(key)) == len(accepted) - 10

        # The holder goes away: this instance takes the rooms and works the backlog off.
        await client.delete(*(f"rw:{{{room}}}:lease" for room in ROOMS))
        store = service.store
        assert isinstance(store, RedisStore)

        async def all_processed() -> bool:
            items = await store.read_feed(0, limit=10_000)
            return {i.data["event_id"] for i in items if i.type == "flag"} >= set(accepted)

        await wait_for(all_processed, 20, "every accepted event to be processed")
        await wait_for(lambda: backlog.total == 0, 10, "the backlog to drain")
        async with http.post(
            f"{base}/api/v1/ingest", json=batch("room-0", 5_000, 10), headers=TOKEN
        ) as r:
            assert r.status == 200, await r.json()
        async with http.get(f"{base}/metrics") as r:
            text = await r.text()
        assert 'roomwatch_stream_refused_total{reason="room_backlog"}' in text
        assert 'roomwatch_stream_backlog{room="room-0"}' in text


async def test_a_full_total_backlog_refuses_whole_batches_before_reading_them(
    redis_url: str, client: aioredis.Redis
) -> None:
    for room in ROOMS:
        await client.set(f"rw:{{{room}}}:lease", "stopped", px=120_000)
    config = cluster_config(
        redis_url,
        rooms=2,
        instance_id="a",
        cluster_extra=", max_room_backlog: 1000, max_backlog: 100",
    )
    service = build_service(config, registry=CollectorRegistry())
    async with running(service) as base, aiohttp.ClientSession() as http:
        async with http.post(
            f"{base}/api/v1/ingest", json=batch("room-0", 0, 60), headers=TOKEN
        ) as r:
            assert r.status == 200
        assert service.cluster is not None
        backlog = service.cluster.backlog
        # A poll that began after the write (the 200 says it is done) is exact; one that
        # overlapped it may count the events twice (it errs toward refusing): wait for two.
        await backlog.next_poll()
        await backlog.next_poll()
        assert backlog.total == 60
        async with http.post(
            f"{base}/api/v1/ingest", json=batch("room-1", 0, 60), headers=TOKEN
        ) as r:
            body = await r.json()
            assert r.status == 503 and body["accepted"] == 40, body
            assert body["not_accepted"] == list(range(40, 60))
        # Full: the next batch is refused as a whole, whatever rooms it is for.
        async with http.post(
            f"{base}/api/v1/ingest", json=batch("room-1", 40, 20), headers=TOKEN
        ) as r:
            body = await r.json()
            assert r.status == 503 and r.headers["Retry-After"] == "1"
            assert body["accepted"] == 0 and "cluster.max_backlog" in body["error"], body
        async with http.get(f"{base}/metrics") as r:
            text = await r.text()
        assert 'roomwatch_stream_refused_total{reason="backlog"} 2.0' in text


async def test_sources_that_wait_are_held_back_until_the_backlog_drains(
    redis_url: str, client: aioredis.Redis
) -> None:
    # Replay and the simulator use put(): instead of a 503 they wait for space.
    for room in ROOMS:
        await client.set(f"rw:{{{room}}}:lease", "stopped", px=120_000)
    config = cluster_config(
        redis_url, rooms=2, instance_id="a", cluster_extra=", max_room_backlog: 100"
    )
    service = build_service(config, registry=CollectorRegistry())
    await service.start()
    try:
        assert service.cluster is not None
        backlog = service.cluster.backlog
        for item in batch("room-0", 0, 100):
            assert await service.pipeline.put(parse_event(item))
        waiting = asyncio.ensure_future(
            service.pipeline.put(parse_event(batch("room-0", 100, 1)[0]))
        )
        for _ in range(3):
            await backlog.next_poll()
        assert not waiting.done()  # held back: the room's stream is full
        await client.delete(*(f"rw:{{{room}}}:lease" for room in ROOMS))
        assert await asyncio.wait_for(waiting, 20)  # the owner works the backlog off
        await wait_for(lambda: backlog.room("room-0") == 0, 20, "the backlog to drain")
    finally:
        await service.stop()


async def test_trim_keeps_every_entry_not_acknowledged(client: aioredis.Redis) -> None:
    before = (await client.config_get("stream-node-max-entries"))["stream-node-max-entries"]
    await client.config_set("stream-node-max-entries", 10)  # approximate trims at fine grain
    try:
        await check_trim(client)
    finally:
        await client.config_set("stream-node-max-entries", before)


async def check_trim(client: aioredis.Redis) -> None:
    key = stream_key("rw", "room-0")
    await client.xgroup_create(key, GROUP, id="0", mkstream=True)
    ids = [await client.xadd(key, {b"e": b"{}"}) for _ in range(300)]
    await client.xreadgroup(GROUP, "c", {key: ">"}, count=200)
    # Acknowledged out of order: 0-49 and 100-149; 50-99 and 150-199 pending; 200+ unread.
    await client.xack(key, GROUP, *ids[:50], *ids[100:150])
    leases = SimpleNamespace(owned=frozenset({"room-0"}))
    backlog = StreamBacklog(
        client,
        prefix="rw",
        rooms=["room-0"],
        leases=leases,  # type: ignore[arg-type]
        max_total=1000,
        max_room=1000,
        metrics=ClusterMetrics(CollectorRegistry()),
    )

    async def remaining() -> list[bytes]:
        return [entry_id for entry_id, _ in await client.xrange(key)]

    assert await backlog.trim() > 0
    left = await remaining()
    assert set(ids[50:]) <= set(left)  # from the oldest pending entry on, everything stays
    await backlog.poll()
    assert backlog.room("room-0") == 100 + 100  # pending + never read

    await client.xack(key, GROUP, *ids[50:100], *ids[150:200])
    await backlog.trim()
    left = await remaining()
    assert set(ids[199:]) <= set(left)  # the last delivered entry and the unread ones
    assert len(left) < 120
    await backlog.poll()
    assert backlog.room("room-0") == 100


def unowned_backlog(client: aioredis.Redis, *, max_total: int, max_room: int) -> StreamBacklog:
    """Return a backlog of room-0 on an instance that owns no room (nothing is trimmed)."""
    return StreamBacklog(
        client,
        prefix="rw",
        rooms=["room-0"],
        leases=SimpleNamespace(owned=frozenset()),  # type: ignore[arg-type]
        max_total=max_total,
        max_room=max_room,
        metrics=ClusterMetrics(CollectorRegistry()),
    )


async def test_events_accepted_but_not_yet_written_stay_counted_across_polls(
    client: aioredis.Redis,
) -> None:
    backlog = unowned_backlog(client, max_total=1000, max_room=5)
    for _ in range(5):
        backlog.note("room-0")  # in the router's buffer: Redis has not seen them
    await backlog.poll()
    assert backlog.room("room-0") == 5 and backlog.check("room-0") is not None
    for _ in range(5):
        await client.xadd(stream_key("rw", "room-0"), {b"e": b"{}"})
    backlog.written(["room-0"] * 5)
    await backlog.poll()
    assert backlog.room("room-0") == 5 and backlog.total == 5  # now counted by Redis alone


async def test_idle_consumers_with_nothing_pending_are_forgotten(
    client: aioredis.Redis,
) -> None:
    """Every restart leaves a consumer behind; those with nothing pending go, the rest stay."""
    key = stream_key("rw", "room-0")
    await client.xgroup_create(key, GROUP, id="0", mkstream=True)
    ids = [await client.xadd(key, {b"e": b"{}"}) for _ in range(4)]
    await client.xreadgroup(GROUP, "dead-done", {key: ">"}, count=2)
    await client.xack(key, GROUP, *ids[:2])  # read and acknowledged: nothing pending
    await client.xreadgroup(GROUP, "dead-pending", {key: ">"}, count=1)  # one left pending
    await client.xreadgroup(GROUP, "me", {key: ">"}, count=1)
    await client.xack(key, GROUP, ids[3])
    backlog = StreamBacklog(
        client,
        prefix="rw",
        rooms=["room-0"],
        leases=SimpleNamespace(owned=frozenset({"room-0"}), instance_id="me"),  # type: ignore[arg-type]
        max_total=1000,
        max_room=1000,
        metrics=ClusterMetrics(CollectorRegistry()),
    )
    assert await backlog.forget_idle_consumers(idle=60) == []  # none idle for a minute yet
    forgotten = await backlog.forget_idle_consumers(idle=0)
    assert forgotten == ["room-0/dead-done"]
    names = {c["name"] for c in await client.xinfo_consumers(key, GROUP)}
    assert names == {b"dead-pending", b"me"}  # its pending entry is still claimable
    assert (await client.xpending(key, GROUP))["pending"] == 1


async def test_events_written_while_a_poll_reads_err_toward_refusing_until_the_next_poll(
    client: aioredis.Redis,
) -> None:
    """The router's write lands in Redis before the poll's read, and its reply comes back
    while the read is in flight. Which came first in Redis is unknown here, so the events
    stay in the poll's starting figure of unwritten ones: counted twice (60 read as 120)
    rather than not at all, so the bound is never passed; the next poll is exact."""
    backlog = unowned_backlog(client, max_total=100, max_room=1000)
    for _ in range(60):
        backlog.note("room-0")
    read = backlog._backlog

    async def read_after_the_write(keys: list[str], args: list[str]) -> object:
        for _ in range(60):
            await client.xadd(stream_key("rw", "room-0"), {b"e": b"{}"})
        backlog.written(["room-0"] * 60)  # the write's reply, before the read's
        return await read(keys, args)

    backlog._backlog = read_after_the_write  # type: ignore[assignment]
    await backlog.poll()
    assert backlog.total == 120 and backlog.check() is not None  # refused, never past 100
    backlog._backlog = read
    await backlog.poll()
    assert backlog.total == 60 and backlog.check() is None  # 40 more may come in
