"""Kuaishou: the codec, and the collector against a fake live WebSocket and token service."""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

from monitor.collectors.kuaishou import (
    CommandTokenHook,
    HttpTokenHook,
    KuaishouCollector,
    StaticTicket,
    Ticket,
    TokenHook,
)
from monitor.collectors.kuaishou_codec import (
    COMPRESSION_AES,
    COMPRESSION_GZIP,
    SC_AUTHOR_PAUSE,
    SC_AUTHOR_RESUME,
    SC_FEED_PUSH,
    SC_SUSPECTED_VIOLATION,
    KuaishouDecoder,
    display_count,
    frame,
)
from monitor.collectors.proto import kuaishou_pb2 as ks
from monitor.collectors.record import FrameRecorder
from monitor.decode import decode_recording
from monitor.events import (
    CommentEvent,
    GiftEvent,
    LikeEvent,
    MetricEvent,
    StreamEvent,
    StreamStatus,
)
from tests.collectors.fake_base import wait_for
from tests.collectors.fake_kuaishou import PATH, FakeKuaishou, feed, user
from tests.collectors.helpers import FAST, Sink, new_stats, running


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def gift_feed(fid: str, combo: int, merge: str = "m1", gift_id: int = 1) -> ks.GiftFeed:
    return ks.GiftFeed(
        id=fid, user=user(), gift_id=gift_id, merge_key=merge, batch_size=1, combo_count=combo,
        time=1776121373000,
    )  # fmt: skip


def test_display_counts() -> None:
    assert [display_count(t) for t in ("123", "1,234", "1.2万", "3.4w", "2亿", "x", "-1")] == [
        123,
        1234,
        12000,
        34000,
        200_000_000,
        None,
        None,
    ]


def test_feed_push_comments_likes_gift_combo_counts_and_controls() -> None:
    clock = Clock()
    stats = new_stats("ks")
    d = KuaishouDecoder(room="r1", source="ks", stats=stats, gift_values={1: 0.1}, now=clock)
    body = feed([("c1", "主播好"), ("c2", "")], likes=["l1"], watching="1.2万", like_count="345")
    body.gift_feeds.extend([gift_feed("g1", 1), gift_feed("g2", 3)])
    raw = frame(SC_FEED_PUSH, gzip.compress(body.SerializeToString()), COMPRESSION_GZIP)
    out = d.decode(raw)
    comment, like, viewers, likes = out.events
    assert isinstance(comment, CommentEvent) and (comment.text, comment.user, comment.id) == (
        "主播好",
        "3xabc",
        "ks:c:c1",
    )
    assert isinstance(like, LikeEvent) and like.id == "ks:l:l1"
    assert isinstance(viewers, MetricEvent) and (viewers.name, viewers.value) == (
        "online_viewers",
        12000,
    )
    assert isinstance(likes, MetricEvent) and likes.value == 345
    clock.t += 5  # the combo goes quiet: one gift with its final count
    gifts = d.flush_due()
    assert [(g.count, round(g.value, 2), g.id) for g in gifts if isinstance(g, GiftEvent)] == [
        (3, 0.3, "ks:g:3xabc:1:m1")
    ]
    pause = d.decode(frame(SC_AUTHOR_PAUSE, b"")).events[0]
    resume = d.decode(frame(SC_AUTHOR_RESUME, b"")).events[0]
    assert isinstance(pause, StreamEvent) and pause.status is StreamStatus.PAUSED
    assert isinstance(resume, StreamEvent) and resume.status is StreamStatus.LIVE
    warn = d.decode(frame(SC_SUSPECTED_VIOLATION, b"")).events[0]
    assert isinstance(warn, MetricEvent) and warn.name == "platform_warning"
    assert d.decode(frame(340, b"\x0a\x00")).errors == 0  # watching list: ignored
    assert stats.ignored == {"SC_LIVE_WATCHING_LIST": 1}
    assert d.decode(frame(999, b"")).errors == 1  # unknown payload type
    assert d.decode(frame(SC_FEED_PUSH, b"x", COMPRESSION_AES)).errors == 1
    assert d.decode(frame(SC_FEED_PUSH, b"not gzip", COMPRESSION_GZIP)).errors == 1
    assert d.decode(frame(SC_FEED_PUSH, b"\x2a\xff")).errors == 1  # damaged feed
    assert d.decode(b"\xff\xff").errors == 1 and d.decode("text").errors == 1
    assert stats.errors["unknown_type"] == 1 and stats.errors["decompress"] == 2


def collector(hook: TokenHook, **kw: object) -> KuaishouCollector:
    stats = new_stats("ks")
    return KuaishouCollector(
        principal_id="3xanchor",
        hook=hook,
        name="ks",
        stats=stats,
        decoder=KuaishouDecoder(room="r1", source="ks", stats=stats),
        timing=FAST,
        **kw,  # type: ignore[arg-type]
    )


async def test_token_hook_enter_room_heartbeats_reconnect_dedup_and_recording(
    tmp_path: Path,
) -> None:
    fake = FakeKuaishou()
    await fake.start()
    recording = tmp_path / "ks.jsonl"
    col = collector(HttpTokenHook(f"{fake.base}/token"), recorder=FrameRecorder(recording))
    sink = Sink()
    try:
        async with running(col, sink):
            await wait_for(lambda: fake._entered, within=10)
            first = fake.enters[0]
            assert (first.token, first.live_stream_id, first.reconnect_count) == (
                "tok-1",
                "ls-1",
                0,
            )
            await fake.push(feed([("c1", "一")], likes=["l1"]))
            await wait_for(lambda: sink.texts() == ["一"] and len(sink.events) == 2)
            await wait_for(lambda: fake.heartbeats >= 2)
            assert fake.early_heartbeats == 0
            fake.refuse_tokens.add("tok-1")
            await fake.kill()
            await fake.restart()
            # A fresh token per connect; the refused one is never reused.
            await wait_for(lambda: fake._entered, within=10)
            assert fake.enters[-1].token != "tok-1" and fake.enters[-1].reconnect_count >= 1
            assert len({e.page_id for e in fake.enters}) == len(fake.enters)
            await fake.push(feed([("c1", "一"), ("c2", "二")]))  # replayed c1 deduplicated
            await wait_for(lambda: sink.texts() == ["一", "二"])
    finally:
        await fake.kill()
    out = io.StringIO()
    summary = decode_recording(recording, "kuaishou", out)
    assert summary.events == 3 and summary.duplicates == 1


async def test_refused_token_asks_the_hook_again_and_command_hook_works() -> None:
    fake = FakeKuaishou()
    await fake.start()
    fake.issued.append("static-old")
    fake.refuse_tokens.add("static-old")
    script = (
        "import json,sys,urllib.request; r=json.load(sys.stdin); "
        f"req=urllib.request.Request('{fake.base}/token', data=json.dumps(r).encode(), "
        "headers={'Content-Type':'application/json'}); "
        "print(urllib.request.urlopen(req).read().decode())"
    )
    stale = StaticTicket(Ticket(f"{fake.ws_base}{PATH}", "static-old", "ls-1"))
    col, sink = collector(stale), Sink()
    try:
        async with running(col, sink):
            await wait_for(lambda: len(fake.enters) >= 2, within=10)  # refused, retried
            assert not fake._entered and col.last_disconnect is not None
        col2 = collector(CommandTokenHook([sys.executable, "-c", script], timeout=10))
        async with running(col2, sink):
            await wait_for(lambda: fake._entered, within=15)
            await fake.push(feed([("c9", "好")]))
            await wait_for(lambda: sink.texts() == ["好"])
    finally:
        await fake.kill()
