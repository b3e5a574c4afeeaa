"""GET /api/v1/rooms over real HTTP: each visible room's name, platform, figures and open
alerts by severity, one body shared for a second by everyone who sees the same rooms."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from monitor.web import api
from monitor.web.api import OverviewCache
from tests.console.conftest import CONFIG, start

NAMED = CONFIG.replace("  - { id: r2, name: 二号直播间 }\n", "  - { id: r2, platform: bilibili }\n")


async def test_each_room_shows_its_name_platform_figures_and_open_alerts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = SimpleNamespace(t=1_000.0)
    monkeypatch.setattr(api, "time", SimpleNamespace(monotonic=lambda: clock.t))
    run, stop, task = await start(NAMED)
    try:
        await run.incident("r1", tag="a")
        platforms = {r.id: r.platform for r in run.service.config.rooms}
        async with await run.session("sup-a") as sup, await run.session("boss") as boss:
            async with sup.get(f"{run.base}/api/v1/rooms") as r:
                assert r.status == 200 and r.content_type == "application/json"
                rooms = (await r.json())["rooms"]
            assert [(x["id"], x["name"], x["platform"]) for x in rooms] == [
                ("r1", "一号直播间", platforms["r1"]),
                ("r3", "三号直播间", platforms["r3"]),
            ]
            assert (rooms[0]["open_alerts"], rooms[0]["open_by_severity"]) == (1, {"critical": 1})
            assert (rooms[1]["open_alerts"], rooms[1]["open_by_severity"]) == (0, {})
            assert {"viewers", "comments_per_min", "negative_ratio"} <= set(rooms[0])
            async with boss.get(f"{run.base}/api/v1/rooms") as r:
                every = (await r.json())["rooms"]
            assert [(x["id"], x["name"], x["platform"]) for x in every][1] == (
                "r2",
                "",  # no name configured (the console shows the id)
                "bilibili",
            )
            # Within a second the same rooms get the same body, a new alert or not.
            await run.incident("r3", tag="b")
            clock.t += api.OVERVIEW_TTL - 0.01
            async with sup.get(f"{run.base}/api/v1/rooms") as r:
                assert (await r.json())["rooms"] == rooms
            clock.t += 0.01
            async with sup.get(f"{run.base}/api/v1/rooms") as r:
                fresh = (await r.json())["rooms"]
            assert [x["open_alerts"] for x in fresh] == [1, 1]
    finally:
        stop.set()
        await task


def test_a_full_overview_cache_drops_only_the_stale_bodies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "OVERVIEW_ENTRIES", 3)
    cache = OverviewCache()
    cache.put(("a",), 100.0, b"a")
    cache.put(("b",), 100.5, b"b")
    cache.put(("c",), 100.0 + api.OVERVIEW_TTL, b"c")
    cache.put(("d",), 101.0, b"d")  # full: a is stale at 101 (exactly its TTL), b is not
    assert cache.get(("a",), 100.9) is None
    assert [cache.get((k,), 101.0) for k in "bcd"] == [b"b", b"c", b"d"]
    cache.put(("e",), 101.0, b"e")  # full again, nothing stale: kept over the limit
    assert [cache.get((k,), 101.0) for k in "bcde"] == [b"b", b"c", b"d", b"e"]
