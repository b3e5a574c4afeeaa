"""Douyin Open Platform callbacks: signature, batches, dedup, fast answers, rejections."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web

from alerts.store.memory import MemoryStore
from monitor.collectors.douyin_open import Claims, DouyinOpenEndpoint, open_signature
from monitor.events import AnyEvent, CommentEvent, FollowEvent, GiftEvent, LikeEvent
from tests.collectors.fake_base import FakeServer
from tests.collectors.helpers import new_stats

SECRET = "cb-secret"


def test_public_test_vector() -> None:
    headers = {
        "x-nonce-str": "123456",
        "x-timestamp": "456789",
        "x-roomid": "268",
        "x-msg-type": "live_gift",
        "content-type": "application/json",
    }
    assert open_signature(headers, "abc123你好".encode(), "123abc") == "PDcKhdlsrKEJif6uMKD2dw=="


class Harness:
    def __init__(self, capacity: int = 1000, claims: Claims | None = None, **kwargs: Any) -> None:
        self.events: list[AnyEvent] = []
        self.capacity = capacity
        self.claims = claims if claims is not None else MemoryStore()
        self.endpoint = DouyinOpenEndpoint(
            name="dy-open",
            path="/cb/douyin",
            secret=SECRET,
            room_map={"268": "r1"},
            default_room="",
            commit=self.commit,
            stats=new_stats("dy-open"),
            claims=self.claims,
            **kwargs,
        )
        self.server = FakeServer()
        self.endpoint.register(self.server.app)

    async def commit(self, events: Sequence[AnyEvent]) -> int:
        taken = 0
        for event in events:
            if len(self.events) >= self.capacity:
                break  # a full pipeline refuses the rest
            self.events.append(event)
            taken += 1
        return taken

    async def post(
        self,
        msg_type: str,
        items: object,
        *,
        secret: str = SECRET,
        room: str = "268",
        raw: bytes | None = None,
        timestamp: str | None = None,
    ) -> tuple[int, dict[str, object]]:
        body = raw if raw is not None else orjson.dumps(items)
        headers = {
            "x-nonce-str": "n1",
            "x-timestamp": timestamp or str(int(time.time() * 1000)),
            "x-roomid": room,
            "x-msg-type": msg_type,
            "content-type": "application/json",
        }
        headers["x-signature"] = open_signature(headers, body, secret)
        url = f"{self.server.base}/cb/douyin"
        async with aiohttp.ClientSession() as http, http.post(url, data=body, headers=headers) as r:
            return r.status, await r.json()


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    h = Harness(capacity=6)
    await h.server.start()
    yield h
    await h.server.kill()


async def test_batches_map_dedup_and_skip_test_gifts(harness: Harness) -> None:
    comments = [
        {
            "msg_id": "c1",
            "sec_openid": "o1",
            "content": "加我微信",
            "nickname": "甲",
            "timestamp": 1721638553000,
        },
        {"msg_id": "c2", "sec_openid": "o2", "content": "好看", "nickname": "乙"},
    ]
    assert (await harness.post("live_comment", comments))[0] == 200
    assert (await harness.post("live_comment", comments[:1]))[0] == 200  # re-delivered: deduped
    gifts = [
        {
            "msg_id": "g1",
            "sec_openid": "o3",
            "sec_gift_id": "rose",
            "gift_num": 2,
            "gift_value": 200,
        },
        {"msg_id": "g2", "sec_gift_id": "x", "gift_num": 1, "gift_value": 100, "test": True},
    ]
    await harness.post("live_gift", gifts)
    await harness.post("live_like", [{"msg_id": "l1", "sec_openid": "o4", "like_num": 12}])
    await harness.post(
        "live_fansclub",
        [
            {"msg_id": "f1", "sec_openid": "o5", "fansclub_reason_type": 2},
            {"msg_id": "f2", "fansclub_reason_type": 1},
        ],
    )
    kinds = [type(e) for e in harness.events]
    assert kinds == [CommentEvent, CommentEvent, GiftEvent, LikeEvent, FollowEvent]
    c = harness.events[0]
    assert isinstance(c, CommentEvent) and (c.room, c.text, c.user, c.ts) == (
        "r1",
        "加我微信",
        "o1",
        1721638553.0,
    )
    g = harness.events[2]
    assert isinstance(g, GiftEvent) and (g.gift, g.count, g.value) == ("rose", 2, 2.0)


async def test_bad_signature_bad_body_unknown_type_and_full_queue(harness: Harness) -> None:
    status, body = await harness.post(
        "live_comment", [{"msg_id": "z", "content": "x"}], secret="wrong"
    )
    assert status == 401 and "x-signature" in str(body["err_msg"])
    status, body = await harness.post("live_comment", None, raw=b"{not json")
    assert status == 400 and "body" in str(body["err_msg"])
    status, _ = await harness.post("live_mystery", [{"msg_id": "m"}])
    assert status == 200 and harness.endpoint.stats.errors["unknown_type"] == 1
    status, _ = await harness.post("live_comment", [{"msg_id": "q"}], room="999")
    assert status == 200 and harness.endpoint.stats.errors["bad_event"] == 1
    # More than the pipeline takes: 503 with what was taken; the redelivery brings the rest
    # and the msg_ids already taken are dropped as duplicates.
    many = [{"msg_id": f"k{i}", "content": f"c{i}"} for i in range(20)]
    status, body = await harness.post("live_comment", many)
    assert status == 503 and body["accepted"] == 6 and len(harness.events) == 6
    assert harness.endpoint.rejected == 1
    harness.capacity = 100
    status, body = await harness.post("live_comment", many)
    assert status == 200 and body["accepted"] == 14
    assert [e.id for e in harness.events] == [f"dyo:k{i}" for i in range(20)]


async def test_route_plugin_mounts_on_an_app() -> None:
    h = Harness()
    app = web.Application()
    h.endpoint.register(app)
    assert any(
        r.resource is not None and r.resource.canonical == "/cb/douyin" for r in app.router.routes()
    )
