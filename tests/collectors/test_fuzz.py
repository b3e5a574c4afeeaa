"""Fuzzing every decoder with random and mutated frames: no crash, every frame accounted for."""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry

from monitor.collectors.bilibili_codec import BilibiliDecoder
from monitor.collectors.bilibili_commands import CommandMapper
from monitor.collectors.common import Decoded, SourceStats
from monitor.collectors.douyin_codec import DouyinPushDecoder
from monitor.collectors.douyin_open import DouyinOpenEndpoint
from monitor.collectors.generic_ws import GenericJsonDecoder
from monitor.metrics import ServiceMetrics
from tests.collectors.fake_bilibili import VER_BROTLI, VER_ZLIB, batch, command, danmu
from tests.collectors.fake_douyin import chat, push_frame
from tests.collectors.test_douyin import every_method
from tests.collectors.test_generic_ws import MAPPING, frame

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DOUYIN_SEEDS = [
    push_frame(every_method(), log_id=1),
    push_frame([chat("x", 2)], log_id=2, compress=False),
]
BILI_SEEDS = [
    command(danmu("弹幕", id_str="s")),
    batch([danmu("a"), {"cmd": "SEND_GIFT", "data": {"num": 1}}], VER_ZLIB),
    batch([danmu("b"), {"cmd": "INTERACT_WORD", "data": {"msg_type": 2}}], VER_BROTLI),
]
GENERIC_SEEDS = [
    frame({"type": "chat", "channel": "ch-1", "mid": 1, "body": "hi", "from": {"uid": 1}}).encode(),
]


def mutate(seed: bytes, data: st.DataObject) -> bytes:
    out = bytearray(seed)
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        if not out:
            break
        i = data.draw(st.integers(0, len(out) - 1))
        if op == "flip":
            out[i] ^= data.draw(st.integers(1, 255))
        elif op == "cut":
            del out[i:]
        elif op == "insert":
            out[i:i] = data.draw(st.binary(min_size=1, max_size=8))
        else:
            del out[i : i + data.draw(st.integers(1, 16))]
    return bytes(out)


def stats_pair() -> tuple[SourceStats, CollectorRegistry]:
    registry = CollectorRegistry()
    return SourceStats("fuzz", ServiceMetrics(registry)), registry


def counted(registry: CollectorRegistry) -> float:
    total = 0.0
    for metric in registry.collect():
        if metric.name == "roomwatch_decode_errors":
            total += sum(s.value for s in metric.samples if s.name.endswith("_total"))
    return total


def check(result: Decoded, stats: SourceStats, registry: CollectorRegistry) -> None:
    assert result.accounted()
    assert counted(registry) == stats.error_total == result.errors


def douyin() -> tuple[DouyinPushDecoder, SourceStats, CollectorRegistry]:
    stats, reg = stats_pair()
    return DouyinPushDecoder(room="r1", source="fuzz", stats=stats), stats, reg


def bilibili() -> tuple[BilibiliDecoder, SourceStats, CollectorRegistry]:
    stats, reg = stats_pair()
    return BilibiliDecoder(CommandMapper(room="r1", source="fuzz", stats=stats), stats), stats, reg


def generic() -> tuple[GenericJsonDecoder, SourceStats, CollectorRegistry]:
    stats, reg = stats_pair()
    return (
        GenericJsonDecoder(MAPPING, source="fuzz", stats=stats, rooms=frozenset({"r1"})),
        stats,
        reg,
    )


@FUZZ
@given(st.binary(max_size=512))
def test_random_bytes(raw: bytes) -> None:
    for make in (douyin, bilibili, generic):
        dec, stats, reg = make()
        result = dec.decode(raw)
        check(result, stats, reg)
        if not raw:
            assert result.errors >= 1 or result.controls >= 1


@FUZZ
@given(st.data())
def test_mutated_douyin_frames(data: st.DataObject) -> None:
    dec, stats, reg = douyin()
    check(dec.decode(mutate(data.draw(st.sampled_from(DOUYIN_SEEDS)), data)), stats, reg)


@FUZZ
@given(st.data())
def test_mutated_bilibili_frames(data: st.DataObject) -> None:
    dec, stats, reg = bilibili()
    check(dec.decode(mutate(data.draw(st.sampled_from(BILI_SEEDS)), data)), stats, reg)


@FUZZ
@given(st.data())
def test_mutated_generic_frames(data: st.DataObject) -> None:
    dec, stats, reg = generic()
    check(dec.decode(mutate(data.draw(st.sampled_from(GENERIC_SEEDS)), data)), stats, reg)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4)
    ),
    max_leaves=12,
)
KEYS = st.sampled_from(["cmd", "info", "data", "msg", "msg_id", "uid", "num", "count", "timestamp"])


@FUZZ
@given(
    st.sampled_from(
        [
            "DANMU_MSG",
            "DANMU_MSG:4:0:2",
            "SEND_GIFT",
            "INTERACT_WORD",
            "ONLINE_RANK_COUNT",
            "WATCHED_CHANGE",
            "LIKE_INFO_V3_UPDATE",
            "SUPER_CHAT_MESSAGE",
            "LIVE_OPEN_PLATFORM_DM",
            "LIVE_OPEN_PLATFORM_SEND_GIFT",
            "LIVE_OPEN_PLATFORM_LIKE",
            "CUT_OFF",
        ]
    ),
    st.dictionaries(KEYS, JSON, max_size=5),
)
def test_bilibili_commands_with_drifted_fields(cmd: str, fields: dict[str, object]) -> None:
    dec, stats, reg = bilibili()
    check(dec.decode(command({**fields, "cmd": cmd})), stats, reg)


async def accept_all(events: Sequence[object]) -> int:
    return len(events)


@FUZZ
@given(st.sampled_from(["live_comment", "live_gift", "live_like", "live_fansclub", "x"]), JSON)
def test_douyin_open_items(msg_type: str, item: object) -> None:
    stats, _ = stats_pair()
    endpoint = DouyinOpenEndpoint(
        name="fuzz", path="/cb", secret="s", room_map={}, default_room="r1",
        commit=accept_all, stats=stats,
    )  # fmt: skip
    event = endpoint._event(msg_type, "r1", item)
    skipped = msg_type in ("live_gift", "live_fansclub")  # test gifts, fan-club upgrades
    assert event is not None or stats.error_total >= 1 or skipped
    orjson.dumps(str(event))
