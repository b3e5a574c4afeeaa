"""What supervision adds per event and per tick: questions, broadcast buckets, backlog signals.

    python bench/bench_supervision.py [--events 200000] [--rooms 50]

Simulated traffic (monitor/collectors/traffic.py: comments with questions, metrics,
likes, gifts, stream events) goes through Supervision.observe with no flags; then a tick
with every room's book holding questions. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from prometheus_client import CollectorRegistry

from alerts.clock import ManualClock
from alerts.store.memory import MemoryStore
from config.loader import load_config_text
from monitor.collectors.traffic import TrafficScript
from monitor.detect.questions import classify_question
from monitor.events import CommentEvent
from monitor.supervision.service import Supervision


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--rooms", type=int, default=50)
    args = ap.parse_args()
    rooms = [f"room-{i}" for i in range(args.rooms)]
    config = load_config_text("rooms: [" + ", ".join(f"{{id: {r}}}" for r in rooms) + "]\n", env={})
    clock = ManualClock(1_764_547_200.0)
    sup = Supervision(config, MemoryStore(), clock, CollectorRegistry(), classify_question, None)
    for room in rooms:
        sup.start(room, "bench", clock.now())
    script = TrafficScript(rooms=rooms, rate=200, incident_every=60, seed=1, origin=clock.now())
    events = []
    while len(events) < args.events:
        events.extend(script.step())
    events = events[: args.events]
    comments = sum(isinstance(e, CommentEvent) for e in events)
    started = time.perf_counter()
    for e in events:
        sup.observe(e, [])
    spent = time.perf_counter() - started
    asked = sum(len(sup.questions.open_questions(r)) for r in rooms)
    print(
        f"observe: {len(events)} events ({comments} comments) in {spent:.2f} s = "
        f"{spent / len(events) * 1e6:.1f} µs/event, "
        f"{spent / max(1, comments) * 1e6:.1f} µs/comment; {asked} questions open"
    )
    clock.advance(1)
    started = time.perf_counter()
    signals = asyncio.run(sup.tick(clock.now()))
    print(
        f"tick: {len(signals)} backlog signals for {args.rooms} rooms in "
        f"{(time.perf_counter() - started) * 1e3:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
