"""Scripted platform streams: played on the fake servers, recorded, and pinned as fixtures.

Regenerate the committed fixtures with `python -m tests.collectors.streams` (from the repo
root); the regression test replays them and compares with the pinned events.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson

from monitor.collectors.bilibili import BilibiliCollector
from monitor.collectors.bilibili_codec import BilibiliDecoder, pack
from monitor.collectors.bilibili_commands import CommandMapper
from monitor.collectors.common import SourceStats
from monitor.collectors.douyin import DouyinCollector, PresignedUrl
from monitor.collectors.douyin_codec import DouyinPushDecoder
from monitor.collectors.generic_ws import GenericJsonDecoder, GenericWsCollector
from monitor.collectors.proto import webcast_pb2 as pb
from monitor.collectors.record import FrameRecorder
from monitor.collectors.wsbase import FrameDecoder, WsCollector
from monitor.events import AnyEvent, event_to_dict
from tests.collectors.fake_base import FakeServer, wait_for
from tests.collectors.fake_bilibili import VER_BROTLI, VER_ZLIB, FakeBilibili, danmu
from tests.collectors.fake_douyin import PATH, FakeDouyin, chat, message
from tests.collectors.fake_generic import FakeJsonStream
from tests.collectors.helpers import FAST, Sink, new_stats, running
from tests.collectors.test_generic_ws import MAPPING

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "collectors"
PLATFORMS = ("douyin", "bilibili", "generic")


def normalized(event: AnyEvent) -> dict[str, Any]:
    """The stable part of an event: fresh ids and arrival-time timestamps are left out."""
    d = event_to_dict(event)
    if str(d.get("id", "")).startswith("rw-"):
        d.pop("id")
        d.pop("ts", None)
    return d


def decoder_for(platform: str, stats: SourceStats) -> FrameDecoder:
    if platform == "douyin":
        return DouyinPushDecoder(room="r1", source=platform, stats=stats)
    if platform == "bilibili":
        return BilibiliDecoder(CommandMapper(room="r1", source=platform, stats=stats), stats)
    return GenericJsonDecoder(MAPPING, source=platform, stats=stats, rooms=frozenset({"r1"}))


async def _douyin(fake: FakeDouyin) -> None:
    u = pb.User(id=5, nickname="小红")
    c = pb.Common(create_time=1721638560000)
    await fake.push([chat("主播好", 1), chat("加我微信私聊", 2), chat("多少钱", 3)])
    await fake.push(
        [
            message(
                "WebcastEmojiChatMessage",
                pb.EmojiChatMessage(common=c, user=u, default_content="[比心]"),
                4,
            ),
            message("WebcastRoomUserSeqMessage", pb.RoomUserSeqMessage(common=c, total=2345), 5),
            message("WebcastLikeMessage", pb.LikeMessage(common=c, count=8, total=5000, user=u), 6),
            message(
                "WebcastGiftMessage",
                pb.GiftMessage(
                    common=c,
                    user=u,
                    group_id=1,
                    repeat_count=1,
                    gift=pb.GiftStruct(name="小心心", diamond_count=1),
                ),
                7,
            ),
            message(
                "WebcastGiftMessage",
                pb.GiftMessage(
                    common=c,
                    user=u,
                    group_id=1,
                    repeat_count=9,
                    repeat_end=1,
                    gift=pb.GiftStruct(name="小心心", diamond_count=1),
                ),
                8,
            ),
            message("WebcastMemberMessage", pb.MemberMessage(common=c, user=u, action=1), 9),
            message("WebcastSocialMessage", pb.SocialMessage(common=c, user=u, action=1), 10),
            message("WebcastRoomRankMessage", pb.ChatMessage(content="rank"), 11),
        ]
    )
    await fake.broadcast(b"\x0a\x05trunc")  # damaged frame
    await fake.push([chat("不压缩", 12)], compress=False, need_ack=False)
    await fake.push([message("WebcastControlMessage", pb.ControlMessage(common=c, status=3), 13)])


async def _bilibili(fake: FakeBilibili) -> None:
    await fake.send_commands(
        [danmu("主播晚上好", 1, "甲", id_str="d1", medal=None, suffix=":3:7:1:1:1:1")]
    )
    await fake.send_commands(
        [danmu("加V看主页", 2, "乙", id_str="d2"), danmu("好看", 3, "丙", id_str="d3")], VER_ZLIB
    )
    await fake.send_commands(
        [
            {
                "cmd": "SEND_GIFT",
                "data": {
                    "giftName": "辣条",
                    "num": 5,
                    "uid": 4,
                    "uname": "丁",
                    "coin_type": "silver",
                    "total_coin": 500,
                    "tid": "t1",
                    "timestamp": 1721638553,
                },
            },
            {
                "cmd": "INTERACT_WORD",
                "data": {"msg_type": 2, "uid": 5, "uname": "戊", "timestamp": 1721638554},
            },
            {"cmd": "ONLINE_RANK_COUNT", "data": {"count": 30, "online_count": 880}},
            {"cmd": "WATCHED_CHANGE", "data": {"num": 12000}},
            {"cmd": "LIKE_INFO_V3_UPDATE", "data": {"click_count": 345}},
            {"cmd": "STOP_LIVE_ROOM_LIST", "data": {}},
            {"cmd": "WARNING", "msg": "请注意直播内容"},
        ],
        VER_BROTLI,
    )
    await fake.broadcast(pack(5, b'{"cmd":"DANMU_MSG","info":[]}')[:-4])  # truncated packet
    await fake.send_commands([{"cmd": "CUT_OFF", "msg": "违规"}, {"cmd": "PREPARING"}])


async def _generic(fake: FakeJsonStream) -> None:
    frames: list[dict[str, Any]] = [
        {
            "batch": [
                {
                    "type": "chat",
                    "channel": "ch-1",
                    "mid": 1,
                    "ts": 1721638553,
                    "body": "你好",
                    "from": {"uid": 7, "name": "甲"},
                }
            ]
        },
        {
            "batch": [
                {
                    "type": "present",
                    "channel": "ch-1",
                    "item": "火箭",
                    "qty": 1,
                    "mid": 2,
                    "ts": 1721638554,
                },
                {"type": "pong"},
            ]
        },
        {
            "batch": [
                {"type": "viewers", "channel": "ch-1", "n": 99, "mid": 3, "ts": 1721638555},
                {"type": "poll", "channel": "ch-1"},
            ]
        },
    ]
    for f in frames:
        await fake.broadcast(orjson.dumps(f).decode())
    await fake.broadcast("{cut")


async def record_session(platform: str, path: Path) -> tuple[list[AnyEvent], SourceStats]:
    """Play the platform's scripted stream on its fake server, recording the raw frames."""
    await asyncio.to_thread(path.unlink, missing_ok=True)
    stats = new_stats(platform)
    common: dict[str, Any] = {
        "name": platform,
        "stats": stats,
        "decoder": decoder_for(platform, stats),
        "timing": FAST,
        "recorder": FrameRecorder(path),
    }
    fake: FakeServer
    script: Callable[[], Awaitable[None]]
    col: WsCollector
    if platform == "douyin":
        dy = fake = FakeDouyin()
        await fake.start()
        url = f"{fake.ws_base}{PATH}"
        col = DouyinCollector(room_id="1", push_url=url, signer=PresignedUrl(url), **common)
        script = lambda: _douyin(dy)  # noqa: E731
    elif platform == "bilibili":
        bl = fake = FakeBilibili()
        await fake.start()
        col = BilibiliCollector(room_id=42, ws_url=f"{fake.ws_base}/sub", token="t", **common)
        script = lambda: _bilibili(bl)  # noqa: E731
    else:
        gen = fake = FakeJsonStream()
        await fake.start()
        col = GenericWsCollector(
            url=f"{fake.ws_base}/stream",
            subscribe='{"op":"sub"}',
            heartbeat='{"op":"ping"}',
            **common,
        )
        script = lambda: _generic(gen)  # noqa: E731
    sink = Sink()
    try:
        async with running(col, sink):
            await wait_for(lambda: fake.sockets)
            await script()
            await wait_for(lambda: _finished(platform, sink, stats))
    finally:
        await fake.kill()
    return sink.events, stats


def _finished(platform: str, sink: Sink, stats: SourceStats) -> bool:
    """True once the script's last frame has been decoded."""
    streams = sum(1 for e in sink.events if e.kind.value == "stream")
    if platform == "douyin":
        return streams == 1
    if platform == "bilibili":
        return streams == 2
    return stats.errors["malformed"] == 1


async def _main() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for platform in PLATFORMS:
        events, stats = await record_session(platform, FIXTURES / f"{platform}.jsonl")
        expected = {"events": [normalized(e) for e in events], "errors": stats.errors}
        (FIXTURES / f"{platform}.expected.json").write_bytes(
            orjson.dumps(expected, option=orjson.OPT_INDENT_2) + b"\n"
        )
        print(f"{platform}: {len(events)} events, errors {stats.errors}")


if __name__ == "__main__":
    asyncio.run(_main())
