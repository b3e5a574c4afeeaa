"""TikTok LIVE: the codec, and the collector against a fake push server speaking its frames."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from monitor.collectors.douyin import CommandSigner, PresignedUrl, UrlSigner
from monitor.collectors.proto import tiktok_pb2 as tt
from monitor.collectors.proto import webcast_pb2 as pb
from monitor.collectors.record import FrameRecorder
from monitor.collectors.tiktok import TikTokCollector
from monitor.collectors.tiktok_codec import TikTokPushDecoder
from monitor.decode import decode_recording
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
from tests.collectors.fake_base import wait_for
from tests.collectors.fake_douyin import push_frame
from tests.collectors.fake_tiktok import PATH, FakeTikTok, chat, common, gift, message, user
from tests.collectors.helpers import FAST, Sink, new_stats, running

ROOM = 7413000000000000001


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def every_method() -> list[pb.Message]:
    return [
        chat("hello", 1),
        message(
            "WebcastMemberMessage", tt.MemberMessage(common=common(2), user=user(), action=1), 2
        ),
        message(
            "WebcastMemberMessage", tt.MemberMessage(common=common(3), user=user(), action=3), 3
        ),
        message(
            "WebcastLikeMessage",
            tt.LikeMessage(common=common(4), user=user(), like_count=15, total_like_count=900),
            4,
        ),
        message(
            "WebcastSocialMessage",
            tt.SocialMessage(common=common(5, "pm_main_follow_message_viewer_2"), user=user()),
            5,
        ),
        message(
            "WebcastSocialMessage",
            tt.SocialMessage(common=common(6, "pm_mt_guidance_share"), user=user(), action=3),
            6,
        ),
        message(
            "WebcastRoomUserSeqMessage",
            tt.RoomUserSeqMessage(common=common(7), viewer_count=321, total_user=5000),
            7,
        ),
        gift(8, 1, group=0, streak=False, diamonds=99),
        message("WebcastControlMessage", tt.ControlMessage(common=common(9), action=1), 9),
        message("WebcastControlMessage", tt.ControlMessage(common=common(10), action=2), 10),
        message("WebcastControlMessage", tt.ControlMessage(common=common(11), action=3), 11),
        message("WebcastRankUpdateMessage", tt.ChatMessage(), 12),
        message("WebcastNeverSeenMessage", tt.ChatMessage(), 13),
    ]


def test_decodes_every_method_ignores_known_ones_and_counts_unknown() -> None:
    stats = new_stats("tt")
    d = TikTokPushDecoder(room="r1", source="tt", stats=stats)
    out = d.decode(push_frame(every_method(), log_id=77, internal_ext="ext-77"))
    kinds = [type(e).__name__ for e in out.events]
    assert kinds == [
        "CommentEvent",
        "MemberEvent",
        "LikeEvent",
        "FollowEvent",
        "MetricEvent",
        "MetricEvent",
        "MetricEvent",
        "GiftEvent",
        "StreamEvent",
        "StreamEvent",
        "StreamEvent",
    ]
    c, m, like, follow, share, viewers, watched, g, pause, unpause, end = out.events
    assert isinstance(c, CommentEvent) and (c.text, c.user, c.id) == ("hello", "7", "tt:1")
    assert c.ts == 1776121373.001
    assert isinstance(m, MemberEvent) and isinstance(follow, FollowEvent)
    assert isinstance(like, LikeEvent) and (like.count, like.total) == (15, 900)
    assert isinstance(share, MetricEvent) and share.name == "share"
    assert isinstance(viewers, MetricEvent) and (viewers.name, viewers.value) == (
        "online_viewers",
        321,
    )
    assert isinstance(watched, MetricEvent) and watched.name == "watched_total"
    assert isinstance(g, GiftEvent) and (g.gift, g.count, round(g.value, 2)) == ("Rose", 1, 8.91)
    assert [e.status for e in (pause, unpause, end) if isinstance(e, StreamEvent)] == [
        StreamStatus.PAUSED,
        StreamStatus.LIVE,
        StreamStatus.ENDED,
    ]
    assert stats.ignored == {"WebcastRankUpdateMessage": 1}
    assert stats.errors["unknown_type"] == 1 and out.errors == 1
    assert d.cursor == "t-77" and d.internal_ext == "ext-77"
    enter_resp = pb.PushFrame(payload_type="im_enter_room_resp").SerializeToString()
    assert d.decode(enter_resp).errors == 0


def test_gift_streaks_count_once() -> None:
    clock = Clock()
    d = TikTokPushDecoder(room="r1", source="tt", stats=new_stats("tt"), now=clock)
    assert d.decode(push_frame([gift(1, 1, group=9), gift(2, 4, group=9)], log_id=1)).events == []
    out = d.decode(push_frame([gift(3, 7, group=9, end=1)], log_id=2))
    assert [(e.count, e.id) for e in out.events] == [(7, "tt:combo:7:5655:9")]
    d.decode(push_frame([gift(4, 2, group=10)], log_id=3))  # a streak whose end never comes
    clock.t += 10
    assert [e.count for e in d.flush_due()] == [2]


def collector(fake: FakeTikTok, signer: UrlSigner | None = None, **kw: object) -> TikTokCollector:
    stats = new_stats("tt")
    url = f"{fake.ws_base}{PATH}"
    return TikTokCollector(
        room_id=str(ROOM),
        push_url=url,
        signer=signer or PresignedUrl(f"{url}?room_id={ROOM}&X-Bogus=x&_signature=y"),
        name="tt",
        stats=stats,
        decoder=TikTokPushDecoder(room="r1", source="tt", stats=stats),
        timing=FAST,
        **kw,  # type: ignore[arg-type]
    )


async def test_enter_room_acks_heartbeats_reconnect_dedup_and_recording(tmp_path: Path) -> None:
    fake = FakeTikTok(ROOM)
    await fake.start()
    recording = tmp_path / "tt.jsonl"
    script = (
        "import json,sys; r=json.load(sys.stdin); "
        "print(json.dumps({'url': r['url'] + '&X-Bogus=signed', 'headers': {}}))"
    )
    signer = CommandSigner([sys.executable, "-c", script], timeout=10)
    col, sink = collector(fake, signer, recorder=FrameRecorder(recording)), Sink()
    try:
        async with running(col, sink):
            await wait_for(lambda: fake.entered == [ROOM], within=15)
            assert fake.queries[-1]["X-Bogus"] == "signed" and fake.queries[-1]["aid"] == "1988"
            await fake.push([chat("one", 1), gift(2, 1, group=0, streak=False)], internal_ext="e1")
            await wait_for(lambda: sink.texts() == ["one"] and len(sink.events) == 2)
            await wait_for(lambda: fake.acks)
            assert fake.acks[0] == (fake.sent_log_ids[0], b"e1")  # log_id, never seq_id
            await wait_for(lambda: len(fake.heartbeat_rooms) >= 2)
            assert set(fake.heartbeat_rooms) == {ROOM} and fake.before_enter == 0
            await fake.kill()
            await fake.restart()
            await wait_for(lambda: fake.entered == [ROOM, ROOM], within=15)
            assert fake.queries[-1]["cursor"] == "t-" + str(fake.sent_log_ids[0])
            await fake.push([chat("one", 1), chat("two", 3)])  # history replay deduplicated
            await wait_for(lambda: sink.texts() == ["one", "two"])
    finally:
        await fake.kill()
    out = io.StringIO()
    summary = decode_recording(recording, "tiktok", out)
    assert [line.count('"kind":"comment"') for line in out.getvalue().splitlines()] == [1, 0, 1]
    assert summary.events == 3 and summary.duplicates == 1
