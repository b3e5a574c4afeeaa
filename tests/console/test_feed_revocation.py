"""Open feed sockets close within seconds when access ends or changes, on every instance."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import WSMsgType

from tests.console.conftest import CONFIG, Running, start

CLOSE_WITHIN = 8.0  # seconds: the periodic re-check runs every 2 s; allow for a busy host


@pytest.fixture
async def run(store_section: str) -> AsyncIterator[Running]:
    running, stop, task = await start(store_section + CONFIG)
    try:
        yield running
    finally:
        stop.set()
        await task


async def _feed(http: aiohttp.ClientSession, base: str) -> aiohttp.ClientWebSocketResponse:
    ws = await http.ws_connect(f"{base}/api/v1/feed?after=latest")
    hello = await ws.receive_json(timeout=5)
    assert hello["type"] == "hello"
    return ws


async def _closed_with(ws: aiohttp.ClientWebSocketResponse) -> int:
    """Return the close code once the server closes the socket (frames before are skipped)."""
    while True:
        msg = await ws.receive(timeout=CLOSE_WITHIN)
        if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING):
            return int(ws.close_code or 0)
        assert msg.type is WSMsgType.TEXT, msg


async def test_logout_closes_the_feed(run: Running) -> None:
    async with await run.session("ctl-a") as http:
        ws = await _feed(http, run.base)
        async with http.post(f"{run.base}/api/v1/logout") as r:
            assert r.status == 200
        assert await _closed_with(ws) == 4001


async def test_taking_a_room_away_closes_the_feed_and_reconnecting_shows_the_new_rooms(
    run: Running,
) -> None:
    async with await run.session("ctl-a") as http, await run.session("boss") as boss:
        ws = await _feed(http, run.base)
        async with boss.put(f"{run.base}/api/v1/people/ctl-a", json={"rooms": ["r2"]}) as r:
            assert r.status == 200
        assert await _closed_with(ws) == 4003
        ws = await http.ws_connect(f"{run.base}/api/v1/feed?after=latest")
        assert (await ws.receive_json(timeout=5))["rooms"] == ["r2"]
        await ws.close()


async def test_a_supervisors_team_change_and_a_deletion_close_their_feeds(run: Running) -> None:
    sup = await run.session("sup-a")
    ctl = await run.session("ctl-b")
    async with sup, ctl, await run.session("boss") as boss:
        sup_ws, ctl_ws = await _feed(sup, run.base), await _feed(ctl, run.base)
        team = {"supervisors": ["sup-a"], "members": [], "rooms": ["r3"]}
        async with boss.put(f"{run.base}/api/v1/teams/team-a", json=team) as r:
            assert r.status == 200  # ctl-a's room r1 leaves sup-a's view
        assert await _closed_with(sup_ws) == 4003
        async with boss.delete(f"{run.base}/api/v1/people/ctl-b") as r:
            assert r.status == 200
        assert await _closed_with(ctl_ws) == 4001


async def test_session_expiry_closes_the_feed(run: Running) -> None:
    async with await run.session("ctl-a") as http:
        ws = await _feed(http, run.base)
        run.clock.advance(run.service.config.people.session_ttl + 1)
        assert await _closed_with(ws) == 4001


async def test_unchanged_access_keeps_the_feed_open(run: Running) -> None:
    async with await run.session("ctl-a") as http, await run.session("boss") as boss:
        ws = await _feed(http, run.base)
        # Another person changes; ctl-a's rooms and role do not.
        async with boss.put(f"{run.base}/api/v1/people/ctl-b", json={"name": "小张"}) as r:
            assert r.status == 200
        with pytest.raises(TimeoutError):
            await ws.receive(timeout=3.0)  # no close (heartbeats come every 15 s)
        assert not ws.closed
        await ws.close()


async def test_a_logout_on_another_instance_closes_the_feed_here(redis_url: str) -> None:
    config = f"store: {{kind: redis, redis_url: '{redis_url}', key_prefix: rwrev}}\n" + CONFIG
    one, stop_one, task_one = await start(config)
    two, stop_two, task_two = await start(config)
    try:
        async with await one.session("ctl-a") as http:
            ws = await _feed(http, one.base)
            # The same cookie, used against the other instance (a load balancer's choice).
            async with http.post(f"{two.base}/api/v1/logout") as r:
                assert r.status == 200
            assert await _closed_with(ws) == 4001
    finally:
        for stop, task in ((stop_one, task_one), (stop_two, task_two)):
            stop.set()
            await task
