"""A capture HTTP receiver: records each request with its arrival time; can drop or delay."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web


@dataclass
class Received:
    at: float  # seconds since the receiver's t0
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)


@dataclass
class Capture:
    """Requests that reached the receiver; `behave(n)` says what to answer to request n."""

    t0: float = field(default_factory=time.monotonic)
    got: list[Received] = field(default_factory=list)
    attempts: int = 0
    behave: Callable[[int, float], tuple[int, float]] = lambda n, t: (200, 0.0)
    reply: bytes = b'{"errcode": 0, "code": 0}'
    url: str = ""

    def rel(self) -> float:
        return time.monotonic() - self.t0

    def between(self, a: float, b: float) -> list[Received]:
        return [r for r in self.got if a <= r.at <= b]

    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait_for(self, count: int, limit: float = 10.0) -> list[Received]:
        """Wait until `count` requests were received (or `limit` seconds passed)."""

        async def enough() -> None:
            while len(self.got) < count:
                self.changed.clear()
                await self.changed.wait()

        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(enough(), limit)
        return self.got


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@asynccontextmanager
async def serve(handle: Handler) -> AsyncIterator[str]:
    """Serve POSTs to any path on a free loopback port; yield the base URL."""
    app = web.Application(client_max_size=4 * 1024 * 1024)
    app.router.add_post("/{tail:.*}", handle)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def capture_server(path: str = "/hook") -> AsyncIterator[Capture]:
    """Serve a Capture on a free loopback port; `capture.url` is the full URL of `path`."""
    cap = Capture()

    async def handle(request: web.Request) -> web.Response:
        n = cap.attempts
        cap.attempts += 1
        body = await request.read()
        status, delay = cap.behave(n, cap.rel())
        if delay:
            await asyncio.sleep(delay)
        if status == 200:
            cap.got.append(
                Received(cap.rel(), request.path, dict(request.query), dict(request.headers), body)
            )
            cap.changed.set()
        return web.Response(status=status, body=cap.reply, content_type="application/json")

    async with serve(handle) as base:
        cap.url = base + path
        yield cap
