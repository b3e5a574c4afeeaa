"""The Bilibili collectors against a local fake server speaking the real wire format."""

from __future__ import annotations

import dataclasses

import orjson

from monitor.collectors.bilibili import BilibiliCollector, BilibiliOpenCollector
from monitor.collectors.bilibili_codec import BilibiliDecoder
from monitor.collectors.bilibili_commands import CommandMapper
from monitor.events import CommentEvent, GiftEvent
from tests.collectors.fake_base import wait_for
from tests.collectors.fake_bilibili import VER_BROTLI, VER_ZLIB, FakeBilibili, danmu
from tests.collectors.helpers import FAST, Sink, new_stats, running


def web_collector(fake: FakeBilibili, **timing: float) -> BilibiliCollector:
    stats = new_stats("bili")
    return BilibiliCollector(
        room_id=42,
        live_api=fake.base,
        api=fake.base,
        buvid="buvid-test",
        ws_scheme="ws",
        name="bili",
        stats=stats,
        decoder=BilibiliDecoder(CommandMapper(room="r1", source="bili", stats=stats), stats),
        timing=dataclasses.replace(FAST, **timing),
    )


async def test_bootstrap_retries_risk_control_then_streams_batches() -> None:
    fake = FakeBilibili()
    fake.fail_danmu_info = 2  # -352 twice: retried, never fatal
    await fake.start()
    col, sink = web_collector(fake), Sink()
    try:
        async with running(col, sink):
            await wait_for(lambda: fake.authed == 1)
            auth = orjson.loads(fake.auths[0])
            assert auth["roomid"] == 1042 and auth["key"] == "tok-123" and auth["protover"] == 3
            assert fake.danmu_info_calls == 3 and col.stats.restarts == 2
            await fake.send_commands([danmu("plain", id_str="a")])
            await fake.send_commands([danmu("z1", id_str="b"), danmu("z2", id_str="c")], VER_ZLIB)
            await fake.send_commands([danmu("b1", id_str="d"), {"cmd": "NEW_THING"}], VER_BROTLI)
            await fake.broadcast(b"\x00\x01garbage")  # malformed frame mid-stream
            await fake.send_commands([danmu("after", id_str="e")])
            await wait_for(lambda: len(sink.texts()) == 5)
            assert sink.texts() == ["plain", "z1", "z2", "b1", "after"]
            await wait_for(lambda: fake.heartbeats >= 3)
            assert col.stats.errors["unknown_type"] == 1 and col.stats.errors["truncated"] == 1
            assert col.stats.connects == 1
    finally:
        await fake.kill()


async def test_dropped_connection_reconnects_and_dedups_replayed_history() -> None:
    fake = FakeBilibili()
    await fake.start()
    col, sink = web_collector(fake), Sink()
    try:
        async with running(col, sink):
            await wait_for(lambda: fake.authed == 1)
            await fake.send_commands([danmu("before", id_str="x1")])
            await wait_for(lambda: sink.texts() == ["before"])
            await fake.kill()  # the server dies mid-stream
            await fake.restart()
            await wait_for(lambda: fake.authed == 2)
            # The new session replays the last message, then carries on.
            await fake.send_commands([danmu("before", id_str="x1"), danmu("after", id_str="x2")])
            await wait_for(lambda: sink.texts() == ["before", "after"])
            assert col.stats.restarts >= 1
    finally:
        await fake.kill()


async def test_missing_heartbeat_replies_end_the_session() -> None:
    fake = FakeBilibili(answer_heartbeats=False)
    await fake.start()
    col, sink = web_collector(fake, heartbeat_timeout=0.35), Sink()
    try:
        async with running(col, sink):
            await wait_for(lambda: fake.authed >= 2)
            assert col.last_disconnect is not None
            assert col.last_disconnect.reason == "heartbeat timeout"
    finally:
        await fake.kill()


async def test_server_close_codes_and_rejected_auth_reconnect() -> None:
    fake = FakeBilibili()
    await fake.start()
    col, sink = web_collector(fake), Sink()
    try:
        async with running(col, sink):
            await wait_for(lambda: fake.authed == 1)
            await fake.close_clients(1012)  # service restart
            await wait_for(lambda: fake.authed == 2)
            fake.auth_reply_code = -101
            await fake.close_clients(1001)
            await wait_for(lambda: len(fake.auths) >= 4)
            assert col.last_disconnect is not None and "auth rejected" in col.last_disconnect.reason
            fake.auth_reply_code = 0
            await wait_for(lambda: fake.authed == 3)
    finally:
        await fake.kill()


def open_collector(fake: FakeBilibili, secret: str = "open-secret") -> BilibiliOpenCollector:
    stats = new_stats("bili-open")
    return BilibiliOpenCollector(
        api_base=fake.base,
        app_id=1001,
        access_key_id="open-key",
        access_key_secret=secret,
        auth_code="ANCHOR-CODE",
        project_heartbeat=0.1,
        name="bili-open",
        stats=stats,
        decoder=BilibiliDecoder(CommandMapper(room="r2", source="bili-open", stats=stats), stats),
        timing=FAST,
    )


async def test_open_platform_signed_calls_auth_passthrough_and_expiry() -> None:
    fake = FakeBilibili()
    await fake.start()
    col, sink = open_collector(fake), Sink()
    try:
        async with running(col, sink):
            await wait_for(lambda: fake.authed == 1)
            assert fake.auths[0] == fake.auth_body.encode()  # passed through verbatim
            await wait_for(lambda: "heartbeat" in fake.open_calls)
            dm = {
                "cmd": "LIVE_OPEN_PLATFORM_DM",
                "data": {
                    "msg": "开放平台弹幕",
                    "msg_id": "m-1",
                    "open_id": "o-1",
                    "uname": "u",
                    "timestamp": 1721638553,
                },
            }
            gift = {
                "cmd": "LIVE_OPEN_PLATFORM_SEND_GIFT",
                "data": {
                    "gift_name": "小心心",
                    "gift_num": 2,
                    "price": 500,
                    "paid": True,
                    "msg_id": "g-1",
                    "open_id": "o-2",
                },
            }
            await fake.send_commands([dm, dm, gift], VER_ZLIB)
            await wait_for(lambda: len(sink.events) == 2)
            assert (
                isinstance(sink.events[0], CommentEvent) and sink.events[0].text == "开放平台弹幕"
            )
            assert isinstance(sink.events[1], GiftEvent) and sink.events[1].value == 1.0
            fake.expire_next_heartbeat = True  # 7003: start again
            await wait_for(lambda: fake.open_calls.count("start") == 2)
            assert "end" in fake.open_calls
            # "start" is called before the new socket connects: wait for it, or the broadcast
            # below can reach no socket at all and the test waits for a restart in vain.
            await wait_for(lambda: fake.authed == 2)
            end = [{"cmd": "LIVE_OPEN_PLATFORM_INTERACTION_END", "data": {}}]
            assert await fake.send_commands(end) >= 1
            await wait_for(lambda: fake.open_calls.count("start") == 3)
        assert fake.open_calls.count("end") >= 2
        assert fake.bad_signatures == 0
    finally:
        await fake.kill()


async def test_open_platform_bad_secret_is_retried_not_fatal() -> None:
    fake = FakeBilibili()
    await fake.start()
    col, sink = open_collector(fake, secret="wrong"), Sink()
    try:
        async with running(col, sink):
            # The fake counts a refused start before the collector has read the answer
            # and counted its restart: wait for the collector's side.
            await wait_for(lambda: col.stats.restarts >= 2)
            assert fake.authed == 0 and fake.bad_signatures >= 2
    finally:
        await fake.kill()


async def test_silent_server_hits_the_read_timeout() -> None:
    fake = FakeBilibili(answer_heartbeats=False)
    await fake.start()
    col, sink = web_collector(fake, read_timeout=0.3, heartbeat_timeout=None), Sink()
    try:
        async with running(col, sink):
            await wait_for(lambda: fake.authed >= 2)
            assert col.last_disconnect is not None
            assert col.last_disconnect.reason == "read timeout"
    finally:
        await fake.kill()
