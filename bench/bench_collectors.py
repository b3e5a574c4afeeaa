"""Decoder throughput of each collector: frames and messages per second on one core.

Run from the repo root: .venv/bin/python -m bench.bench_collectors
"""

from __future__ import annotations

import gzip
import time

import orjson

from monitor.collectors.bilibili_codec import BilibiliDecoder
from monitor.collectors.bilibili_commands import CommandMapper
from monitor.collectors.douyin_codec import DouyinPushDecoder
from monitor.collectors.generic_ws import GenericJsonDecoder
from monitor.collectors.kuaishou_codec import COMPRESSION_GZIP, SC_FEED_PUSH, KuaishouDecoder
from monitor.collectors.kuaishou_codec import frame as ks_frame
from monitor.collectors.presets import BarrageGrabDecoder
from monitor.collectors.tiktok_codec import TikTokPushDecoder
from monitor.collectors.wsbase import FrameDecoder
from tests.collectors.fake_bilibili import VER_BROTLI, VER_ZLIB, batch, danmu
from tests.collectors.fake_douyin import chat, push_frame
from tests.collectors.fake_kuaishou import feed
from tests.collectors.fake_tiktok import chat as tt_chat
from tests.collectors.helpers import new_stats
from tests.collectors.test_generic_ws import MAPPING

PER_FRAME = 10
FRAMES = 5_000


def measure(name: str, decoder: FrameDecoder, frames: list[bytes]) -> None:
    started = time.perf_counter()
    events = 0
    for frame in frames:
        events += len(decoder.decode(frame).events)
    took = time.perf_counter() - started
    print(
        f"{name:<22} {len(frames) / took:>10,.0f} frames/s {events / took:>12,.0f} events/s"
        f"  ({events} events, {took:.2f}s)"
    )


def main() -> None:
    texts = [f"主播这件衣服{i}多少钱" for i in range(PER_FRAME)]
    dy = [
        push_frame([chat(t, n * PER_FRAME + i) for i, t in enumerate(texts)], log_id=n)
        for n in range(FRAMES)
    ]
    stats = new_stats("dy")
    measure("douyin gzip protobuf", DouyinPushDecoder(room="r", source="dy", stats=stats), dy)
    for ver, label in ((VER_ZLIB, "bilibili zlib batch"), (VER_BROTLI, "bilibili brotli batch")):
        bl = [
            batch([danmu(t, i, id_str=f"{n}-{i}") for i, t in enumerate(texts)], ver)
            for n in range(FRAMES)
        ]
        s = new_stats("bl")
        measure(label, BilibiliDecoder(CommandMapper(room="r", source="bl", stats=s), s), bl)
    gen = [
        orjson.dumps(
            {
                "batch": [
                    {"type": "chat", "channel": "ch-1", "body": t, "mid": f"{n}-{i}"}
                    for i, t in enumerate(texts)
                ]
            }
        )
        for n in range(FRAMES)
    ]
    tt = [
        push_frame([tt_chat(t, n * PER_FRAME + i) for i, t in enumerate(texts)], log_id=n)
        for n in range(FRAMES)
    ]
    measure("tiktok gzip protobuf", TikTokPushDecoder(room="r", source="tt", stats=new_stats()), tt)
    ks = [
        ks_frame(
            SC_FEED_PUSH,
            gzip.compress(feed([(f"{n}-{i}", t) for i, t in enumerate(texts)]).SerializeToString()),
            COMPRESSION_GZIP,
        )
        for n in range(FRAMES)
    ]
    measure("kuaishou feed push", KuaishouDecoder(room="r", source="ks", stats=new_stats()), ks)
    grab = [
        orjson.dumps(
            {
                "Type": 1,
                "Data": orjson.dumps({"MsgId": n, "Content": texts[n % PER_FRAME]}).decode(),
            }
        )
        for n in range(FRAMES * PER_FRAME)
    ]
    bg = BarrageGrabDecoder(room="r", room_map={}, source="g", stats=new_stats())
    measure("barrage-grab preset", bg, grab)
    g = new_stats("gen")
    measure(
        "generic json batch",
        GenericJsonDecoder(MAPPING, source="g", stats=g, rooms=frozenset({"r1"})),
        gen,
    )


if __name__ == "__main__":
    main()
