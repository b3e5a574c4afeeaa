"""Cost of a /metrics scrape as the number of rooms grows, and the per-event metric cost.

Builds the demo service with N configured rooms, pushes a realistic mix of events through
the pipeline (comments, flags, room gauges, gifts), opens and answers alerts in every room
(a worst case: every room's response-time series exist), then times roomwatch's encoder
(`render`, what /metrics serves), prometheus_client's `generate_latest` for comparison,
and a real HTTP GET /metrics.

Run from the repo root: .venv/bin/python -m bench.bench_metrics_scrape [rooms ...]
"""

from __future__ import annotations

import asyncio
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
from monitor.exposition import render
from monitor.negative_ratio import NegativeRatio
from tests.support import running

EVENTS_PER_ROOM = 200
SCRAPES = 30
TEXTS = ("这个颜色好看", "加我微信便宜卖", "收到的质量太差了", "多少钱", "刷单兼职日入五百")


def config_with_rooms(n: int) -> Config:
    base = load_config(default_config_path())
    rooms = [
        RoomConfig(id=f"room-{i:04d}", name=f"直播间{i}", platform="simulated") for i in range(n)
    ]
    ids = [r.id for r in rooms]
    people = base.people.model_copy(
        update={"users": [u.model_copy(update={"rooms": ids}) for u in base.people.users]}
    )
    # No simulator: the benchmark feeds the pipeline itself, so the figures are repeatable.
    sources = [s for s in base.sources if s.type != "simulator"]
    return base.model_copy(update={"rooms": rooms, "people": people, "sources": sources})


async def populate(service: Service) -> float:
    """Feed events for every room and take some alerts through ack and resolve."""
    now = service.clock.now()
    events = 0
    started = time.perf_counter()
    for room in (r.id for r in service.config.rooms):
        for i in range(EVENTS_PER_ROOM):
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


async def time_http(service: Service) -> list[float]:
    took = []
    async with running(service) as base, aiohttp.ClientSession() as http:
        for _ in range(SCRAPES):
            started = time.perf_counter()
            async with http.get(f"{base}/metrics") as r:
                await r.read()
            took.append(time.perf_counter() - started)
    return took


def ms(values: list[float], q: float) -> float:
    return 1000 * statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else 0.0


async def bench(rooms: int) -> None:
    service = build_service(config_with_rooms(rooms))
    per_event = await populate(service)
    fast, body = time_encoder(service, render)
    stock, _ = time_encoder(service, generate_latest)
    http = await time_http(service)
    series = sum(1 for line in body.decode().splitlines() if line and not line.startswith("#"))
    print(
        f"{rooms:>6} {series:>8} {len(body) / 1024:>9.0f} "
        f"{1000 * statistics.median(fast):>10.1f} {ms(fast, 99):>9.1f} "
        f"{1000 * statistics.median(stock):>10.1f} "
        f"{1000 * statistics.median(http):>9.1f} {ms(http, 99):>8.1f} {per_event * 1e6:>11.1f}"
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
    sizes = [int(a) for a in sys.argv[1:]] or [3, 100, 1000]
    per_event_costs()
    print(f"{SCRAPES} scrapes each; {EVENTS_PER_ROOM} comments per room; times in ms")
    print(
        f"{'rooms':>6} {'samples':>8} {'body KiB':>9} {'render p50':>10} {'render p99':>9} "
        f"{'stock p50':>10} {'http p50':>9} {'http p99':>8} {'us/event':>11}"
    )
    for n in sizes:
        asyncio.run(bench(n))


if __name__ == "__main__":
    main()
