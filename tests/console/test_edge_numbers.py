"""Non-finite and out-of-range numbers answer 400 naming the field, on either store."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.console.conftest import CONFIG, Running, start


@pytest.fixture
async def run(store_section: str) -> AsyncIterator[Running]:
    running, stop, task = await start(store_section + CONFIG)
    try:
        yield running
    finally:
        stop.set()
        await task


async def test_report_times_must_be_finite_and_in_range(run: Running) -> None:
    await run.incident("r1")
    url = f"{run.base}/api/v1/reports/response-times"
    async with await run.session("sup-a") as http:
        for query, field in [
            ("since=nan", "since"),
            ("since=NaN", "since"),
            ("until=inf", "until"),
            ("since=-inf", "since"),
            ("since=1e309", "since"),
            ("since=1e300", "since"),
            ("since=-5", "since"),
            ("until=abc", "until"),
        ]:
            async with http.get(f"{url}?{query}") as r:
                assert r.status == 400, (query, r.status, await r.text())
                assert (await r.json())["error"].startswith(f"{field}:"), query
        async with http.get(f"{url}?since=0&format=csv") as r:
            assert r.status == 200  # a real range still works


async def test_feed_after_must_be_a_sequence_number_in_range(run: Running) -> None:
    async with await run.session("ctl-a") as http:
        for after in (str(2**64), str(2**63), "9" * 30, "-1", "1e3", "nan", "+5", "٣"):
            with pytest.raises(aiohttp.WSServerHandshakeError) as err:
                await http.ws_connect(f"{run.base}/api/v1/feed?after={after}")
            assert err.value.status == 400, after
        async with http.get(f"{run.base}/api/v1/feed?after={2**64}") as r:
            assert r.status == 400 and (await r.json())["error"].startswith("after:")
        ws = await http.ws_connect(f"{run.base}/api/v1/feed?after={2**63 - 1}")
        hello = await ws.receive_json(timeout=5)
        assert hello["type"] == "hello" and hello["after"] == 2**63 - 1
        await ws.close()
