"""Leases: membership by Redis time, claims that never overwrite, renewal, release."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
from prometheus_client import CollectorRegistry

from monitor.cluster.leases import RoomLeases
from monitor.cluster.metrics import ClusterMetrics

ROOMS = ["r0", "r1", "r2"]


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    c = aioredis.Redis.from_url(redis_url)
    yield c
    await c.aclose()


def leases_for(client: aioredis.Redis) -> tuple[RoomLeases, ClusterMetrics, list[str]]:
    metrics = ClusterMetrics(CollectorRegistry())
    leases = RoomLeases(client, prefix="t", instance_id="a", rooms=ROOMS, ttl=5.0, metrics=metrics)
    gone: list[str] = []
    leases.on_gone.append(gone.append)
    return leases, metrics, gone


async def test_a_late_renewal_keeps_the_rooms_and_their_tenure(client: aioredis.Redis) -> None:
    leases, metrics, gone = leases_for(client)
    await leases.step()
    assert leases.owned == set(ROOMS)
    epochs = [leases.epoch(r) for r in ROOMS]
    # The loop was stuck past the local validity (the keys in Redis have not expired yet):
    # nothing may be read meanwhile, but the rooms are still held.
    leases._valid_until = 0.0
    assert leases.owned == frozenset() and leases.held == set(ROOMS)
    await leases.renew()
    assert leases.owned == set(ROOMS)
    assert [leases.epoch(r) for r in ROOMS] == epochs  # same tenure: no re-claim, no reset
    assert gone == []
    assert metrics.renewals_late._value.get() == 1


async def test_a_renewal_redis_refuses_loses_the_room(client: aioredis.Redis) -> None:
    leases, metrics, gone = leases_for(client)
    await leases.step()
    await client.set("t:{r1}:lease", "someone-else")  # it expired and another instance took it
    await leases.renew()
    assert leases.owned == {"r0", "r2"} and leases.held == {"r0", "r2"}
    assert gone == ["r1"]
    assert metrics.lease_changes.labels("lost")._value.get() == 1


async def redis_ms(client: aioredis.Redis) -> int:
    seconds, micros = await client.time()
    return int(seconds) * 1000 + int(micros) // 1000


async def test_the_heartbeat_scores_members_by_redis_time_and_drops_expired_ones(
    client: aioredis.Redis,
) -> None:
    leases, _, _ = leases_for(client)
    key = leases.members_key
    before = await redis_ms(client)
    await client.zadd(key, {"b": before + 60_000, "c": before + 60_000, "gone": before - 1})
    await leases.renew()
    after = await redis_ms(client)
    assert leases.live == ["a", "b", "c"]
    assert await client.zrange(key, 0, -1) == [b"a", b"b", b"c"]
    score = await client.zscore(key, "a")
    assert score is not None and before + 5000 <= score <= after + 5000


async def test_a_room_taken_between_the_read_and_the_claim_stays_with_its_taker(
    client: aioredis.Redis,
) -> None:
    leases, _, _ = leases_for(client)
    read = client.mget

    async def all_free_then_taken(keys: list[str]) -> list[object]:
        holders = await read(keys)
        await client.set("t:{r1}:lease", "b")  # another instance claims r1 meanwhile
        return [None] * len(holders)

    client.mget = all_free_then_taken  # type: ignore[method-assign]
    await leases.step()
    assert leases.owned == {"r0", "r2"}
    assert await client.get("t:{r1}:lease") == b"b"


async def test_leases_are_claimed_and_renewed_for_the_ttl_in_milliseconds(
    client: aioredis.Redis,
) -> None:
    leases, _, _ = leases_for(client)
    await leases.step()
    for room in ROOMS:
        assert await client.get(leases.lease_key(room)) == b"a"
        assert 4000 < await client.pttl(leases.lease_key(room)) <= 5000
        await client.pexpire(leases.lease_key(room), 100)
    await leases.renew()
    for room in ROOMS:
        assert 4000 < await client.pttl(leases.lease_key(room)) <= 5000


async def test_a_release_deletes_this_instances_leases_only(client: aioredis.Redis) -> None:
    leases, _, _ = leases_for(client)
    await leases.step()
    await client.set("t:{r2}:lease", "b")  # r2 expired and another instance took it
    await leases.release(["r0", "r2"])
    assert await client.exists("t:{r0}:lease") == 0
    assert await client.get("t:{r1}:lease") == b"a"
    assert await client.get("t:{r2}:lease") == b"b"


async def test_a_step_that_raises_something_unexpected_is_retried_and_the_loop_goes_on(
    client: aioredis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    metrics = ClusterMetrics(CollectorRegistry())
    leases = RoomLeases(client, prefix="t", instance_id="a", rooms=ROOMS, ttl=0.6, metrics=metrics)
    real = leases.rebalance
    calls: list[int] = []

    async def broken_once() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise TypeError("an unexpected reply")  # e.g. a release answered in a new shape
        await real()

    leases.rebalance = broken_once  # type: ignore[method-assign]
    task = asyncio.create_task(leases.run())
    try:
        for _ in range(100):
            if leases.owned == set(ROOMS):
                break
            await asyncio.sleep(0.05)
        assert leases.owned == set(ROOMS)
        assert not task.done()
        assert "lease rebalance failed" in caplog.text
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
