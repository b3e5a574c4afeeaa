"""Lease renewal: late is not lost; a renewal Redis refuses is."""

from __future__ import annotations

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
