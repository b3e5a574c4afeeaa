"""A flood of hostile input (hypothesis) gets 4xx with clear errors; the service stays healthy."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from config.loader import load_config_text
from monitor.app import build_service
from tests.faults.server_thread import ServerThread

CONFIG = """
rooms: [{id: room-a}, {id: room-b}]
sources:
  - {type: http_ingest, id: fuzz, token: fuzz-token-123456, max_body_bytes: 65536, max_events: 200}
detection:
  categories: [{id: contact, terms: [加我微信]}]
plans:
  items:
    - {id: burst, name: 敏感评论集中出现, count: {signal: sensitive, min: 3, window: 60}}
people:
  users:
    - {id: fuzzer, name: 测试管理员, role: admin, password: "${FUZZ_PW}"}
"""
PASSWORD = "fuzz-password-123"
AUTH = {"Authorization": "Bearer fuzz-token-123456"}
FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=25,
)
# Events that look almost right: known keys with wrong types, unknown keys, odd rooms.
event_like = st.fixed_dictionaries(
    {"kind": st.sampled_from(["comment", "metric", "gift", "like", "stream", "nope", 7, None])},
    optional={
        "room": st.sampled_from(["room-a", "room-b", "nope", "", "x" * 300, 5, None]),
        "text": json_values,
        "ts": st.one_of(st.floats(), st.integers(), st.text(max_size=5)),
        "id": json_values,
        "user": json_values,
        "name": json_values,
        "value": json_values,
        "extra_field": json_values,
    },
)


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    config = load_config_text(CONFIG, env={"FUZZ_PW": PASSWORD})
    service = build_service(config, registry=CollectorRegistry())
    thread = ServerThread(service)
    thread.start()
    body = json.dumps({"user": "fuzzer", "password": PASSWORD}).encode()
    conn = http.client.HTTPConnection("127.0.0.1", thread.port, timeout=10)
    conn.request("POST", "/api/v1/login", body=body, headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    resp.read()
    assert resp.status == 200, resp.status
    thread.cookie = resp.getheader("Set-Cookie", "").split(";", 1)[0]
    conn.close()
    yield thread
    thread.stop()


def request(
    server: ServerThread,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    *,
    logged_in: bool = True,
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    headers = dict(headers or {})
    if logged_in:
        headers["Cookie"] = server.cookie
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def assert_clear_4xx_or_ok(status: int, body: bytes) -> None:
    assert status < 500, (status, body[:300])
    if status >= 400:
        doc = json.loads(body)
        assert isinstance(doc, dict) and (doc.get("error") or doc.get("rejected")), doc


def assert_healthy(server: ServerThread) -> None:
    assert request(server, "GET", "/healthz")[0] == 200
    assert request(server, "GET", "/readyz")[0] == 200


@FUZZ
@given(
    body=st.one_of(
        st.binary(max_size=2048),
        json_values.map(lambda v: json.dumps(v).encode()),
        st.lists(event_like, max_size=30).map(lambda v: json.dumps(v).encode()),
        st.lists(event_like, max_size=10).map(
            lambda v: "\n".join(json.dumps(e) for e in v).encode()
        ),
        st.integers(1, 20_000).map(lambda n: b"[" * n + b"]" * n),
        st.integers(1, 5_000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
    ),
    ctype=st.sampled_from(
        ["application/json", "application/x-ndjson", "text/plain", "image/png", "", "json; x=y"]
    ),
)
def test_ingest_survives_hostile_bodies(server: ServerThread, body: bytes, ctype: str) -> None:
    headers = dict(AUTH)
    if ctype:
        headers["Content-Type"] = ctype
    status, resp = request(server, "POST", "/api/v1/ingest", body, headers)
    assert_clear_4xx_or_ok(status, resp)


def test_ingest_refuses_huge_bodies_invalid_utf8_and_bad_tokens(server: ServerThread) -> None:
    status, resp = request(server, "POST", "/api/v1/ingest", b"[" + b" " * 200_000 + b"]", AUTH)
    assert status == 413 and b"larger" in resp
    status, resp = request(server, "POST", "/api/v1/ingest", b'[{"text":"\xff\xfe"}]', AUTH)
    assert status == 400 and b"UTF-8" in resp
    status, _ = request(server, "POST", "/api/v1/ingest", b"[]", {"Authorization": "Bearer x"})
    assert status == 401
    assert_healthy(server)


segment = st.text(min_size=1, max_size=40).map(lambda s: quote(s, safe=""))


def known_alert_ids(server: ServerThread) -> list[str]:
    """Make sure real alerts exist (so actions hit the state machine), return their ids."""
    events = [{"kind": "comment", "room": "room-b", "text": "加我微信"} for _ in range(3)]
    request(server, "POST", "/api/v1/ingest", json.dumps(events).encode(), AUTH)
    for _ in range(100):
        _, body = request(server, "GET", "/api/v1/alerts")
        ids = [a["id"] for a in json.loads(body)["alerts"]]
        if ids:
            return ids
        time.sleep(0.05)
    raise AssertionError("no alert was raised")


@FUZZ
@given(
    data=st.data(),
    action=st.sampled_from(["ack", "unack", "resolve", "delete", "ACK", "%00"]) | segment,
    state=st.text(max_size=40),
    body=st.binary(max_size=512),
    logged_in=st.booleans(),
)
def test_api_survives_hostile_paths_queries_and_bodies(
    server: ServerThread,
    data: st.DataObject,
    action: str,
    state: str,
    body: bytes,
    logged_in: bool,
) -> None:
    alert_id = data.draw(st.sampled_from(known_alert_ids(server)) | segment)
    path = f"/api/v1/alerts/{alert_id}/{action}"
    status, resp = request(server, "POST", path, body, logged_in=logged_in)
    if not logged_in:
        assert status == 401 and b"authentication required" in resp, (status, resp[:200])
    assert status < 500, (status, resp[:300])
    if status >= 400 and resp.startswith(b"{"):
        assert_clear_4xx_or_ok(status, resp)
    status, resp = request(server, "GET", f"/api/v1/alerts?state={quote(state)}")
    assert_clear_4xx_or_ok(status, resp)
    json_body = {"Content-Type": "application/json"}
    for path in ("/api/v1/silences", "/api/v1/allowlist", f"/api/v1/alerts/{alert_id}/comments/x"):
        status, resp = request(server, "POST", path, body, json_body, logged_in=logged_in)
        assert status < 500, (path, status, resp[:300])
    status, resp = request(server, "PUT", f"/api/v1/people/{alert_id}", body, json_body)
    assert status < 500, (status, resp[:300])


@FUZZ
@given(
    after=st.one_of(st.integers(), st.text(max_size=30)).map(str),
    messages=st.lists(st.one_of(st.text(max_size=200), st.binary(max_size=200)), max_size=5),
)
def test_feed_websocket_survives_hostile_queries_and_messages(
    server: ServerThread, after: str, messages: list[str | bytes]
) -> None:
    url = f"ws://127.0.0.1:{server.port}/api/v1/feed?after={quote(after)}"
    try:
        # An unbounded client queue keeps reading the replay, so closing never waits on it.
        with connect(
            url,
            open_timeout=5,
            close_timeout=2,
            max_size=None,
            max_queue=None,
            additional_headers={"Cookie": server.cookie},
        ) as ws:
            for msg in messages:
                ws.send(msg)
    except InvalidStatus as exc:
        assert exc.response.status_code == 400, exc.response.status_code
    except ConnectionClosed:
        pass  # the server may close on junk; what matters is that it stays healthy
    assert request(server, "GET", "/healthz")[0] == 200


def test_feed_websocket_refuses_oversized_messages(server: ServerThread) -> None:
    url = f"ws://127.0.0.1:{server.port}/api/v1/feed?after=999999999"  # no replay
    with pytest.raises(InvalidStatus) as refused:
        connect(url, open_timeout=5).close()
    assert refused.value.response.status_code == 401
    with connect(url, open_timeout=5, additional_headers={"Cookie": server.cookie}) as ws:
        ws.send("x" * (1024 * 1024))
        with pytest.raises(ConnectionClosed) as info:
            for _ in range(100):
                ws.recv(timeout=5)
        assert info.value.rcvd is not None and info.value.rcvd.code == 1009  # message too big
    assert_healthy(server)


def test_service_is_healthy_and_still_processing_after_the_flood(server: ServerThread) -> None:
    events = [
        {"kind": "comment", "room": "room-a", "text": "加我微信", "id": f"ok{n}"} for n in range(3)
    ]
    status, resp = request(server, "POST", "/api/v1/ingest", json.dumps(events).encode(), AUTH)
    assert status == 200 and json.loads(resp)["accepted"] == 3
    assert_healthy(server)
