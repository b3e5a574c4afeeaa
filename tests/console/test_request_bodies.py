"""JSON request bodies over real HTTP: read whole however they arrive, refused with a clear
JSON error (never a 500) when too large, not JSON or not an object."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import orjson

from tests.console.conftest import Running

JSON = {"Content-Type": "application/json"}


async def _pieces(body: bytes, cut: int = 10) -> AsyncIterator[bytes]:
    """Send a body in two pieces with a pause between (chunked, as a slow network would)."""
    yield body[:cut]
    await asyncio.sleep(0.1)
    yield body[cut:]


def _padded(data: dict[str, object], size: int) -> bytes:
    """Return `data` as JSON padded with spaces to exactly `size` bytes."""
    raw = orjson.dumps(data)
    assert len(raw) <= size
    return raw + b" " * (size - len(raw))


async def test_a_body_arriving_in_pieces_is_read_whole(running: Running) -> None:
    await running.incident("r1", tag="p")
    [alert] = await running.service.store.list_alerts(rooms=["r1"])
    event_id = alert.comments[0].event_id
    base = f"{running.base}/api/v1"
    boss = await running.session("boss")
    async with boss, aiohttp.ClientSession() as anonymous:
        posts = [
            (boss, "/silences", {"room": "r1", "duration": 600, "comment": "维护" * 50}, 201),
            (boss, "/allowlist", {"term": "微信支付", "scope": "global"}, 201),
            (boss, f"/alerts/{alert.id}/comments/{event_id}", {"action": "deleted"}, 200),
            (boss, f"/alerts/{alert.id}/ack", {"note": "看到了" * 20}, 200),
            (anonymous, "/login", {"user": "ctl-a", "password": "pw-ctl-a"}, 200),
        ]
        for http, path, data, status in posts:
            body = orjson.dumps(data)
            async with http.post(base + path, data=_pieces(body), headers=JSON) as r:
                assert r.status == status, (path, await r.text())
    stored = await running.service.store.get_alert(alert.id)
    assert stored is not None and stored.history[-1].detail == "看到了" * 20


async def test_a_silence_body_may_take_16_kib_and_not_a_byte_more(running: Running) -> None:
    url = f"{running.base}/api/v1/silences"
    async with await running.session("boss") as boss:
        full = _padded({"room": "r1", "duration": 600}, 16_384)
        async with boss.post(url, data=full, headers=JSON) as r:
            assert r.status == 201, await r.text()
        async with boss.post(url, data=_pieces(full, cut=8_000), headers=JSON) as r:
            assert r.status == 201, await r.text()
        over = {"error": "the body is larger than 16384 bytes", "field": ""}
        for data in (full + b" ", _pieces(full + b" ", cut=8_000)):  # declared, then streamed
            async with boss.post(url, data=data, headers=JSON) as r:
                assert (r.status, await r.json()) == (413, over)
        for raw, error in [
            (b"[1,", "body is not valid JSON"),
            (b"[1]", "body must be a JSON object"),
            (b'"r1"', "body must be a JSON object"),
        ]:
            async with boss.post(url, data=raw, headers=JSON) as r:
                assert (r.status, await r.json()) == (400, {"error": error, "field": ""}), raw
        # No body at all reads as {}: every room (an admin may), but no duration.
        async with boss.post(url) as r:
            error = "duration: give duration (seconds) or ends_at"
            assert (r.status, await r.json()) == (400, {"error": error, "field": "duration"})
    assert len(await running.service.manager.silences.all()) == 2


async def test_dead_letter_replay_bodies_are_checked(running: Running) -> None:
    url = f"{running.base}/api/v1/dead-letters/replay"
    async with await running.session("boss") as boss:
        async with boss.post(url, data=_padded({"keys": []}, 16_385), headers=JSON) as r:
            assert r.status == 413
        async with boss.post(url, data=b"{", headers=JSON) as r:
            assert (r.status, await r.json()) == (
                400,
                {"error": "body is not valid JSON", "field": ""},
            )
        async with boss.post(url, data=_pieces(orjson.dumps({"keys": ["k1"]})), headers=JSON) as r:
            assert (r.status, await r.json()) == (404, {"replayed": [], "unknown": ["k1"]})


async def test_api_bodies_are_refused_with_a_json_error(running: Running) -> None:
    await running.incident("r1", tag="q")
    [alert] = await running.service.store.list_alerts(rooms=["r1"])
    base = f"{running.base}/api/v1"
    async with await running.session("boss") as boss:
        ack = f"{base}/alerts/{alert.id}/ack"
        async with boss.post(ack, data=_padded({"note": "x"}, 8_193), headers=JSON) as r:
            assert r.status == 413 and r.content_type == "application/json"
            assert await r.json() == {"error": "the body is larger than 8192 bytes"}
        async with boss.post(ack, data=_pieces(_padded({}, 8_193), cut=5_000), headers=JSON) as r:
            assert (r.status, await r.json()) == (
                413,
                {"error": "the body is larger than 8192 bytes"},
            )
        for raw, error in [(b"{", "body: not valid JSON"), (b"[]", "body: must be a JSON object")]:
            async with boss.post(f"{base}/allowlist", data=raw, headers=JSON) as r:
                assert (r.status, await r.json()) == (400, {"error": error}), raw
        async with boss.post(ack, data=_padded({"note": "整"}, 8_192), headers=JSON) as r:
            assert r.status == 200 and (await r.json())["history"][-1]["detail"] == "整"
