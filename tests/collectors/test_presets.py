"""The DouyinBarrageGrab preset: its documented frames, streaks, bad input, and a live stream."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from config.loader import ConfigError, load_config
from monitor.collectors.generic_ws import GenericWsCollector
from monitor.collectors.presets import BarrageGrabDecoder
from monitor.events import GiftEvent, StreamEvent
from tests.collectors.fake_base import wait_for
from tests.collectors.fake_generic import FakeJsonStream
from tests.collectors.helpers import FAST, Sink, new_stats, running

SAMPLES = Path(__file__).parent.parent / "fixtures" / "presets" / "douyin_barrage_grab.jsonl"


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def decoder(clock: Clock | None = None) -> BarrageGrabDecoder:
    return BarrageGrabDecoder(
        room="",
        room_map={"8888": "r1"},
        source="dbg",
        stats=new_stats("dbg"),
        now=clock or Clock(),
    )


def grab(kind: int, **data: object) -> str:
    body = {"MsgId": data.pop("MsgId", 1), "RoomId": "8888", "User": {"Id": 5, "Nickname": "甲"}}
    return orjson.dumps({"Type": kind, "Data": orjson.dumps(body | data).decode()}).decode()


def test_every_documented_type_maps_without_a_mapping() -> None:
    d = decoder()
    events = [e for line in SAMPLES.read_text().splitlines() for e in d.decode(line).events]
    got = [(e.kind.value, getattr(e, "name", "")) for e in events]
    assert got == [
        ("comment", ""),
        ("like", ""),
        ("member", ""),
        ("follow", ""),
        ("gift", ""),
        ("metric", "online_viewers"),
        ("metric", "watched_total"),
        ("follow", ""),
        ("metric", "share"),
        ("stream", ""),
    ]
    comment, like, *_ = events
    assert (comment.room, comment.id, comment.user) == ("r1", "dbg:123456", "111")  # type: ignore[attr-defined]
    assert (like.count, like.total) == (10, 100)  # type: ignore[attr-defined]
    gift = events[4]
    assert isinstance(gift, GiftEvent) and (gift.gift, gift.count, gift.value) == ("小心心", 1, 1.0)
    assert isinstance(events[-1], StreamEvent)
    assert d.stats.error_total == 0


def test_streaks_count_once_and_bad_frames_are_counted() -> None:
    clock = Clock()
    d = decoder(clock)
    for n, repeat in enumerate((1, 2, 5), 1):
        frame = grab(
            5,
            MsgId=n,
            GiftId=1,
            GiftName="玫瑰",
            GroupId=77,
            GiftCount=1,
            RepeatCount=repeat,
            Combo=True,
        )
        assert d.decode(frame).events == []
    clock.t += 5
    (streak,) = d.flush_due()
    assert isinstance(streak, GiftEvent) and (streak.count, streak.value) == (5, 0.0)
    for bad in ("not json", '{"Type": 1, "Data": "{broken"}', '{"Type": 1}', grab(42)):
        assert d.decode(bad).errors == 1
    assert d.decode(grab(1, RoomId="9999", Content="x")).errors == 1  # a room not mapped
    assert d.stats.errors["malformed"] == 3 and d.stats.errors["unknown_type"] == 1


def test_config_needs_a_room_and_rejects_a_mapping_beside_the_preset(tmp_path: Path) -> None:
    base = (
        "rooms: [{id: r1}]\nsources:\n"
        "  - {type: generic_ws, id: g, url: ws://x, preset: douyin_barrage_grab"
    )
    ok = tmp_path / "ok.yaml"
    ok.write_text(base + ", room: r1}\n")
    assert load_config(ok).sources[0].preset == "douyin_barrage_grab"  # type: ignore[union-attr]
    for tail in ("}\n", ", room: r1, mapping: {kinds: {a: comment}}}\n"):
        bad = tmp_path / "bad.yaml"
        bad.write_text(base + tail)
        with pytest.raises(ConfigError) as exc:
            load_config(bad)
        assert "sources[0]" in str(exc.value.issues[0])


async def test_a_running_capture_tool_stream() -> None:
    fake = FakeJsonStream()
    await fake.start()
    stats = new_stats("dbg")
    col = GenericWsCollector(
        url=f"{fake.ws_base}/stream",
        name="dbg",
        stats=stats,
        decoder=BarrageGrabDecoder(room="r1", room_map={}, source="dbg", stats=stats),
        timing=FAST,
    )
    sink = Sink()
    try:
        async with running(col, sink):
            await wait_for(lambda: fake.sockets)
            for line in SAMPLES.read_text().splitlines()[:2]:
                await fake.broadcast(line)
            await wait_for(lambda: len(sink.events) == 2)
            await fake.kill()
            await fake.restart()
            await wait_for(lambda: fake.sockets, within=10)
            await fake.broadcast(SAMPLES.read_text().splitlines()[0])  # replayed: dropped
            await fake.broadcast(grab(1, MsgId=99, Content="新的"))
            await wait_for(lambda: sink.texts() == ["弹幕内容", "新的"])
    finally:
        await fake.kill()
