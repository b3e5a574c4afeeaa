"""The feed websocket: per-user rooms, lossless resume, heartbeats, slow clients."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import orjson
import pytest

import monitor.web.feed as feed_module
from tests.collectors.fake_base import wait_for
from tests.console.conftest import Running


async def _frames(
    ws: aiohttp.ClientWebSocketResponse, until: float = 0.5, total: float = 10.0
) -> list[dict[str, Any]]:
    """Read frames until the socket is quiet for `until` seconds (or `total` passed)."""
    out: list[dict[str, Any]] = []
    deadline = asyncio.get_running_loop().time() + total
    while asyncio.get_running_loop().time() < deadline:
        try:
            msg = await asyncio.wait_for(ws.receive(), until)
        except TimeoutError:
            return out
        if msg.type != aiohttp.WSMsgType.TEXT:
            return out
        out.append(orjson.loads(msg.data))
    return out


def _items(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in frames if "seq" in f and f["type"] not in ("heartbeat",)]


async def test_feed_carries_only_the_users_rooms(running: Running) -> None:
    a = await running.session("ctl-a")
    b = await running.session("ctl-b")
    async with a, b:
        wa = await a.ws_connect(f"{running.base}/api/v1/feed")
        wb = await b.ws_connect(f"{running.base}/api/v1/feed")
        hello = orjson.loads((await wa.receive()).data)
        assert hello["type"] == "hello" and hello["rooms"] == ["r1"]
        await running.incident("r1", tag="x")
        await running.incident("r2", tag="y")
        got_a = _items(await _frames(wa))
        got_b = _items(await _frames(wb))
        assert got_a and {f["room"] for f in got_a} == {"r1"}
        assert got_b and {f["room"] for f in got_b} == {"r2"}
        assert {"alert", "flag"} <= {f["type"] for f in got_a}
        # Resuming from 0 replays history, still only the user's rooms.
        replay = await a.ws_connect(f"{running.base}/api/v1/feed?after=0")
        assert {f["room"] for f in _items(await _frames(replay))} == {"r1"}
        for ws in (wa, wb, replay):
            await ws.close()
    async with aiohttp.ClientSession() as anon:
        with pytest.raises(aiohttp.WSServerHandshakeError) as exc:
            await anon.ws_connect(f"{running.base}/api/v1/feed")
        assert exc.value.status == 401


async def test_feed_resumes_after_a_dropped_connection(running: Running) -> None:
    boss = await running.session("boss")
    async with boss:
        ws = await boss.ws_connect(f"{running.base}/api/v1/feed?after=latest")
        await ws.receive()  # hello
        await running.incident("r1", n=3, tag="p")
        first = _items(await _frames(ws))
        assert first
        last = first[-1]["seq"]
        await ws.close()  # the connection drops; items keep coming meanwhile
        await running.incident("r2", n=3, tag="q")
        await running.incident("r3", n=2, tag="s")
        expected = [i.seq for i in await running.service.store.read_feed(last, limit=10_000)]
        assert expected
        ws2 = await boss.ws_connect(f"{running.base}/api/v1/feed?after={last}")
        await ws2.receive()  # hello
        # Items published while the replay is running must appear once too.
        more = asyncio.create_task(running.incident("r1", n=2, tag="z"))
        frames = await _frames(ws2)
        await more
        frames += await _frames(ws2)
        seqs = [f["seq"] for f in _items(frames)]
        everything = [i.seq for i in await running.service.store.read_feed(last, limit=10_000)]
        assert seqs == everything, "every missed item exactly once, in order"
        assert seqs[: len(expected)] == expected
        assert len(set(seqs)) == len(seqs)
        await ws2.close()


async def test_heartbeats_and_bad_resume_point(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feed_module, "HEARTBEAT", 0.2)
    a = await running.session("ctl-a")
    async with a:
        ws = await a.ws_connect(f"{running.base}/api/v1/feed")
        frames = await _frames(ws, until=0.7, total=0.9)
        beats = [f for f in frames if f["type"] == "heartbeat"]
        assert len(beats) >= 2 and all("seq" in b and "ts" in b for b in beats)
        await ws.close()
        with pytest.raises(aiohttp.WSServerHandshakeError) as exc:
            await a.ws_connect(f"{running.base}/api/v1/feed?after=abc")
        assert exc.value.status == 400


async def test_a_slow_client_is_cut_loose_and_the_others_keep_up(
    running: Running,
) -> None:
    running.service.feed.client_queue = 5
    boss = await running.session("boss")
    async with boss:
        slow = await boss.ws_connect(f"{running.base}/api/v1/feed?after=latest")
        await slow.receive()
        # The slow client gets a tiny server-side queue; the fast one the normal size.
        running.service.feed.client_queue = 1000
        fast = await boss.ws_connect(f"{running.base}/api/v1/feed?after=latest")
        await fast.receive()
        got: list[dict[str, Any]] = []

        async def keep_reading() -> None:
            while True:
                msg = await fast.receive()
                if msg.type != aiohttp.WSMsgType.TEXT:
                    return
                got.append(orjson.loads(msg.data))

        reader = asyncio.create_task(keep_reading())
        hub = running.service.feed
        # One item first, so both handlers are past their replay and streaming live.
        await hub.publish("flag", "r1", running.clock.now(), {"n": -1})
        first = orjson.loads((await asyncio.wait_for(slow.receive(), 5)).data)
        assert first["data"] == {"n": -1}
        # Publish faster than the slow client's server-side queue can hold, without yielding.
        for i in range(50):
            await hub.publish("flag", "r1", running.clock.now(), {"n": i})
        # Wait for the fast client to have read everything (a fixed sleep is too short under load).
        await wait_for(lambda: sum(f.get("type") == "flag" for f in got) >= 51)
        reader.cancel()
        assert [f["data"]["n"] for f in got if f.get("type") == "flag"] == list(range(-1, 50))
        frames = [first]
        while (msg := await asyncio.wait_for(slow.receive(), 5)).type == aiohttp.WSMsgType.TEXT:
            frames.append(orjson.loads(msg.data))
        assert msg.type == aiohttp.WSMsgType.CLOSE and msg.data == feed_module.LAGGED
        assert len(frames) < 50, "the slow client was cut loose, not waited for"
        last = max(f["seq"] for f in frames if "seq" in f and f["type"] == "flag")
        again = await boss.ws_connect(f"{running.base}/api/v1/feed?after={last}")
        resumed = [f["data"]["n"] for f in _items(await _frames(again)) if f["type"] == "flag"]
        seen = [f["data"]["n"] for f in frames if f.get("type") == "flag"]
        assert seen + resumed == list(range(-1, 50)), "nothing lost, nothing twice"
        await again.close()
        await fast.close()


async def test_an_item_overtaken_on_the_bus_is_still_delivered_once(running: Running) -> None:
    """Cluster mode: seq 7 from another instance can reach this one before seq 6."""
    boss = await running.session("boss")
    async with boss:
        ws = await boss.ws_connect(f"{running.base}/api/v1/feed?after=latest")
        await ws.receive()  # hello
        store, hub = running.service.store, running.service.feed
        early = await store.append_feed("flag", "r1", 0.0, {"n": 1})
        late = await store.append_feed("flag", "r1", 0.0, {"n": 2})
        hub.fan_out(late)  # arrives first
        hub.fan_out(early)
        hub.fan_out(late)  # and a duplicate delivery
        got = [f["seq"] for f in _items(await _frames(ws))]
        assert sorted(got) == [early.seq, late.seq] and len(got) == 2
        await ws.close()


async def test_a_store_failure_during_replay_closes_with_try_again_not_an_error(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alerts.store.base import StoreError

    await running.incident("r1", tag="x")
    store = running.service.store
    real = store.read_feed
    failures = [StoreError("redis read_feed failed: Too many connections")]

    async def flaky(*args: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop()
        return await real(*args, **kwargs)

    monkeypatch.setattr(store, "read_feed", flaky)
    async with await running.session("ctl-a") as http:
        ws = await http.ws_connect(f"{running.base}/api/v1/feed?after=0")
        hello = await ws.receive()  # the hello frame goes out before the replay starts
        assert orjson.loads(hello.data)["type"] == "hello"
        msg = await ws.receive()
        assert msg.type == aiohttp.WSMsgType.CLOSE and msg.data == 1013
        # The client comes back and gets everything it asked for.
        again = await http.ws_connect(f"{running.base}/api/v1/feed?after=0")
        frames = await _frames(again)
        assert frames[0]["type"] == "hello" and {"alert", "flag"} <= {
            f["type"] for f in _items(frames)
        }
        await again.close()
