"""HTTP ingest throughput end to end: events/s accepted and fully processed by one instance.

A real server on loopback with the demo's detection and plans; a client posts batches of
comments (JSON array and NDJSON) until N events are in, then waits for the pipeline to
finish them. Figures are for this machine only.

Run from the repo root: .venv/bin/python -m bench.bench_ingest [EVENTS] [BATCH]
"""

from __future__ import annotations

import asyncio
import random
import sys
import time

import aiohttp
import orjson
from prometheus_client import CollectorRegistry

from config.loader import load_config_text
from monitor.app import build_service
from monitor.collectors import phrases
from tests.support import running

CONFIG = """
rooms: [{id: room-a}, {id: room-b}]
pipeline: {queue_size: 200000}
sources: [{type: http_ingest, id: bench, token: bench-token-123, max_events: 20000,
           max_body_bytes: 16777216}]
detection:
  categories:
    - {id: contact_diversion, files: [contact_diversion.txt], homophones: true, contact: true}
    - {id: fraud, files: [fraud.txt]}
plans: {dir: %s}
"""


def make_batch(rng: random.Random, size: int) -> list[dict[str, object]]:
    texts = [*phrases.CHATTER, *phrases.QUESTIONS, *phrases.SENSITIVE[:2], *phrases.NEGATIVE[:2]]
    return [
        {
            "kind": "comment",
            "room": rng.choice(("room-a", "room-b")),
            "text": rng.choice(texts),
            "user": f"u{rng.randint(1, 50_000)}",
        }
        for _ in range(size)
    ]


async def bench(total: int, batch: int, ndjson: bool) -> None:
    from config.loader import default_config_path

    plans = default_config_path().parent / "plans"
    service = build_service(load_config_text(CONFIG % plans), registry=CollectorRegistry())
    rng = random.Random(1)
    bodies = []
    for _ in range(total // batch):
        events = make_batch(rng, batch)
        if ndjson:
            bodies.append(b"\n".join(orjson.dumps(e) for e in events))
        else:
            bodies.append(orjson.dumps(events))
    ctype = "application/x-ndjson" if ndjson else "application/json"
    headers = {"Authorization": "Bearer bench-token-123", "Content-Type": ctype}
    async with running(service) as base, aiohttp.ClientSession() as http:
        started = time.perf_counter()
        accepted = 0
        for body in bodies:
            async with http.post(f"{base}/api/v1/ingest", data=body, headers=headers) as r:
                accepted += (await r.json())["accepted"]
        posted = time.perf_counter() - started
        await service.pipeline.drain(300)
        done = time.perf_counter() - started
    kind = "ndjson" if ndjson else "json"
    print(
        f"{kind:6} batch={batch:5d} events={accepted}: accepted {accepted / posted:9.0f}/s, "
        f"processed (detection+plans) {accepted / done:8.0f}/s"
    )


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    batch = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000
    for ndjson in (False, True):
        asyncio.run(bench(total, batch, ndjson))


if __name__ == "__main__":
    main()
