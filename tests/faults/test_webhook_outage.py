"""A webhook receiver down for a (compressed) long outage: every notification is retried
and arrives exactly once after it comes back on the same port; none is dead-lettered."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from collections import Counter

import aiohttp
import orjson
from aiohttp import web
from prometheus_client import CollectorRegistry

from config.loader import load_config_text
from monitor.app import build_service
from monitor.events import parse_event
from tests.support import grant_admin, notifications_settled, running, wait_for

ROOMS = ("r1", "r2", "r3")
# Seconds the receiver's port is closed (connection refused). CI compresses the outage to
# 7 s; `ROOMWATCH_OUTAGE_SECONDS=300 pytest tests/faults/test_webhook_outage.py` runs a
# five-minute one with the same checks (retry delays scale with it; add --timeout 900).
OUTAGE = float(os.environ.get("ROOMWATCH_OUTAGE_SECONDS", "7"))
MAX_DELAY = max(1.0, OUTAGE / 10)

# The retry budget (about 0.2 + 0.4 + 0.8 + 27 x MAX_DELAY) outlasts the outage >= 3 times.
CONFIG = """
rooms: [{id: r1}, {id: r2}, {id: r3}]
pipeline: {tick_interval: 0.1}
detection: {categories: [{id: fraud, terms: [刷单]}]}
plans:
  items:
    - id: burst
      name: 敏感评论集中出现
      when: {type: count, signal: sensitive, min: 3, window: 30}
      ack_deadline: 1.0
      resolve_deadline: 30
      resolve: {mode: manual}
notifiers:
  - {type: webhook, id: sup, url: "BASE/sup", timeout: 1,
     retry: {attempts: 30, base_delay: 0.2, max_delay: MAX_DELAY, jitter: 0.2}}
  - {type: webhook, id: boss, url: "BASE/boss", timeout: 1,
     retry: {attempts: 30, base_delay: 0.2, max_delay: MAX_DELAY, jitter: 0.2}}
escalation:
  tick_interval: 0.1
  ladders:
    - id: default
      levels: [{after: 0, notify: [sup]}, {after: 1, notify: [boss]}]
      repeat: {every: 1, backoff: 2, max_times: 1}
"""

# Per room: L1 escalation to sup; L2 escalation and one repeat to boss; resolved to both.
EXPECTED = {
    ("/sup", "escalation", 1): 1,
    ("/boss", "escalation", 2): 1,
    ("/boss", "repeat", 2): 1,
    ("/sup", "resolved", 0): 1,
    ("/boss", "resolved", 0): 1,
}


def closed_port() -> int:
    """Return a loopback port nothing listens on (connections to it are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def start_receiver(
    port: int, got: list[tuple[float, str, bytes, str]], arrived: asyncio.Event
) -> web.AppRunner:
    """Serve a capture receiver on `port`, recording (wall time, path, body, key)."""

    async def handle(request: web.Request) -> web.Response:
        body = await request.read()
        got.append((time.time(), request.path, body, request.headers.get("Idempotency-Key", "")))
        arrived.set()
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/{tail:.*}", handle)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port, reuse_address=True).start()
    return runner


async def test_receiver_down_for_minutes_then_every_notification_arrives_once() -> None:
    port = closed_port()
    text = CONFIG.replace("BASE", f"http://127.0.0.1:{port}").replace("MAX_DELAY", f"{MAX_DELAY:g}")
    config = load_config_text(text)
    service = build_service(config, registry=CollectorRegistry())
    headers = await grant_admin(service)
    got: list[tuple[float, str, bytes, str]] = []
    health: list[int] = []
    receiver: web.AppRunner | None = None
    async with running(service) as base, aiohttp.ClientSession(headers=headers) as http:
        done = asyncio.Event()

        async def watch_health() -> None:
            while not done.is_set():
                async with http.get(f"{base}/healthz") as r:
                    health.append(r.status)
                await asyncio.sleep(0.2)

        watcher = asyncio.create_task(watch_health())
        try:
            t0 = time.monotonic()
            for room in ROOMS:
                for i in range(3):
                    event = {"kind": "comment", "room": room, "text": f"刷单{i}", "user": f"u{i}"}
                    await service.emit(parse_event(event))

            # Every alert fires, escalates to level 2 and repeats once while the port is closed.
            async def escalated_and_repeated() -> bool:
                alerts = await service.store.list_alerts()
                return len(alerts) == len(ROOMS) and all(
                    [h.action for h in a.history].count("escalated") == 3 for a in alerts
                )

            await wait_for(escalated_and_repeated, 15, "level 2 and its one repeat everywhere")
            alerts = await service.store.list_alerts()
            assert sorted(a.room for a in alerts) == list(ROOMS)
            for alert in alerts:
                for action in ("ack", "resolve"):
                    async with http.post(f"{base}/api/v1/alerts/{alert.id}/{action}") as r:
                        assert r.status == 200, await r.text()
            await asyncio.sleep(max(0.0, t0 + OUTAGE - time.monotonic()))
            assert got == []  # nothing can have arrived: the port was closed
            back_at = time.time()
            arrived = asyncio.Event()
            receiver = await start_receiver(port, got, arrived)
            want = sum(EXPECTED.values()) * len(ROOMS)

            async def all_arrived() -> None:
                while len(got) < want:
                    arrived.clear()
                    await arrived.wait()

            with contextlib.suppress(TimeoutError):  # the checks below say what is missing
                await asyncio.wait_for(all_arrived(), 20 + 2 * MAX_DELAY)
            # Nothing due and nothing queued: a duplicate would have arrived by now.
            await wait_for(lambda: notifications_settled(service), 20, "the outbox to empty")
        finally:
            done.set()
            await watcher
            if receiver is not None:
                await receiver.cleanup()
        assert service.alerting is not None
        dead = await service.alerting.dispatcher.dead_letters()
        outbox = await service.store.get_items("notify_outbox")

    keys = Counter(key for _, _, _, key in got)
    assert [k for k, n in keys.items() if n > 1] == []  # duplicates fail like misses
    seen: Counter[tuple[str, str, str, int]] = Counter()
    for at, path, body, key in got:
        doc = orjson.loads(body)
        assert doc["idempotency_key"] == key
        assert at >= back_at
        seen[(doc["alert"]["room"], path, doc["reason"], doc["level"])] += 1
    expected = Counter({(room, *shape): n for room in ROOMS for shape, n in EXPECTED.items()})
    assert seen == expected
    # Every one was created while the receiver was down, so each arrived by a retry.
    assert all(orjson.loads(body)["created_at"] < back_at for _, _, body, _ in got)
    assert dead == [] and outbox == {}
    assert len(health) >= 30 and set(health) == {200}
