"""Time-based work follows the leases: each room's windows and auto-resolve live on its owner."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from typing import Any

import pytest
import redis.asyncio as aioredis
from prometheus_client import CollectorRegistry

from monitor.app import Service, build_service
from tests.cluster.support import cluster_config
from tests.cluster.test_cluster import ROOMS, comment, owned, settled
from tests.support import wait_for

# Rooms never comment in this test: the plan's silence clock runs for every room from the
# moment its owner starts ticking it, which makes each engine's rooms visible.
QUIET = """
    - id: quiet
      name: 直播间无评论
      when: {type: absence, signal: comment, for: 600}
      resolve: {mode: auto, hold: 1}
"""


@pytest.fixture
async def cluster(redis_url: str) -> AsyncIterator[Callable[[str], Awaitable[Service]]]:
    started: list[Service] = []

    async def start(instance_id: str) -> Service:
        config = cluster_config(redis_url, instance_id=instance_id, extra_plans=QUIET)
        service = build_service(config, registry=CollectorRegistry())
        await service.start()
        started.append(service)
        return service

    yield start
    for service in started:
        await service.stop()


def windows_follow_leases(*services: Service) -> bool:
    return all(s.engine.rooms() == owned(s) for s in services)


async def test_windows_and_auto_resolve_only_for_leased_rooms_and_dropped_on_move(
    cluster: Callable[[str], Awaitable[Service]],
) -> None:
    a, b = await cluster("a"), await cluster("b")
    resolve_rooms: list[Collection[str] | None] = []
    real_tick = b.manager.tick

    async def spy(resolve_hold: Any, rooms: Collection[str] | None = None) -> Any:
        resolve_rooms.append(rooms)
        return await real_tick(resolve_hold, rooms)

    b.manager.tick = spy  # type: ignore[method-assign]
    await wait_for(lambda: settled(a, b), 30, "each instance to own its preferred rooms")
    await wait_for(
        lambda: windows_follow_leases(a, b), 10, "each engine to keep windows of its rooms only"
    )
    assert not a.engine.rooms() & b.engine.rooms()
    resolve_rooms.clear()
    await wait_for(lambda: bool(resolve_rooms), 5, "an auto-resolve pass on b")
    assert resolve_rooms[-1] is not None and set(resolve_rooms[-1]) == owned(b)

    # A third instance takes a share: the rooms that move leave their old owner's engine.
    c = await cluster("c")
    await wait_for(lambda: settled(a, b, c), 30, "rooms to rebalance onto c")
    await wait_for(
        lambda: windows_follow_leases(a, b, c), 10, "moved rooms' windows to leave old owners"
    )
    assert owned(c) and c.engine.rooms() == owned(c)
    assert sum(len(s.engine.rooms()) for s in (a, b, c)) == len(ROOMS)


async def test_a_graceful_move_hands_a_half_counted_window_to_the_new_owner(
    cluster: Callable[[str], Awaitable[Service]], redis_url: str
) -> None:
    a = await cluster("a")
    await wait_for(lambda: owned(a) == set(ROOMS), 10, "a to own every room")
    # Two of the three flagged comments the burst plan needs, in every room, seen by a.
    for n in range(2):
        for room in ROOMS:
            assert a.pipeline.offer(comment(room, n))  # type: ignore[arg-type]

    async def flags() -> set[str]:
        items = await a.store.read_feed(0, limit=10_000)
        return {i.data["event_id"] for i in items if i.type == "flag"}

    async def flagged(n: int) -> bool:
        return len(await flags()) == n

    await wait_for(lambda: flagged(12), 15, "the first two comments of every room")
    assert await a.store.list_alerts() == []
    # b joins: a releases b's share, leaving the windows behind for b to take.
    b = await cluster("b")
    await wait_for(lambda: settled(a, b), 30, "the rooms to split between a and b")
    assert owned(b) and owned(b) == b.engine.rooms()
    for room in ROOMS:
        assert a.pipeline.offer(comment(room, 2))  # type: ignore[arg-type]

    async def alert_rooms() -> set[str]:
        return {x.room for x in await a.store.list_alerts()}

    async def every_room_alerting() -> bool:
        return await alert_rooms() == set(ROOMS)

    # Each third comment completes the count, on whichever instance now owns the room.
    await wait_for(every_room_alerting, 15, "the burst plan to fire in every room")
    for listed in await a.store.list_alerts():
        alert = await a.store.get_alert(listed.id)
        assert alert is not None
        # The alert opens with all three comments, the two seen before the move included.
        assert len(alert.comments) == 3, (alert.room, [c.event_id for c in alert.comments])
    client = aioredis.Redis.from_url(redis_url)
    try:
        assert await client.keys("rw:{*}:windows") == []  # each snapshot was taken once
    finally:
        await client.aclose()
