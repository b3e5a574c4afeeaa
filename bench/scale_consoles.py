"""The console clients of bench/bench_scale.py, run in a process of their own.

Each client holds a feed WebSocket (resuming with ?after after a drop, as the console does),
records the ingest-to-feed latency of every flag it receives, and asks for the rooms
overview every 3 s like the console page. The process prints "ready" once every client is
connected; after a line on stdin (the load is over) the clients stay 4 s longer, then the
latencies and the reconnect count go to a JSON file.

  python -m bench.scale_consoles BASES AUTH CLIENTS UNTIL OUT
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import orjson

from bench.bench_scale import PASSWORD

ROOMS_POLL = 3.0  # seconds between a console's rooms overview requests (console.js)


def auth_header(auth: str, client: int) -> dict[str, str]:
    """`cookie:VALUE` (every client is the admin) or `teams:N` (client c is controller c % N)."""
    how, _, value = auth.partition(":")
    if how == "teams":
        return {"Authorization": f"Bearer {PASSWORD}-t{client % int(value)}"}
    return {"Cookie": f"rw_session={value}"}


@dataclass
class Console:
    """One console client: follows the feed and polls the rooms overview, as the page does."""

    http: aiohttp.ClientSession
    base: str
    headers: dict[str, str]
    lat: list[float]  # ingest-to-feed latency of every flag received (shared by all clients)
    until: list[float]  # when to stop (a list: moved earlier once the load is over)
    on_connect: Callable[[], None]

    async def run(self) -> None:
        poller = asyncio.create_task(self.poll_rooms())
        try:
            await self.follow_feed()
        finally:
            poller.cancel()

    async def poll_rooms(self) -> None:
        await asyncio.sleep(random.uniform(0, ROOMS_POLL))  # spread the clients over the period
        while time.time() < self.until[0]:
            async with self.http.get(f"{self.base}/api/v1/rooms", headers=self.headers) as r:
                await r.read()
            await asyncio.sleep(ROOMS_POLL)

    async def follow_feed(self) -> None:
        after = "latest"
        while time.time() < self.until[0]:
            url = self.base.replace("http", "ws") + f"/api/v1/feed?after={after}"
            async with self.http.ws_connect(url, headers=self.headers) as ws:
                self.on_connect()
                while time.time() < self.until[0]:
                    try:
                        msg = await ws.receive(timeout=0.5)
                    except TimeoutError:
                        continue
                    if msg.type != aiohttp.WSMsgType.TEXT:
                        break  # lagged (4000) or closed: resume from the last seq, as the page does
                    item = orjson.loads(msg.data)
                    if "seq" in item:
                        after = str(item["seq"])
                    if item.get("type") == "flag":
                        self.lat.append(time.time() - float(item["data"]["ts"]))


async def consoles_main(bases: list[str], auth: str, clients: int, until: float, out: str) -> None:
    """Run the console clients in their own process so load generation cannot delay them.

    Prints "ready" once every client is connected; after a line on stdin (the load is over)
    the clients stay 4 s longer (the slow tail), then the latencies go to `out`.
    """
    lat: list[float] = []
    connects = [0]
    deadline = [until]
    everyone = asyncio.Event()

    def connected() -> None:
        connects[0] += 1
        if connects[0] == clients:
            everyone.set()

    async def tell_when_connected() -> None:
        await everyone.wait()
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        deadline[0] = min(deadline[0], time.time() + 4.0)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        ready = asyncio.create_task(tell_when_connected())
        await asyncio.gather(
            *(
                Console(
                    http, bases[c % len(bases)], auth_header(auth, c), lat, deadline, connected
                ).run()
                for c in range(clients)
            ),
            return_exceptions=True,
        )
        ready.cancel()
    report = {"latency": lat, "reconnects": connects[0] - clients}
    await asyncio.to_thread(Path(out).write_bytes, orjson.dumps(report))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bases")
    parser.add_argument("auth")
    parser.add_argument("clients", type=int)
    parser.add_argument("until", type=float)
    parser.add_argument("out")
    args = parser.parse_args()
    asyncio.run(consoles_main(args.bases.split(","), args.auth, args.clients, args.until, args.out))


if __name__ == "__main__":
    main()
