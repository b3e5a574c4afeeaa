"""GET /api/v1/flags: the newest flags of the user's rooms, read back from the feed log."""

from __future__ import annotations

import pytest

from tests.console.conftest import Running


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
