"""Bilibili framing and commands: batches, suffixes, null medals, quirks, counted errors."""

from __future__ import annotations

import struct
import tracemalloc
import zlib

import brotli
import orjson
import pytest

from monitor.collectors.bilibili_codec import (
    MAX_INFLATED,
    OP_AUTH_REPLY,
    OP_HEARTBEAT_REPLY,
    OP_MESSAGE,
    BilibiliDecoder,
    PacketError,
    inflate,
    pack,
)
from monitor.collectors.bilibili_commands import CommandMapper
from monitor.events import (
    CommentEvent,
    FollowEvent,
    GiftEvent,
    MemberEvent,
    MetricEvent,
    StreamEvent,
    StreamStatus,
)
from tests.collectors.fake_bilibili import VER_BROTLI, VER_ZLIB, batch, command, danmu
from tests.collectors.helpers import new_stats


def decoder() -> BilibiliDecoder:
    stats = new_stats("bili")
    return BilibiliDecoder(CommandMapper(room="r1", source="bili", stats=stats), stats)


def test_suffixed_danmu_with_null_medal_becomes_a_comment() -> None:
    d = decoder()
    out = d.decode(command(danmu("加我微信", 42, "小明", medal=None, suffix=":3:7:1:1:1:1")))
    assert out.errors == 0
    [ev] = out.events
    assert isinstance(ev, CommentEvent)
    assert (ev.text, ev.user, ev.nickname, ev.room) == ("加我微信", "42", "小明", "r1")
    assert ev.ts == 1721638553.798


def test_zlib_and_brotli_batches_are_parsed_recursively() -> None:
    d = decoder()
    cmds = [danmu(f"m{i}", i, id_str=f"id{i}") for i in range(3)]
    for ver in (VER_ZLIB, VER_BROTLI):
        out = d.decode(batch(cmds, ver))
        assert [e.text for e in out.events if isinstance(e, CommentEvent)] == ["m0", "m1", "m2"]
        assert out.errors == 0
    # Two packets back to back in one message, one of them a nested batch.
    out = d.decode(command(danmu("a")) + batch([danmu("b"), danmu("c")], VER_BROTLI))
    assert [e.text for e in out.events if isinstance(e, CommentEvent)] == ["a", "b", "c"]


def test_listed_commands_map_to_events() -> None:
    d = decoder()
    objs = [
        {
            "cmd": "SEND_GIFT",
            "data": {
                "giftName": "辣条",
                "num": 3,
                "uid": 5,
                "uname": "x",
                "coin_type": "gold",
                "total_coin": 3000,
                "tid": "t1",
                "timestamp": 1721638553,
            },
        },
        {
            "cmd": "INTERACT_WORD",
            "data": {"msg_type": 1, "uid": 6, "uname": "y", "timestamp": 1721638553},
        },
        {
            "cmd": "INTERACT_WORD",
            "data": {"msg_type": 2, "uid": 7, "uname": "z", "timestamp": 1721638553},
        },
        {"cmd": "ONLINE_RANK_COUNT", "data": {"count": 12, "online_count": 345}},
        {"cmd": "WATCHED_CHANGE", "data": {"num": 9999, "text_small": "9999"}},
        {"cmd": "LIKE_INFO_V3_UPDATE", "data": {"click_count": 77}},
        {"cmd": "LIVE", "roomid": 1},
        {"cmd": "PREPARING", "roomid": "1"},
        {"cmd": "WARNING", "msg": "违规"},
        {"cmd": "CUT_OFF", "msg": "切断"},
    ]
    out = d.decode(batch(objs, VER_ZLIB))
    assert out.errors == 0
    kinds = [type(e).__name__ for e in out.events]
    assert kinds == [
        "GiftEvent",
        "MemberEvent",
        "FollowEvent",
        "MetricEvent",
        "MetricEvent",
        "MetricEvent",
        "MetricEvent",
        "StreamEvent",
        "StreamEvent",
        "MetricEvent",
        "StreamEvent",
    ]
    gift = out.events[0]
    assert isinstance(gift, GiftEvent) and (gift.gift, gift.count, gift.value) == ("辣条", 3, 3.0)
    assert isinstance(out.events[1], MemberEvent) and isinstance(out.events[2], FollowEvent)
    metrics = {e.name: e.value for e in out.events if isinstance(e, MetricEvent)}
    assert metrics == {
        "high_energy_users": 12,
        "online_viewers": 345,
        "watched_total": 9999,
        "likes_total": 77,
        "platform_warning": 1,
    }
    streams = [e for e in out.events if isinstance(e, StreamEvent)]
    assert [s.status for s in streams] == [
        StreamStatus.LIVE,
        StreamStatus.ENDED,
        StreamStatus.CUT,  # the platform cut it: trouble, unlike the host's own end
    ]
    assert streams[2].reason.startswith("cut_off")


def test_heartbeat_reply_quirk_and_auth_reply() -> None:
    d = decoder()
    # pack_len counts only the 4-byte popularity; the echoed body follows outside it.
    out = d.decode(pack(OP_HEARTBEAT_REPLY, struct.pack(">I", 1)) + b"[object Object]")
    assert out.heartbeat_reply and out.errors == 0
    ok = d.decode(pack(OP_AUTH_REPLY, b'{"code":0}'))
    assert ok.close is None and ok.controls == 1
    bad = d.decode(pack(OP_AUTH_REPLY, b'{"code":-101}'))
    assert bad.close is not None and bad.close.rebootstrap


def test_damaged_frames_are_counted_not_raised() -> None:
    d = decoder()
    good = command(danmu("ok"))
    cases = {
        "truncated": good[:10],
        "truncated_body": good[:-3],
        "malformed_header": struct.pack(">IHHII", 8, 4, 0, OP_MESSAGE, 1),
        "decompress": pack(OP_MESSAGE, b"not zlib", ver=VER_ZLIB),
        "bad_json": pack(OP_MESSAGE, b"{nope", ver=0),
        "unknown_type": pack(99, b""),
    }
    for name, frame in cases.items():
        out = d.decode(frame)
        assert out.errors >= 1 and not out.events, name
    out = d.decode(command({"cmd": "SOME_NEW_CMD", "data": {}}))
    assert out.errors == 1 and "SOME_NEW_CMD" in d.stats.unknown_methods
    assert d.stats.errors["unknown_type"] == 2
    # A bad packet after a good one keeps the good one's event.
    out = d.decode(good + b"\x00\x00")
    assert len(out.events) == 1 and out.errors == 1


def test_dedup_ids_are_stable_for_the_same_danmu() -> None:
    d = decoder()
    a = d.decode(command(danmu("x", id_str="abc"))).events[0]
    b = d.decode(command(danmu("x", id_str="abc"))).events[0]
    assert a.id == b.id == "bl:dm:abc"
    assert orjson.loads(orjson.dumps({"id": a.id}))["id"] == "bl:dm:abc"


def test_each_damage_is_counted_under_its_reason() -> None:
    d = decoder()
    cases = {
        "malformed": [
            "a text message",
            struct.pack(">IHHII", 8, 16, 0, OP_MESSAGE, 1),  # pack_len shorter than its header
            pack(OP_MESSAGE, b"[1, 2]", ver=0),  # JSON, but not a command object
        ],
        "truncated": [b""],
    }
    for reason, frames in cases.items():
        for frame in frames:
            before = dict(d.stats.errors)
            out = d.decode(frame)
            assert out.errors >= 1 and not out.events, frame
            # Counted once, under this reason only: a damaged header ends the message there,
            # the bytes after it are not read as another packet.
            assert d.stats.errors == {**before, reason: before[reason] + 1}, (reason, frame)


def nest(levels: int) -> bytes:
    data = command(danmu("深处"))
    for _ in range(levels):
        data = pack(OP_MESSAGE, zlib.compress(data), ver=VER_ZLIB)
    return data


def test_batches_nest_three_deep_and_no_deeper() -> None:
    d = decoder()
    out = d.decode(nest(3))
    assert [e.text for e in out.events if isinstance(e, CommentEvent)] == ["深处"]
    out = d.decode(nest(4))
    assert out.events == [] and d.stats.errors["malformed"] == 1


def test_batches_that_inflate_past_the_limit_or_stop_short_are_refused() -> None:
    d = decoder()
    inner = command({"cmd": "DANMU_MSG", "info": ["x" * (MAX_INFLATED + 1024)]})
    frames = [
        pack(OP_MESSAGE, zlib.compress(inner, 1), ver=VER_ZLIB),
        pack(OP_MESSAGE, brotli.compress(inner, quality=1), ver=VER_BROTLI),
        pack(OP_MESSAGE, brotli.compress(command(danmu("半截")))[:-4], ver=VER_BROTLI),
    ]
    for n, frame in enumerate(frames, 1):
        out = d.decode(frame)
        assert out.events == [] and out.errors == 1
        assert d.stats.errors["decompress"] == n


def test_an_auth_reply_that_is_not_an_object_is_a_rejection() -> None:
    out = decoder().decode(pack(OP_AUTH_REPLY, b"[0]"))
    assert out.close is not None and out.close.rebootstrap and not out.authenticated


def test_damaged_batch_bodies_are_counted_as_decompress_errors() -> None:
    d = decoder()
    for n, (ver, body) in enumerate([(VER_ZLIB, b"not zlib"), (VER_BROTLI, b"not brotli")], 1):
        out = d.decode(pack(OP_MESSAGE, body, ver=ver))
        assert out.events == [] and out.errors == 1
        assert d.stats.errors["decompress"] == n and d.stats.errors["malformed"] == 0


@pytest.mark.parametrize("ver", [VER_ZLIB, VER_BROTLI])
def test_a_batch_of_exactly_the_limit_is_kept_one_byte_more_is_refused(ver: int) -> None:
    def squeeze(data: bytes) -> bytes:
        return zlib.compress(data, 1) if ver == VER_ZLIB else brotli.compress(data, quality=1)

    assert len(inflate(ver, squeeze(b"x" * MAX_INFLATED))) == MAX_INFLATED
    with pytest.raises(PacketError) as refused:
        inflate(ver, squeeze(b"x" * (MAX_INFLATED + 1)))
    assert refused.value.reason == "decompress"


def test_a_brotli_bomb_is_refused_without_inflating_it_whole() -> None:
    # 128 MiB of one byte, 24 KB on the wire: refused after about twice the limit is inflated
    # (brotli stops at block granularity), not after all of it.
    squeeze = brotli.Compressor(quality=1)
    mib = b"x" * (1 << 20)
    bomb = b"".join(squeeze.process(mib) for _ in range(128)) + squeeze.finish()
    tracemalloc.start()
    try:
        with pytest.raises(PacketError) as refused:
            inflate(VER_BROTLI, bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.value.reason == "decompress"
    assert peak < 4 * MAX_INFLATED, f"{peak / (1 << 20):.0f} MiB allocated"
