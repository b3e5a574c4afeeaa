"""Cost of a /metrics scrape as the number of rooms grows, and the per-event metric cost.

Builds the demo service with N configured rooms, pushes a realistic mix of events through
the pipeline (comments, flags, room gauges, gifts), opens and answers alerts in every room
(a worst case: every room's response-time series exist), then times roomwatch's encoder
(`render`, what /metrics serves), prometheus_client's `generate_latest` for comparison,
gzip of the body, and a real HTTP GET /metrics without and with `Accept-Encoding: gzip`.

Run from the repo root:
    .venv/bin/python -m bench.bench_metrics_scrape [--detail bounded|full] [rooms ...]
`--detail` is `server.metrics_response_detail` (default bounded).
"""

from __future__ import annotations

import asyncio
import gzip
import statistics
import sys
import time
from collections.abc import Callable

import aiohttp
from prometheus_client import generate_latest
from prometheus_client.registry import Collector

from alerts.model import CommentAction
from config.loader import default_config_path, load_config
from config.schema import Config, RoomConfig
from monitor.app import Service, build_service
from monitor.events import CommentEvent, GiftEvent, MetricEvent, new_event_id
from monitor.exposition import GZIP_LEVEL, render
from monitor.negative_ratio import NegativeRatio
from tests.support import running

EVENTS_PER_ROOM = 200
SCRAPES = 30
TEXTS = ("这个颜色好看", "加我微信便宜卖", "收到的质量太差了", "多少钱", "刷单兼职日入五百")


def config_with_rooms(n: int, detail: str = "bounded") -> Config:
    base = load_config(default_config_path())
    server = base.server.model_copy(update={"metrics_response_detail": detail})
    rooms = [
        RoomConfig(id=f"room-{i:04d}", name=f"直播间{i}", platform="simulated") for i in range(n)
    ]
    ids = [r.id for r in rooms]
    people = base.people.model_copy(
        update={"users": [u.model_copy(update={"rooms": ids}) for u in base.people.users]}
    )
    # No simulator: the benchmark feeds the pipeline itself, so the figures are repeatable.
    sources = [s for s in base.sources if s.type != "simulator"]
    return base.model_copy(
        update={"rooms": rooms, "people": people, "sources": sources, "server": server}
    )


async def populate(service: Service, events_per_room: int = EVENTS_PER_ROOM) -> float:
    """Feed events for every room and take some alerts through ack and resolve."""
    now = service.clock.now()
    events = 0
    started = time.perf_counter()
    for room in (r.id for r in service.config.rooms):
        for i in range(events_per_room):
            text = TEXTS[i % len(TEXTS)]
            await service.pipeline.process(
                CommentEvent(
                    room=room,
                    ts=now,
                    id=new_event_id(),
                    source="simulator",
                    text=text,
                    user=f"u{i}",
                )
            )
            events += 1
        for name, value in (("online_viewers", 1200.0), ("gmv", 35_000.0)):
            await service.pipeline.process(
                MetricEvent(
                    room=room, ts=now, id=new_event_id(), source="simulator", name=name, value=value
                )
            )
        await service.pipeline.process(
            GiftEvent(
                room=room,
                ts=now,
                id=new_event_id(),
                source="simulator",
                user="u1",
                gift="rose",
                count=1,
                value=1.0,
            )
        )
        events += 3
    per_event = (time.perf_counter() - started) / events
    for alert in (await service.store.list_alerts(limit=100_000))[::2]:
        if alert.state.value == "firing":
            await service.manager.acknowledge(alert.id, "demo")
            if alert.comments:
                await service.manager.handle_comment(
                    alert.id, alert.comments[0].event_id, CommentAction.DELETED, "demo"
                )
            await service.manager.resolve(alert.id, "demo")
    return per_event


def time_encoder(
    service: Service, encode: Callable[[Collector], bytes]
) -> tuple[list[float], bytes]:
    body = encode(service.registry)
    took = []
    for _ in range(SCRAPES):
        started = time.perf_counter()
        body = encode(service.registry)
        took.append(time.perf_counter() - started)
    return took, body


async def time_http(service: Service) -> tuple[list[float], list[float]]:
    """Time GET /metrics as plain text, then gzipped as Prometheus asks for it."""
    plain, zipped = [], []
    async with (
        running(service) as base,
        aiohttp.ClientSession(auto_decompress=False) as http,
    ):
        for took, encoding in ((plain, "identity"), (zipped, "gzip")):
            for _ in range(SCRAPES):
                started = time.perf_counter()
                async with http.get(f"{base}/metrics", headers={"Accept-Encoding": encoding}) as r:
                    await r.read()
                took.append(time.perf_counter() - started)
    return plain, zipped


def series_of(body: bytes) -> tuple[int, int]:
    """Return (all series, response-time series) in a rendered scrape."""
    lines = [line for line in body.decode().splitlines() if line and not line.startswith("#")]
    response = sum(1 for line in lines if line.startswith(RESPONSE_FAMILIES))
    return len(lines), response


RESPONSE_FAMILIES = (
    "roomwatch_time_to_",
    "roomwatch_room_time_to_",
    "roomwatch_question_answer_seconds",
)


def ms(values: list[float], q: float) -> float:
    return 1000 * statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else 0.0


async def bench(rooms: int, detail: str) -> None:
    service = build_service(config_with_rooms(rooms, detail))
    per_event = await populate(service)
    fast, body = time_encoder(service, render)
    stock, _ = time_encoder(service, generate_latest)
    zipped = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    started = time.perf_counter()
    for _ in range(SCRAPES):
        gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    gzip_ms = 1000 * (time.perf_counter() - started) / SCRAPES
    plain, gz = await time_http(service)
    series, response = series_of(body)
    print(
        f"{rooms:>6} {series:>8} {response:>9} {len(body) / 1024:>9.0f} {len(zipped) / 1024:>7.0f} "
        f"{1000 * statistics.median(fast):>10.1f} {ms(fast, 99):>9.1f} "
        f"{1000 * statistics.median(stock):>10.1f} {gzip_ms:>7.1f} "
        f"{1000 * statistics.median(plain):>9.1f} {ms(plain, 99):>8.1f} "
        f"{1000 * statistics.median(gz):>9.1f} {per_event * 1e6:>9.1f}"
    )


def per_event_costs() -> None:
    """Print the cost of the metric updates the pipeline makes for every event."""
    service = build_service(config_with_rooms(100))
    ratio = NegativeRatio([f"room-{i:04d}" for i in range(100)], service.clock)
    events = service.metrics.events
    n = 200_000
    started = time.perf_counter()
    for i in range(n):
        ratio.add("room-0042", i % 7 == 0)
    add = (time.perf_counter() - started) / n
    started = time.perf_counter()
    for _ in range(n):
        events.labels("room-0042", "simulator", "comment").inc()
    inc = (time.perf_counter() - started) / n
    print(f"negative-ratio add {add * 1e9:.0f} ns/comment; labelled counter inc {inc * 1e9:.0f} ns")


def main() -> None:
    args = sys.argv[1:]
    detail = "bounded"
    if "--detail" in args:
        at = args.index("--detail")
        detail = args[at + 1]
        del args[at : at + 2]
    sizes = [int(a) for a in args] or [3, 100, 1000]
    per_event_costs()
    print(f"detail {detail}; {SCRAPES} scrapes each; {EVENTS_PER_ROOM} comments per room; ms")
    print(
        f"{'rooms':>6} {'series':>8} {'response':>9} {'body KiB':>9} {'gz KiB':>7} "
        f"{'render p50':>10} {'render p99':>9} {'stock p50':>10} {'gzip':>7} "
        f"{'http p50':>9} {'http p99':>8} {'http gz p50':>9} {'us/event':>9}"
    )
    for n in sizes:
        asyncio.run(bench(n, detail))


if __name__ == "__main__":
    main()
