"""POST /api/v1/ingest against a running server: auth, formats, limits, hostile bodies."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import orjson
import pytest
from aiohttp import web
from prometheus_client import CollectorRegistry

from alerts.model import Alert, AlertState
from config.loader import load_config_text
from monitor.app import Service, build_service
from monitor.web.app import build_web_app
from tests.support import running, wait_for

CONFIG = """
rooms: [{id: room-a}, {id: room-b}, {id: room-c}]
pipeline: {queue_size: QUEUE}
sources:
  - {type: http_ingest, id: shop, token: shop-token-123456, max_body_bytes: 4096, max_events: 20}
  - {type: http_ingest, id: partner, token: partner-token-9876, rooms: [room-b]}
detection:
  categories: [{id: contact, terms: [加我微信]}]
plans:
  items:
    - id: burst
      name: 敏感评论集中出现
      count: {signal: sensitive, min: 3, window: 60}
"""
SHOP = {"Authorization": "Bearer shop-token-123456"}
PARTNER = {"Authorization": "Bearer partner-token-9876"}
URL = "/api/v1/ingest"


def make_service(queue: int = 1000, extra: str = "") -> Service:
    config = load_config_text(CONFIG.replace("QUEUE", str(queue)) + extra)
    return build_service(config, registry=CollectorRegistry())


def comment(room: str = "room-a", text: str = "多少钱", **extra: object) -> dict[str, object]:
    return {"kind": "comment", "room": room, "text": text, "user": "u1", **extra}


def rejected_total(service: Service, source: str, reason: str) -> float:
    value = service.registry.get_sample_value(
        "roomwatch_events_rejected_total", {"source": source, "reason": reason}
    )
    return value or 0.0


@asynccontextmanager
async def client(service: Service) -> AsyncIterator[tuple[aiohttp.ClientSession, str]]:
    async with running(service) as base, aiohttp.ClientSession(base_url=base) as http:
        yield http, base


@asynccontextmanager
async def web_only(service: Service) -> AsyncIterator[aiohttp.ClientSession]:
    """Serve HTTP without starting the pipeline worker, so the queue only fills."""
    runner = web.AppRunner(build_web_app(service))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with aiohttp.ClientSession(base_url=f"http://127.0.0.1:{port}") as http:
            yield http
    finally:
        await runner.cleanup()


async def test_json_array_reaches_the_pipeline_and_raises_an_alert() -> None:
    service = make_service()
    async with client(service) as (http, _):
        batch = [comment(text=f"加我微信{i}", id=f"e{i}") for i in range(3)]
        async with http.post(URL, json=batch, headers=SHOP) as r:
            assert r.status == 200
            assert await r.json() == {"accepted": 3, "rejected": []}

        async def firing() -> list[Alert]:
            return await service.store.list_alerts(states=[AlertState.FIRING])

        await wait_for(firing, 5, "the alert")
        assert [a.room for a in await firing()] == ["room-a"]
    labels = {"room": "room-a", "source": "shop", "kind": "comment"}
    assert service.registry.get_sample_value("roomwatch_events_total", labels) == 3


async def test_ndjson_with_a_bad_line_rejects_only_that_line() -> None:
    service = make_service()
    lines = [orjson.dumps(comment()), b"{not json", b"", orjson.dumps(comment("room-c"))]
    body = b"\n".join(lines) + b"\n"
    headers = {**SHOP, "Content-Type": "application/x-ndjson"}
    async with client(service) as (http, _), http.post(URL, data=body, headers=headers) as r:
        assert r.status == 200
        data = await r.json()
    assert data["accepted"] == 2
    [rej] = data["rejected"]
    assert rej["index"] == 1 and rej["field"] == "$"
    assert rej["reason"].startswith("line 2: malformed JSON")
    assert rejected_total(service, "shop", "malformed") == 1


async def test_per_event_errors_name_index_field_and_reason() -> None:
    service = make_service()
    batch: list[object] = [
        comment(),
        comment(room="room-zzz"),
        comment(colour="red"),
        {"kind": "metric", "room": "room-a", "name": "online_viewers", "value": "many"},
        {"kind": "comment", "room": "room-a", "text": ["not", "a", "string"]},
        "just a string",
        {"kind": "teleport", "room": "room-a"},
        {"kind": "gift", "room": "room-b", "gift": "rose", "count": True},
        {"kind": "stream", "room": "room-b", "status": 1},
    ]
    async with client(service) as (http, _), http.post(URL, json=batch, headers=SHOP) as r:
        assert r.status == 200
        data = await r.json()
    assert data["accepted"] == 1
    got = {rej["index"]: (rej["field"], rej["reason"]) for rej in data["rejected"]}
    assert got == {
        1: ("room", "unknown room 'room-zzz'"),
        2: ("colour", "unknown field for a comment event"),
        3: ("value", "must be a number, got string"),
        4: ("text", "must be a string, got array"),
        5: ("$", "an event must be a JSON object, got string"),
        6: ("kind", "must be one of comment, metric, gift, like, follow, member, stream, speech"),
        7: ("count", "must be an integer, got boolean"),
        8: ("status", "must be one of live, paused, ended, cut"),
    }
    assert rejected_total(service, "shop", "unknown_room") == 1
    assert rejected_total(service, "shop", "invalid") == 7


async def test_token_restricted_to_rooms_and_source_label_is_the_token_owner() -> None:
    service = make_service()
    batch = [comment("room-a"), comment("room-b", source="spoofed")]
    async with client(service) as (http, _), http.post(URL, json=batch, headers=PARTNER) as r:
        assert r.status == 200
        data = await r.json()
    assert data["accepted"] == 1
    assert data["rejected"] == [
        {"index": 0, "field": "room", "reason": "this token may not write to room 'room-a'"}
    ]
    assert rejected_total(service, "partner", "forbidden_room") == 1
    labels = {"room": "room-b", "source": "partner", "kind": "comment"}
    assert service.registry.get_sample_value("roomwatch_events_total", labels) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token-000000"},
        {"Authorization": "Basic c2hvcDpzaG9w"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer shop-token-12345"},  # a prefix of a real token
    ],
)
async def test_missing_or_wrong_token_is_401(headers: dict[str, str]) -> None:
    service = make_service()
    async with client(service) as (http, _), http.post(URL, json=[comment()], headers=headers) as r:
        assert r.status == 401
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
        assert (await r.json())["error"] == "missing or invalid bearer token"


async def test_all_rejected_is_422() -> None:
    service = make_service()
    async with client(service) as (http, _):
        async with http.post(URL, json=[{"kind": "comment"}], headers=SHOP) as r:
            assert r.status == 422
            assert (await r.json())["rejected"] == [
                {"index": 0, "field": "room", "reason": "is required"}
            ]
        async with http.post(URL, json=[], headers=SHOP) as r:
            assert r.status == 200
            assert await r.json() == {"accepted": 0, "rejected": []}


async def test_oversized_body_is_413_with_content_length_and_when_streamed() -> None:
    service = make_service()
    big = orjson.dumps([comment(text="x" * 1500) for _ in range(3)])
    assert len(big) > 4096

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(big), 1000):
            yield big[i : i + 1000]

    async with client(service) as (http, _):
        async with http.post(URL, data=big, headers=SHOP) as r:
            assert r.status == 413
            data = await r.json()
            assert data == {"error": "the body is larger than 4096 bytes", "max_body_bytes": 4096}
        # Chunked transfer: no Content-Length, so the limit must hold while streaming.
        async with http.post(URL, data=chunks(), headers=SHOP) as r:
            assert r.status == 413
            assert (await r.json())["max_body_bytes"] == 4096
    assert rejected_total(service, "shop", "bad_body") == 2


async def test_too_many_events_is_413() -> None:
    service = make_service()
    batch = [{"kind": "like", "room": "room-a"}] * 21
    async with client(service) as (http, _), http.post(URL, json=batch, headers=SHOP) as r:
        assert r.status == 413
        assert (await r.json())["error"] == "too many events in one batch: 21 > 20"


@pytest.mark.parametrize(
    ("body", "ctype", "status", "message"),
    [
        (b'[{"kind": "comment", "room": "room-a", "text": "\xff\xfe"}]', None, 400, "UTF-8"),
        (b'[{"kind": "comment", "room": "room-a"', None, 400, "malformed JSON"),
        (b"[" * 1500 + b"]" * 1500, None, 400, "JSON is nested too deeply"),
        (b'{"kind": "comment", "room": "room-a", "text": "hi"}', None, 400, "JSON array"),
        (b"", None, 400, "the body is empty"),
        (b"null", None, 400, "got null"),
        (b"[1]", "application/x-www-form-urlencoded", 415, "unsupported Content-Type"),
        (b"[1]", "multipart/form-data; boundary=x", 415, "unsupported Content-Type"),
    ],
)
async def test_hostile_bodies_get_a_clear_4xx(
    body: bytes, ctype: str | None, status: int, message: str
) -> None:
    service = make_service()
    headers = {**SHOP, "Content-Type": ctype or "application/json"}
    async with client(service) as (http, _), http.post(URL, data=body, headers=headers) as r:
        assert r.status == status
        assert r.content_type == "application/json"
        assert message in (await r.json())["error"]


async def test_deeply_nested_event_field_is_rejected_per_event() -> None:
    service = make_service()
    nested = "[" * 500 + "]" * 500
    body = (
        f'[{{"kind": "comment", "room": "room-a", "text": {nested}}}, '
        '{"kind": "like", "room": "room-a"}]'
    )
    async with client(service) as (http, _), http.post(URL, data=body, headers=SHOP) as r:
        assert r.status == 200
        data = await r.json()
    assert data == {
        "accepted": 1,
        "rejected": [{"index": 0, "field": "text", "reason": "must be a string, got array"}],
    }


async def test_huge_unknown_field_name_is_not_echoed_back_whole() -> None:
    service = make_service()
    event = {**comment(), "k" * 3000: 1}
    async with client(service) as (http, _), http.post(URL, json=[event], headers=SHOP) as r:
        assert r.status == 422
        [rej] = (await r.json())["rejected"]
    assert rej["field"] == "k" * 64


async def test_full_queue_is_503_with_retry_after_and_the_events_not_accepted() -> None:
    service = make_service(queue=10)
    batch = [{"kind": "like", "room": "room-a", "id": f"l{i}"} for i in range(14)]
    batch.insert(2, {"kind": "like"})
    async with web_only(service) as http, http.post(URL, json=batch, headers=SHOP) as r:
        assert r.status == 503
        assert r.headers["Retry-After"] == "1"
        data = await r.json()
    assert data["accepted"] == 10
    assert data["not_accepted"] == [11, 12, 13, 14]
    assert data["rejected"] == [{"index": 2, "field": "room", "reason": "is required"}]
    assert "queue is full" in data["error"]
    dropped = service.registry.get_sample_value(
        "roomwatch_events_dropped_total", {"source": "shop"}
    )
    assert dropped == 4


async def test_stopping_service_answers_503() -> None:
    service = make_service()
    service.pipeline.stop_intake()
    async with web_only(service) as http, http.post(URL, json=[comment()], headers=SHOP) as r:
        assert r.status == 503
        assert r.headers["Retry-After"] == "1"
        assert "shutting down" in (await r.json())["error"]


async def test_no_ingest_route_without_an_http_ingest_source() -> None:
    config = load_config_text("rooms: [{id: room-a}]")
    service = build_service(config, registry=CollectorRegistry())
    async with client(service) as (http, _), http.post(URL, json=[comment()], headers=SHOP) as r:
        assert r.status in (404, 405)


def test_two_sources_cannot_share_a_token() -> None:
    from config.loader import ConfigError

    text = """
rooms: [{id: room-a}]
sources:
  - {type: http_ingest, id: one, token: same-token-xyz}
  - {type: http_ingest, id: two, token: same-token-xyz}
"""
    with pytest.raises(ConfigError) as info:
        load_config_text(text)
    assert [str(i) for i in info.value.issues] == [
        "<config>:5: sources[1].token: token already used by another source"
    ]


async def raw_request(base: str, head: bytes, body: bytes, *, close: bool) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(head + body)
    await writer.drain()
    if close:
        writer.close()
        await writer.wait_closed()
        return b""
    try:
        return await asyncio.wait_for(reader.read(65_536), 10)
    finally:
        writer.close()


def raw_head(length: int) -> bytes:
    return (
        f"POST {URL} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer shop-token-123456\r\n"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


async def test_truncated_and_stalled_uploads() -> None:
    service = make_service(extra="server: {body_timeout: 0.5}\n")
    body = orjson.dumps([comment()])
    async with client(service) as (http, base):
        # The client hangs up halfway through its body: nothing is accepted, nothing breaks.
        await raw_request(base, raw_head(len(body)), body[:10], close=True)
        # The client stops sending halfway and keeps the connection open: 408.
        answer = await raw_request(base, raw_head(len(body)), body[:10], close=False)
        assert answer.startswith(b"HTTP/1.1 408")
        assert b'"error":"the body did not arrive within 0.5 s"' in answer
        async with http.post(URL, json=[comment()], headers=SHOP) as r:
            assert (await r.json())["accepted"] == 1
    labels = {"room": "room-a", "source": "shop", "kind": "comment"}
    assert service.registry.get_sample_value("roomwatch_events_total", labels) == 1
    assert rejected_total(service, "shop", "bad_body") == 2  # the cut and the stalled body


async def test_a_gzip_body_is_limited_by_its_inflated_size() -> None:
    import gzip

    service = make_service()
    inflated = b"[" + b" " * 3_000_000 + b"]"
    bomb = gzip.compress(inflated)
    assert len(bomb) < 4096  # within max_body_bytes on the wire
    headers = {**SHOP, "Content-Type": "application/json", "Content-Encoding": "gzip"}
    async with client(service) as (http, _):
        async with http.post(URL, data=bomb, headers=headers) as r:
            assert r.status == 413
            assert "once decompressed" in (await r.json())["error"]
        small = gzip.compress(orjson.dumps([comment()]))
        async with http.post(URL, data=small, headers=headers) as r:
            assert r.status == 200 and (await r.json())["accepted"] == 1
