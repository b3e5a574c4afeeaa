"""GET /api/v1/flags: the newest flags of the user's rooms, read back from the feed log."""

from __future__ import annotations

from typing import Any

import pytest

from monitor.web import api
from tests.console.conftest import Running

# A flag as the console reads it: its feed seq and the signal's fields.
FLAG_FIELDS = {"seq", "room", "ts", "kind", "category", "severity", "name", "value", "user"}
FLAG_FIELDS |= {"text", "event_id", "source", "score", "evidence"}


async def test_flags_of_my_rooms_only_newest_first_and_bounded(running: Running) -> None:
    await running.incident("r1", n=3, tag="mine")
    await running.incident("r2", n=2, tag="theirs")
    ctl_a, ctl_b, boss = [await running.session(u) for u in ("ctl-a", "ctl-b", "boss")]
    async with ctl_a, ctl_b, boss:
        async with ctl_a.get(f"{running.base}/api/v1/flags") as r:
            mine = (await r.json())["flags"]
        assert [f["text"] for f in mine] == ["加我微信mine2", "加我微信mine1", "加我微信mine0"]
        assert {f["room"] for f in mine} == {"r1"} and mine[0]["seq"] > mine[1]["seq"]
        async with ctl_b.get(f"{running.base}/api/v1/flags") as r:
            assert {f["room"] for f in (await r.json())["flags"]} == {"r2"}
        async with boss.get(f"{running.base}/api/v1/flags?limit=2") as r:
            assert [f["text"] for f in (await r.json())["flags"]] == [
                "加我微信theirs1",
                "加我微信theirs0",
            ]
        # `before` looks back from a feed position (the console's hello `after`).
        before = mine[0]["seq"]
        async with ctl_a.get(f"{running.base}/api/v1/flags?before={before - 1}") as r:
            assert [f["seq"] for f in (await r.json())["flags"]] == [f["seq"] for f in mine[1:]]


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=501", "limit=x", "before=-1", "before=nan", "before=1e400"]
)
async def test_bad_queries_get_a_400_naming_the_parameter(running: Running, query: str) -> None:
    ctl = await running.session("ctl-a")
    async with ctl, ctl.get(f"{running.base}/api/v1/flags?{query}") as r:
        assert r.status == 400
        assert (await r.json())["error"].startswith(query.split("=")[0])


async def test_flags_are_read_a_page_at_a_time_back_to_the_last_page(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "FLAGS_PAGE", 4)  # seqs read at a time
    monkeypatch.setattr(api, "FLAGS_PAGES", 3)  # pages read at most: 12 seqs back
    await running.incident("r1", n=6, tag="a")
    await running.incident("r2", n=3, tag="b")
    await running.incident("r1", n=4, tag="c")
    items = await running.service.store.read_feed(0, limit=10_000)
    head = running.service.feed.head  # the default `before`: the newest seq seen here
    assert head > 12  # (alert updates may still add a seq or two; they are no flags)
    flags = {"r1": [i.seq for i in items if i.type == "flag" and i.room == "r1"]}

    def expected(before: int, limit: int) -> list[int]:
        """The r1 flags in the 12 seqs up to `before`, newest first, at most `limit`."""
        return sorted((s for s in flags["r1"] if before - 12 < s <= before), reverse=True)[:limit]

    async with await running.session("ctl-a") as ctl:
        for query, before, limit in [
            ("", head, 50),
            ("?limit=1", head, 1),
            ("?limit=2", head, 2),
            (f"?before={head - 3}", head - 3, 50),
            (f"?before={head - 5}&limit=3", head - 5, 3),
            ("?before=12", 12, 50),
            ("?before=3", 3, 50),
            ("?before=0", 0, 50),
        ]:
            async with ctl.get(f"{running.base}/api/v1/flags{query}") as r:
                got = await r.json()
            if before == head:
                assert got["before"] >= head, query
                before = got["before"]
            assert got["before"] == before, query
            assert [f["seq"] for f in got["flags"]] == expected(before, limit), query
            assert all(f["room"] == "r1" and set(f) == FLAG_FIELDS for f in got["flags"])
        assert expected(head, 50) and expected(12, 50) and expected(3, 50)


async def test_fifty_flags_by_default_and_up_to_five_hundred(running: Running) -> None:
    await running.incident("r1", n=51, tag="m")
    async with await running.session("ctl-a") as ctl:
        for query, count in [("", 50), ("?limit=500", 51), ("?limit=1", 1)]:
            async with ctl.get(f"{running.base}/api/v1/flags{query}") as r:
                assert r.status == 200 and len((await r.json())["flags"]) == count, query


async def test_flags_read_no_page_more_than_they_need(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "FLAGS_PAGE", 4)
    monkeypatch.setattr(api, "FLAGS_PAGES", 3)
    url = f"{running.base}/api/v1/flags"
    store = running.service.store
    read_feed = store.read_feed
    reads: list[int] = []

    async def counted(after_seq: int, **kwargs: Any) -> Any:
        assert kwargs == {"rooms": frozenset({"r1"}), "limit": 4}  # a page: FLAGS_PAGE seqs
        reads.append(after_seq)
        return await read_feed(after_seq, **kwargs)

    async with await running.session("ctl-a") as ctl:
        async with ctl.get(url) as r:  # a fresh instance has seen nothing: nothing to read
            assert await r.json() == {"flags": [], "before": 0}
        await running.incident("r1", n=6, tag="a")
        seqs = [i.seq for i in await read_feed(0, limit=10_000) if i.type == "flag"]
        assert seqs[0] == 1  # the first item is a flag: pages must reach back to seq 1
        monkeypatch.setattr(store, "read_feed", counted)
        newest = [s for s in seqs if s > seqs[-1] - 4][::-1]  # the first page's flags
        for query, pages, found in [
            (f"?before={seqs[-1]}&limit=1", [max(0, seqs[-1] - 4)], seqs[-1:]),
            (f"?before={seqs[-1]}&limit={len(newest)}", [max(0, seqs[-1] - 4)], newest),
            ("?before=3", [0], [s for s in (3, 2, 1) if s in seqs]),
            ("?before=5", [1, 0], [s for s in (5, 4, 3, 2, 1) if s in seqs]),
            ("?before=9&limit=50", [5, 1, 0], [s for s in range(9, 0, -1) if s in seqs]),
            (f"?before={2**62}", [2**62 - 4, 2**62 - 8, 2**62 - 12], []),
        ]:
            reads.clear()
            async with ctl.get(url + query) as r:
                assert r.status == 200, query
                assert [f["seq"] for f in (await r.json())["flags"]] == found, query
            assert reads == pages, query
        async with ctl.get(f"{url}?before={2**62 + 1}") as r:
            assert await r.json() == {"error": f"before: must be between 0 and {2**62}"}
