"""Console feed fan-out: deliveries/s to N websocket clients, latency, and a login's cost.

A real server on loopback (memory store). N clients connect to /api/v1/feed with an admin
token. The hub publishes ITEMS items as fast as it can (throughput), then RATE items/s for
5 s (per-item delivery latency percentiles). One extra client is connected and reads
nothing (a stuck console) throughout. Figures are for this machine only.

Run from the repo root: .venv/bin/python -m bench.bench_feed [CLIENTS] [ITEMS] [RATE]
"""

from __future__ import annotations

import asyncio
import sys
import time

import aiohttp
import orjson
from prometheus_client import CollectorRegistry

from config.loader import load_config_text
from monitor.access.passwords import hash_secret, pbkdf2_hash, verify_secret
from monitor.app import build_service
from tests.support import grant_admin, running

CONFIG = "rooms: [{id: r1}, {id: r2}]\n"


async def client(
    http: aiohttp.ClientSession, url: str, items: int, lat: list[float], ready: asyncio.Event
) -> None:
    async with http.ws_connect(url, max_msg_size=0) as ws:
        await ws.receive()  # hello
        ready.set()
        got = 0
        while got < items:
            msg = await ws.receive()
            frame = orjson.loads(msg.data)
            if frame.get("type") == "flag":
                lat.append(time.perf_counter() - frame["data"]["t"])
                got += 1


async def phase(
    service: object, http: aiohttp.ClientSession, url: str, clients: int, items: int, rate: float
) -> tuple[float, list[float]]:
    """Publish `items` (as fast as possible when rate is 0); return seconds and latencies."""
    lat: list[float] = []
    readies = [asyncio.Event() for _ in range(clients)]
    tasks = [asyncio.create_task(client(http, url, items, lat, r)) for r in readies]
    for r in readies:
        await r.wait()
    hub = service.feed  # type: ignore[attr-defined]
    started = time.perf_counter()
    for i in range(items):
        await hub.publish("flag", "r1", 0.0, {"n": i, "t": time.perf_counter()})
        if rate:
            await asyncio.sleep(max(0.0, started + (i + 1) / rate - time.perf_counter()))
        elif i % 50 == 0:
            await asyncio.sleep(0)  # let the handlers run, as the pipeline would
    await asyncio.gather(*tasks)
    lat.sort()
    return time.perf_counter() - started, lat


def ms(lat: list[float], q: float) -> str:
    return f"{lat[min(len(lat) - 1, int(len(lat) * q))] * 1000:.1f} ms"


async def main(clients: int, items: int, rate: int) -> None:
    service = build_service(load_config_text(CONFIG, env={}), registry=CollectorRegistry())
    service.feed.client_queue = max(1000, items)  # measure throughput, not lag cuts
    headers = await grant_admin(service)
    async with running(service) as base, aiohttp.ClientSession(headers=headers) as http:
        url = base.replace("http", "ws") + "/api/v1/feed?after=latest"
        slow = await http.ws_connect(url)  # connected, never read: must not slow the others
        took, _ = await phase(service, http, url, clients, items, 0)
        print(
            f"burst: {clients} clients x {items} items in {took:.2f} s = "
            f"{clients * items / took:,.0f} deliveries/s"
        )
        took, lat = await phase(service, http, url, clients, rate * 5, rate)
        print(
            f"paced {rate} items/s for 5 s to {clients} clients: delivery latency "
            f"p50 {ms(lat, 0.5)}, p99 {ms(lat, 0.99)}, max {ms(lat, 1.0)}"
        )
        await slow.close()
    for name, make in (("argon2id", hash_secret), ("pbkdf2_sha256 260000", pbkdf2_hash)):
        t = time.perf_counter()
        stored = make("correct horse battery")
        hashed = time.perf_counter() - t
        t = time.perf_counter()
        assert verify_secret("correct horse battery", stored)
        print(
            f"{name}: hash {hashed * 1000:.0f} ms, verify "
            f"{(time.perf_counter() - t) * 1000:.0f} ms (per login, off the event loop)"
        )


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    asyncio.run(main(*(args + [20, 2000][len(args) :])))
