"""Test helpers: run a built Service on a free loopback port."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from monitor.access.passwords import MIN_ITERATIONS, pbkdf2_hash
from monitor.app import Service
from monitor.runner import serve

TEST_ADMIN_TOKEN = "rw1.test-admin.0123456789abcdef0123456789abcdef01234567"


async def grant_admin(service: Service) -> dict[str, str]:
    """Add an admin with an API token to the service's people (as the admin API would).

    Call before `running(service)`; returns the Authorization header to send.
    """
    # An older unfiled rw1 token with a cheap PBKDF2 hash: still accepted, and fast in tests.
    hashed = pbkdf2_hash(TEST_ADMIN_TOKEN, iterations=MIN_ITERATIONS)
    person = {"id": "test-admin", "role": "admin", "tokens": [hashed]}
    await service.store.put_item("people", "test-admin", person)
    return {"Authorization": f"Bearer {TEST_ADMIN_TOKEN}"}


@asynccontextmanager
async def running(service: Service) -> AsyncIterator[str]:
    """Serve `service` on 127.0.0.1 and a free port; yield its base URL; stop on exit."""
    stop = asyncio.Event()
    ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def on_ready(port: int) -> None:
        if not ready.done():
            ready.set_result(port)

    task = asyncio.create_task(serve(service, "127.0.0.1", 0, on_ready=on_ready, stop=stop))
    try:
        done, _ = await asyncio.wait({ready, task}, timeout=30, return_when="FIRST_COMPLETED")
        if task in done:
            task.result()  # serve failed before it was ready: raise its error
        port = await ready
        yield f"http://127.0.0.1:{port}"
    finally:
        stop.set()
        await task


async def wait_for(
    check: Callable[[], Awaitable[object]] | Callable[[], object],
    within: float = 10.0,
    what: str = "condition",
) -> None:
    """Poll `check` (sync or async) until it is true; fail naming `what` after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within}s waiting for {what}")
        await asyncio.sleep(0.02)


async def notifications_settled(service: Service) -> bool:
    """Return whether nothing more will be sent: no escalation step is due now (one that is,
    is taken by this call) and every queued notification was answered or given up on.

    Waiting for this, rather than for a while, is how a test shows no duplicate follows.
    """
    assert service.alerting is not None
    if await service.alerting.escalator.check():
        return False
    return not await service.store.get_items("notify_outbox")


async def wait_while_progressing(
    remaining: Callable[[], Awaitable[int]],
    *,
    stall: float,
    within: float,
    what: str = "the work",
) -> None:
    """Poll `remaining` until it is 0; fail when it stops falling for `stall` seconds.

    For work whose speed depends on the machine (a backlog drained on a loaded runner):
    something lost never moves, so it fails after `stall`, while a slow machine that keeps
    making progress gets up to `within` seconds in all.
    """
    started = time.monotonic()
    best = await remaining()
    best_at = started
    while best > 0:
        now = time.monotonic()
        if now - best_at > stall:
            raise AssertionError(f"{what}: {best} left, none done in the last {stall:g}s")
        if now - started > within:
            raise AssertionError(f"{what}: {best} left after {within:g}s")
        await asyncio.sleep(0.1)
        left = await remaining()
        if left < best:
            best, best_at = left, time.monotonic()
