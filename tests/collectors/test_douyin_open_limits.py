"""Douyin Open callbacks against hostile senders: size, gzip bombs, replays, slow and cut bodies.

The endpoint runs inside a real roomwatch service (tests.support.running) where the test
is about the server (header timeout, logging); the msg_id tests use a real redis-server.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import time
from collections.abc import Sequence
from typing import Any

import aiohttp
import orjson
import pytest
from prometheus_client import CollectorRegistry

from alerts.store.base import StoreError
from alerts.store.memory import MemoryStore
from alerts.store.redis import RedisStore
from config.loader import load_config_text
from monitor.app import build_service
from monitor.collectors.douyin_open import DouyinOpenEndpoint, open_signature
from monitor.events import AnyEvent
from monitor.pipeline import IntakeUnavailable
from tests.collectors.fake_base import FakeServer
from tests.collectors.helpers import new_stats
from tests.collectors.test_douyin_open import SECRET, Harness
from tests.support import running

PATH = "/api/v1/callbacks/douyin/dy-open"
SERVICE_YAML = f"""
server: {{header_timeout: 0.5, body_timeout: 0.5}}
rooms: [{{id: r1}}]
sources:
  - {{type: douyin_open, id: dy-open, secret: {SECRET}, room_map: {{"268": r1}},
     max_body_bytes: 65536}}
"""


def signed(body: bytes, *, ts: float | None = None, **extra: str) -> dict[str, str]:
    headers = {
        "x-nonce-str": "n1",
        "x-timestamp": str(int((time.time() if ts is None else ts) * 1000)),
        "x-roomid": "268",
        "x-msg-type": "live_comment",
        "content-type": "application/json",
        **extra,
    }
    headers["x-signature"] = open_signature(headers, body, SECRET)
    return headers


def comments(*ids: str) -> bytes:
    return orjson.dumps([{"msg_id": i, "content": f"评论 {i}", "sec_openid": "o"} for i in ids])


async def raw(port: int, data: bytes, *, close: bool, wait: float = 5.0) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        await writer.drain()
        if close:
            writer.close()
            return b""
        return await asyncio.wait_for(reader.read(65_536), wait)
    finally:
        writer.close()


def head(length: int, headers: dict[str, str], path: str = PATH) -> bytes:
    lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return f"POST {path} HTTP/1.1\r\nHost: x\r\n{lines}Content-Length: {length}\r\n\r\n".encode()


async def test_oversized_bodies_are_refused_before_they_are_read() -> None:
    h = Harness(max_body_bytes=4096)
    await h.server.start()
    try:
        # A 60 MB Content-Length: answered 413 at once, though almost nothing was sent.
        answer = await raw(
            h.server.port, head(60_000_000, signed(b""), "/cb/douyin") + b"[", close=False
        )
        assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
        # No Content-Length (chunked): refused once the bytes read pass the limit.
        big = comments(*(f"m{i}" for i in range(400)))
        assert len(big) > 4096

        async def chunks() -> Any:
            for i in range(0, len(big), 1000):
                yield big[i : i + 1000]

        url = f"{h.server.base}/cb/douyin"
        async with (
            aiohttp.ClientSession() as http,
            http.post(url, data=chunks(), headers=signed(big)) as r,
        ):
            assert r.status == 413
            assert "larger than 4096 bytes" in (await r.json())["err_msg"]
        assert h.events == []
    finally:
        await h.server.kill()


async def test_a_gzip_bomb_is_refused_by_its_inflated_size() -> None:
    h = Harness(max_body_bytes=65_536)
    await h.server.start()
    try:
        inflated = b"[" + b" " * 20_000_000 + b"]"
        bomb = gzip.compress(inflated, compresslevel=9)
        assert len(bomb) < 65_536  # small on the wire
        headers = {**signed(inflated), "Content-Encoding": "gzip"}
        url = f"{h.server.base}/cb/douyin"
        async with aiohttp.ClientSession() as http, http.post(url, data=bomb, headers=headers) as r:
            assert r.status == 413
            assert "once decompressed" in (await r.json())["err_msg"]
        # A small gzip body within the limit is read as usual.
        body = comments("g1")
        headers = {**signed(body), "Content-Encoding": "gzip"}
        async with (
            aiohttp.ClientSession() as http,
            http.post(f"{h.server.base}/cb/douyin", data=gzip.compress(body), headers=headers) as r,
        ):
            assert r.status == 200, await r.text()
        assert [e.id for e in h.events] == ["dyo:g1"]
    finally:
        await h.server.kill()


async def test_timestamps_outside_the_window_are_refused() -> None:
    h = Harness(timestamp_window=300)
    await h.server.start()
    try:
        url = f"{h.server.base}/cb/douyin"
        async with aiohttp.ClientSession() as http:
            for ts, ok in [
                (978_307_200.0, False),  # 2001
                (time.time() - 301, False),
                (time.time() + 3600, False),
                (time.time() - 200, True),
            ]:
                body = comments(f"t{int(ts)}")
                async with http.post(url, data=body, headers=signed(body, ts=ts)) as r:
                    answer = await r.json()
                    assert (r.status == 200) is ok, (ts, answer)
                    if not ok:
                        assert r.status == 401 and "x-timestamp" in answer["err_msg"]
            body = comments("nots")
            headers = signed(body)
            del headers["x-timestamp"]
            headers["x-signature"] = open_signature(headers, body, SECRET)
            async with http.post(url, data=body, headers=headers) as r:
                assert r.status == 401
                assert "x-timestamp: missing" in (await r.json())["err_msg"]
        assert len(h.events) == 1
    finally:
        await h.server.kill()


async def test_msg_ids_are_deduplicated_across_instances_and_restarts(redis_url: str) -> None:
    stores = [RedisStore.from_url(redis_url, prefix="dedup") for _ in range(3)]
    # Two instances on one Redis, then a third after a restart: each a fresh process.
    harnesses = [Harness(claims=s) for s in stores]
    for h in harnesses:
        await h.server.start()
    try:
        body = comments("d1", "d2")
        async with aiohttp.ClientSession() as http:
            for h in harnesses:
                async with http.post(
                    f"{h.server.base}/cb/douyin", data=body, headers=signed(body)
                ) as r:
                    assert r.status == 200
        assert [len(h.events) for h in harnesses] == [2, 0, 0]
    finally:
        for h in harnesses:
            await h.server.kill()
        for s in stores:
            await s.close()


async def test_a_refused_delivery_is_not_remembered_as_seen(redis_url: str) -> None:
    store = RedisStore.from_url(redis_url, prefix="dedup")
    taken: list[AnyEvent] = []
    down = True

    async def commit(events: Sequence[AnyEvent]) -> int:
        if down:
            raise IntakeUnavailable("redis is down", 0)
        taken.extend(events)
        return len(events)

    endpoint = DouyinOpenEndpoint(
        name="dy-open", path="/cb", secret=SECRET, room_map={"268": "r1"}, default_room="",
        commit=commit, stats=new_stats("dy-open"), claims=store,
    )  # fmt: skip
    server = FakeServer()
    endpoint.register(server.app)
    await server.start()
    try:
        body = comments("r1", "r2")
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{server.base}/cb", data=body, headers=signed(body)) as r:
                assert r.status == 503  # the platform delivers again
            down = False
            async with http.post(f"{server.base}/cb", data=body, headers=signed(body)) as r:
                assert r.status == 200 and (await r.json())["accepted"] == 2
        assert [e.id for e in taken] == ["dyo:r1", "dyo:r2"]
    finally:
        await server.kill()
        await store.close()


async def test_slow_headers_and_bodies_are_cut_and_a_hang_up_is_not_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    service = build_service(load_config_text(SERVICE_YAML), registry=CollectorRegistry())
    caplog.set_level(logging.INFO)
    async with running(service) as base:
        port = int(base.rsplit(":", 1)[1])
        # Slowloris: a request head that never ends. The server closes the connection.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        started = time.monotonic()
        writer.write(f"POST {PATH} HTTP/1.1\r\nHost: x\r\n".encode())
        await writer.drain()
        closed = False
        for _ in range(40):
            writer.write(b"x-slow: 1\r\n")
            await writer.drain()
            try:
                if await asyncio.wait_for(reader.read(1024), 0.1) == b"":
                    closed = True
                    break
            except TimeoutError:
                continue
            except ConnectionError:
                closed = True
                break
        writer.close()
        assert closed and time.monotonic() - started < 3.0
        # A body that stops halfway: 408 after body_timeout.
        body = comments("s1")
        answer = await raw(port, head(len(body), signed(body)) + body[:5], close=False)
        assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
        # A sender that hangs up mid-body: no 500, no traceback.
        await raw(port, head(len(body), signed(body)) + body[:5], close=True)
        await asyncio.sleep(0.3)
        async with (
            aiohttp.ClientSession() as http,
            http.post(f"{base}{PATH}", data=body, headers=signed(body)) as r,
        ):
            assert r.status == 200
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    assert not any(" 500 " in r.getMessage() for r in caplog.records)


class FlakyClaims(MemoryStore):
    """A store whose claim of one msg_id fails, as a Redis connection lost mid-batch does."""

    async def claim(self, key: str, ttl: float) -> bool:
        if key.endswith(":dyo:bad"):
            raise StoreError("redis claim failed: connection lost")
        return await super().claim(key, ttl)


async def test_a_claim_that_fails_midway_gives_back_the_claims_already_made() -> None:
    claims = FlakyClaims()
    h = Harness(claims=claims)
    await h.server.start()
    try:
        body = comments("ok1", "bad", "ok2")
        url = f"{h.server.base}/cb/douyin"
        async with aiohttp.ClientSession() as http:
            async with http.post(url, data=body, headers=signed(body)) as r:
                assert r.status == 503
            assert h.events == []
            # The redelivery of the two good ids is processed: their claims were given back.
            body = comments("ok1", "ok2")
            async with http.post(url, data=body, headers=signed(body)) as r:
                assert r.status == 200 and (await r.json())["accepted"] == 2
    finally:
        await h.server.kill()
