"""CPU cost per event of the ingest -> pipeline hot path, stage by stage, in one process.

The instance is the one bench/bench_scale.py starts (20 rooms, the shipped plans, contact
and fraud lexicons with homophones, sentiment, memory store), fed the same comments as its
load generator: 500-event JSON bodies go through the ingest endpoint's own decode and
accept code (no HTTP), then the pipeline drains them. Each stage runs on the previous
stage's output; figures are CPU time (time.process_time) per event, the best of --repeat
runs on a fresh service, so other jobs on the machine disturb them less than wall time.

"pipeline" is the whole run loop per event (queue, detection, plans, metrics, negative
ratio, alert grouping of flagged comments); "rest of pipeline" is what is left of it once
observe, detect and plans are taken out. "end to end" is accept + pipeline, and its
events/s is what one core could sustain on this path alone (no HTTP, no console).

With --store redis (a private redis-server) only the real path runs, accept + pipeline, and
the figures are its CPU per event and the events/s of wall time: flagged comments then pay
for their alert writes and feed items in Redis.

Run from the repo root:
  .venv/bin/python -m bench.bench_hotpath [--events N] [--flagged F] [--store memory|redis]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import orjson
from prometheus_client import CollectorRegistry

from alerts.model import Signal
from bench.bench_scale import PASSWORD, config_yaml, make_events
from config.loader import load_config_text
from monitor.app import Service, build_service
from monitor.detect.base import observe
from monitor.detect.detector import LexiconDetector
from monitor.detect.lexicon import ScanResult
from monitor.detect.normalize import Views
from monitor.events import AnyEvent, CommentEvent, parse_event
from monitor.web.ingest import IngestEndpoint, Rejection, decode_items
from tests.redis_server import RedisServer

BATCH = 500
ROOMS = 20
STAGES = (
    "decode",
    "validate",
    "accept",
    "observe",
    "normalize",
    "lexicon scan",
    "sentiment",
    "detect",
    "plans",
    "pipeline",
)


@dataclass
class Run:
    """CPU seconds per stage for one pass over the events."""

    seconds: dict[str, float]
    events: int


def build(redis_url: str = "") -> tuple[Service, IngestEndpoint]:
    os.environ.setdefault("BENCH_PW", PASSWORD)
    store = "redis" if redis_url else "memory"
    config = load_config_text(config_yaml(store, redis_url, ROOMS, False, "bench"))
    service = build_service(config, registry=CollectorRegistry())
    return service, IngestEndpoint(service, config.ingest_sources())


def cpu(fn: Callable[[], object]) -> float:
    """Return the CPU seconds `fn` takes (garbage collected before, not during the clock)."""
    gc.collect()
    started = time.process_time()
    fn()
    return time.process_time() - started


def one_run(bodies: list[bytes]) -> Run:
    """Time every stage once on a fresh service."""
    service, endpoint = build()
    source = service.config.ingest_sources()[0]
    rooms = frozenset(r.id for r in service.config.rooms)
    detector = service.detector
    assert isinstance(detector, LexiconDetector)
    out: dict[str, float] = {}

    batches: list[list[object | Rejection]] = []
    out["decode"] = cpu(
        lambda: batches.extend(decode_items(b, "application/json", 20_000) for b in bodies)
    )
    items = [item for batch in batches for item in batch]
    now = service.clock.now()
    events: list[AnyEvent] = []
    out["validate"] = cpu(
        lambda: events.extend(parse_event(i, source=source.id, now=now, rooms=rooms) for i in items)
    )
    signals: list[Signal] = []
    out["observe"] = cpu(lambda: signals.extend(observe(e) for e in events))
    texts = [e.text for e in events if isinstance(e, CommentEvent)]
    norm = detector.normalizer
    views: list[Views] = []
    out["normalize"] = cpu(lambda: views.extend(norm.views(t) for t in texts))
    scans: list[ScanResult | None] = []
    lexicon = detector.lexicon
    out["lexicon scan"] = cpu(
        lambda: scans.extend(lexicon.scan(t, v) for t, v in zip(texts, views, strict=True))
    )
    sentiment = detector.sentiment
    if sentiment is not None:
        score = sentiment.score

        def sentiment_all() -> None:
            for t, v, s in zip(texts, views, scans, strict=True):
                score(t, v.base, v.collapsed, s.complaints if s is not None else [])

        out["sentiment"] = cpu(sentiment_all)
    # The detector proper, on a fresh one so its per-user windows start empty as in the
    # pipeline run below.
    fresh, _ = build()
    flags: list[Signal] = []
    detect = fresh.detector.detect

    def detect_all() -> None:
        for e in events:
            flags.extend(detect(e))

    out["detect"] = cpu(detect_all)
    engine = fresh.engine
    everything = sorted([*signals, *flags], key=lambda s: s.ts)

    def plans() -> None:
        for s in everything:
            engine.observe(s)

    out["plans"] = cpu(plans)

    # The real path: the endpoint's accept (validate + enqueue) and the pipeline loop.
    async def pipeline() -> None:
        accept = endpoint.accept
        started = time.process_time()
        for batch in batches:
            await accept(source, batch)
        out["accept"] = time.process_time() - started
        task = asyncio.create_task(service.pipeline.run())
        gc.collect()
        started = time.process_time()
        await service.pipeline.drain(600)
        out["pipeline"] = time.process_time() - started
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(pipeline())
    return Run(out, len(events))


def redis_run(bodies: list[bytes]) -> tuple[float, float, int]:
    """Return (CPU seconds, wall seconds, events) of accept + pipeline with a Redis store."""
    server = RedisServer()
    server.start()
    try:
        service, endpoint = build(server.url)
        # The processing cost on the Redis store: events go to the local queue here, not
        # through the input streams (bench_ingest and bench_scale measure that intake).
        service.pipeline.router = None
        source = service.config.ingest_sources()[0]
        batches = [decode_items(b, "application/json", 20_000) for b in bodies]
        events = sum(len(b) for b in batches)

        async def run() -> tuple[float, float]:
            task = asyncio.create_task(service.pipeline.run())
            gc.collect()
            cpu0, wall0 = time.process_time(), time.perf_counter()
            for batch in batches:
                await endpoint.accept(source, batch)
                await service.pipeline.drain(600)  # keep the queue within its bound
            cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await service.store.close()
            return cpu, wall

        cpu, wall = asyncio.run(run())
        return cpu, wall, events
    finally:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=40_000)
    parser.add_argument("--flagged", type=float, default=0.0, help="share of sensitive comments")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store", choices=["memory", "redis"], default="memory")
    args = parser.parse_args()
    rng = random.Random(7)
    bodies = [
        orjson.dumps(make_events(rng, BATCH, ROOMS, seq, args.flagged))
        for seq in range(0, args.events, BATCH)
    ]
    if args.store == "redis":
        cpu, wall, n = min(redis_run(bodies) for _ in range(args.repeat))
        print(
            f"{n:,} comments in {BATCH}-event JSON bodies, {ROOMS} rooms, {args.flagged:.0%} "
            f"flagged, Redis store; accept + pipeline, best of {args.repeat}: "
            f"{cpu * 1e6 / n:.1f} us CPU/event, {n / wall:,.0f} events/s wall"
        )
        return
    runs = [one_run(bodies) for _ in range(args.repeat)]
    n = runs[0].events
    best = {k: min(r.seconds[k] for r in runs) * 1e6 / n for k in runs[0].seconds}
    print(
        f"{n:,} comments in {BATCH}-event JSON bodies, {ROOMS} rooms, {args.flagged:.0%} "
        f"flagged; CPU us/event, best of {args.repeat}"
    )
    for stage in STAGES:
        if stage in best:
            print(f"  {stage:<22}{best[stage]:8.2f}")
    rest = best["pipeline"] - best["observe"] - best["detect"] - best["plans"]
    print(f"  {'rest of pipeline':<22}{rest:8.2f}  (queue, metrics, ratio, alert grouping)")
    total = best["decode"] + best["accept"] + best["pipeline"]
    print(f"  {'end to end':<22}{total:8.2f}  = {1e6 / total:,.0f} events/s of CPU")


if __name__ == "__main__":
    main()
