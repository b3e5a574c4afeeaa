"""Douyin push: the codec, and the collector against a fake push server."""

from __future__ import annotations

import gzip
import sys
from dataclasses import replace

from aiohttp import web

from monitor.collectors.douyin import (
    CommandSigner,
    DouyinCollector,
    HttpSigner,
    PresignedUrl,
    UrlSigner,
)
from monitor.collectors.douyin_codec import DouyinPushDecoder, ack_frame
from monitor.collectors.proto import webcast_pb2 as pb
from monitor.collectors.wsbase import Timing
from monitor.events import (
    CommentEvent,
    FollowEvent,
    GiftEvent,
    LikeEvent,
    MemberEvent,
    MetricEvent,
    StreamEvent,
    StreamStatus,
)
from tests.collectors.fake_base import FakeServer, wait_for
from tests.collectors.fake_douyin import PATH, FakeDouyin, chat, message, push_frame
from tests.collectors.helpers import FAST, Sink, new_stats, running


def decoder() -> DouyinPushDecoder:
    return DouyinPushDecoder(room="r1", source="dy", stats=new_stats("dy"))


def every_method() -> list[pb.Message]:
    user = pb.User(id=5, nickname="小红")
    return [
        chat("你好", 101),
        message(
            "WebcastEmojiChatMessage", pb.EmojiChatMessage(user=user, default_content="[赞]"), 102
        ),
        message("WebcastRoomUserSeqMessage", pb.RoomUserSeqMessage(total=1234), 103),
        message("WebcastLikeMessage", pb.LikeMessage(count=3, total=900, user=user), 104),
        message(
            "WebcastGiftMessage",
            pb.GiftMessage(
                user=user,
                group_id=7,
                repeat_count=2,
                repeat_end=0,
                gift=pb.GiftStruct(name="玫瑰", diamond_count=1),
            ),
            105,
        ),
        message(
            "WebcastGiftMessage",
            pb.GiftMessage(
                user=user,
                group_id=7,
                repeat_count=5,
                repeat_end=1,
                gift=pb.GiftStruct(name="玫瑰", diamond_count=1),
            ),
            106,
        ),
        message("WebcastMemberMessage", pb.MemberMessage(user=user, action=1), 107),
        message("WebcastSocialMessage", pb.SocialMessage(user=user, action=1), 108),
        message("WebcastControlMessage", pb.ControlMessage(status=3), 109),
        message("WebcastBrandNewMessage", pb.ChatMessage(content="?"), 110),
    ]


def test_decodes_every_listed_method_and_acks() -> None:
    d = decoder()
    out = d.decode(push_frame(every_method(), log_id=77, internal_ext="ext-77"))
    kinds = [type(e) for e in out.events]
    assert kinds == [
        CommentEvent,
        CommentEvent,
        MetricEvent,
        LikeEvent,
        GiftEvent,
        MemberEvent,
        FollowEvent,
        StreamEvent,
    ]
    c, emoji, viewers, like, gift, _, _, end = out.events
    assert isinstance(c, CommentEvent) and (c.text, c.user, c.nickname, c.id) == (
        "你好",
        "9",
        "抖音用户",
        "dy:101",
    )
    assert c.ts == 1721638553.798
    assert isinstance(emoji, CommentEvent) and emoji.text == "[赞]"
    assert isinstance(viewers, MetricEvent) and (viewers.name, viewers.value) == (
        "online_viewers",
        1234,
    )
    assert isinstance(like, LikeEvent) and (like.count, like.total) == (3, 900)
    # The streak is counted once, at its end, with the final repeat count.
    assert isinstance(gift, GiftEvent) and (gift.gift, gift.count) == ("玫瑰", 5)
    assert isinstance(end, StreamEvent) and end.status is StreamStatus.ENDED
    assert out.replies == [ack_frame(77, "ext-77")]
    assert out.errors == 1 and "WebcastBrandNewMessage" in d.stats.unknown_methods
    assert d.cursor == "t-77" and d.internal_ext == "ext-77" and d.heartbeat_hint == 15


def test_uncompressed_no_ack_and_control_frames() -> None:
    d = decoder()
    out = d.decode(push_frame([chat("x", 1)], log_id=1, need_ack=False, compress=False))
    assert [e.text for e in out.events if isinstance(e, CommentEvent)] == ["x"] and not out.replies
    hb = d.decode(pb.PushFrame(payload_type="hb").SerializeToString())
    assert hb.controls == 1 and hb.errors == 0


def test_damaged_frames_are_counted() -> None:
    d = decoder()
    good = push_frame([chat("x", 1)], log_id=1)
    frame = pb.PushFrame()
    frame.ParseFromString(good)
    cut = pb.PushFrame()
    cut.CopyFrom(frame)
    cut.payload = frame.payload[:-8]
    not_gzip = pb.PushFrame()
    not_gzip.CopyFrom(frame)
    not_gzip.payload = b"plainly not gzip"
    bad_resp = pb.PushFrame(payload_type="msg", payload=gzip.compress(b"\xff\xff\xff"))
    bad_resp.headers.add(key="compress_type", value="gzip")
    bad_inner = pb.PushFrame(
        payload_type="msg",
        payload=pb.Response(
            messages=[pb.Message(method="WebcastChatMessage", payload=b"\x0a\xff")]
        ).SerializeToString(),
    )
    cases = {
        "malformed": good[:5] + b"\xff\xff\xff",
        "truncated": cut.SerializeToString(),
        "decompress": not_gzip.SerializeToString(),
        "bad_response": bad_resp.SerializeToString(),
        "bad_inner": bad_inner.SerializeToString(),
        "text": "not binary",
        "unknown_frame": pb.PushFrame(payload_type="mystery").SerializeToString(),
    }
    for name, data in cases.items():
        out = d.decode(data)
        assert out.errors == 1 and not out.events, name
    assert d.stats.errors["truncated"] == 1 and d.stats.errors["decompress"] == 1
    # text, an unreadable frame, response or message: each counted under its reason
    assert d.stats.errors["malformed"] == 4


def collector(
    fake: FakeDouyin, signer: UrlSigner | None = None, timing: Timing = FAST
) -> DouyinCollector:
    stats = new_stats("dy")
    url = f"{fake.ws_base}{PATH}"
    return DouyinCollector(
        room_id="7300000000000000001",
        push_url=url,
        signer=signer or PresignedUrl(f"{url}?room_id=7300000000000000001&signature=anything"),
        name="dy",
        stats=stats,
        decoder=DouyinPushDecoder(room="r1", source="dy", stats=stats),
        timing=timing,
    )


async def test_heartbeats_follow_the_servers_heartbeat_duration() -> None:
    fake = FakeDouyin()
    await fake.start()
    # Configured for one heartbeat a minute; the server asks for one every second.
    col, sink = collector(fake, timing=replace(FAST, heartbeat_interval=60.0)), Sink()
    try:
        async with running(col, sink):
            await wait_for(lambda: fake.sockets)
            await wait_for(lambda: fake.heartbeats == 1)  # the first beat goes out at once
            await fake.push([chat("一", 1)], heartbeat_duration=1)
            await wait_for(lambda: sink.texts() == ["一"])
            assert col.heartbeat_interval() == 1.0
            await wait_for(lambda: fake.heartbeats >= 3, within=5.0)
            await fake.push([chat("二", 2)], heartbeat_duration=0)  # no hint: keep the last one
            await fake.push([chat("三", 3)], heartbeat_duration=3600)
            await wait_for(lambda: sink.texts() == ["一", "二", "三"])
            assert col.heartbeat_interval() == 60.0  # never slower than configured
    finally:
        await fake.kill()


async def test_acks_heartbeats_pings_and_reconnect() -> None:
    fake = FakeDouyin()
    await fake.start()
    col, sink = collector(fake), Sink()
    try:
        async with running(col, sink):
            await wait_for(lambda: fake.sockets)
            await fake.push([chat("一", 1), chat("二", 2)], internal_ext="ext-a")
            await wait_for(lambda: sink.texts() == ["一", "二"])
            await wait_for(lambda: fake.acks)
            # the ack echoes the frame's log_id (never its seq_id) with internal_ext as payload
            assert fake.acks[0] == (fake.sent_log_ids[0], b"ext-a")
            await wait_for(lambda: fake.heartbeats >= 3 and fake.pongs >= 3)
            assert fake.dropped_for_pong == 0  # we answer the server's pings
            await fake.broadcast(b"\x08\x01\x12")  # truncated protobuf mid-stream
            await fake.push([chat("三", 3)])
            await wait_for(lambda: sink.texts() == ["一", "二", "三"])
            await fake.kill()
            await fake.restart()
            await wait_for(lambda: fake.connections == 2)
            await fake.push([chat("三", 3), chat("四", 4)])  # history replay deduplicated
            await wait_for(lambda: sink.texts() == ["一", "二", "三", "四"])
            assert col.stats.errors["malformed"] == 1
    finally:
        await fake.kill()


async def test_command_signer_resumes_cursor_and_survives_blocked_handshake() -> None:
    fake = FakeDouyin()
    fake.reject_handshake = 1  # DEVICE_BLOCKED on the first try: a retried bootstrap
    await fake.start()
    script = (
        "import json,sys; r=json.load(sys.stdin); "
        "print(json.dumps({'url': r['url'] + '&signature=signed-by-command', 'headers': {'User-Agent': 'x'}}))"  # noqa: E501
    )
    signer = CommandSigner([sys.executable, "-c", script], timeout=10)
    col, sink = collector(fake, signer), Sink()
    try:
        async with running(col, sink):
            await wait_for(lambda: fake.sockets, within=15)
            q = fake.queries[-1]
            assert q["signature"] == "signed-by-command" and q["room_id"] == "7300000000000000001"
            assert q["compress"] == "gzip" and q["cursor"] == ""
            await fake.push([chat("a", 1)], cursor="t-cursor-1", internal_ext="ext-1")
            await wait_for(lambda: sink.texts() == ["a"])
            await fake.close_clients(1013)  # try again later: backoff floor (capped in tests)
            await wait_for(lambda: fake.connections == 2, within=15)
            assert col.last_disconnect is not None and col.last_disconnect.code == 1013
            assert fake.queries[-1]["cursor"] == "t-cursor-1"
            assert fake.queries[-1]["internal_ext"] == "ext-1"
    finally:
        await fake.kill()


async def test_http_sign_service_and_failing_signer_retry() -> None:
    fake = FakeDouyin()
    await fake.start()
    signs = FakeServer()
    calls: list[str] = []

    async def sign(request: web.Request) -> web.Response:
        body = await request.json()
        calls.append(request.headers.get("Authorization", ""))
        if len(calls) == 1:
            return web.Response(status=503)
        return web.json_response({"url": body["url"] + "&signature=svc", "headers": {}})

    signs.app.router.add_post("/sign", sign)
    await signs.start()
    col, sink = collector(fake, HttpSigner(f"{signs.base}/sign", token="t0k")), Sink()
    try:
        async with running(col, sink):
            await wait_for(lambda: fake.sockets)
            assert fake.queries[-1]["signature"] == "svc" and calls[0] == "Bearer t0k"
            assert col.stats.restarts == 1
    finally:
        await fake.kill()
        await signs.kill()
