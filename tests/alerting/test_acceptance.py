"""Acceptance on a scripted timeline: events at t, the alert and each escalation inside a
window on the service's clock, acks over HTTP, real webhook receivers, and exact totals
at the receivers (duplicates fail like misses)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import Awaitable, Callable

import aiohttp
import pytest
from prometheus_client import CollectorRegistry

from alerts.clock import ManualClock
from alerts.model import AlertState
from config.loader import load_config_text
from monitor.app import build_service
from monitor.events import parse_event
from tests.alerting.receiver import Capture, Received, capture_server
from tests.support import grant_admin, notifications_settled, running, wait_for

CONFIG = """
rooms: [{id: r1}, {id: r2}]
pipeline: {tick_interval: 0.1}
detection: {categories: [{id: fraud, terms: [刷单]}]}
plans:
  items:
    - id: burst
      name: 敏感评论集中出现
      when: {type: count, signal: sensitive, min: 3, window: 30}
      ack_deadline: 1.5
      resolve_deadline: 1.5
      resolve: {mode: manual}
notifiers:
  - {type: webhook, id: sup, url: "SUP", secret: k1}
  - {type: webhook, id: boss, url: "BOSS", secret: k2}
escalation:
  tick_interval: 0.1
  ladders:
    - id: default
      levels: [{after: 0, notify: [sup]}, {after: 1, notify: [boss]}]
      repeat: {every: 1, backoff: 2, max_times: 1}
"""


T0 = 1_750_000_000.0


def seen(cap: Capture, room: str) -> list[tuple[float, str, int]]:
    """Return (decided at, reason, level) of each notification about `room`, in arrival order.

    `created_at` is when the service decided to notify, on its clock (here the test's).
    """
    out = []
    for r in cap.got:
        body = r.json()
        if body["alert"]["room"] == room:
            out.append((body["created_at"] - T0, body["reason"], body["level"]))
    return out


def within(got: tuple[float, str, int], lo: float, hi: float, reason: str, level: int) -> bool:
    return lo - 1e-6 <= got[0] <= hi + 1e-6 and got[1:] == (reason, level)


async def test_scripted_timeline_escalates_on_time_and_exactly_once() -> None:
    """Deadlines are judged on a controlled clock moved in 0.1 s steps: after each step
    every due escalation is taken and delivered before the clock moves again, so each
    notification's decision time is exact to the step."""
    async with capture_server() as sup, capture_server() as boss:
        config = load_config_text(CONFIG.replace("SUP", sup.url).replace("BOSS", boss.url))
        clock = ManualClock(T0)
        service = build_service(config, registry=CollectorRegistry(), clock=clock)
        headers = await grant_admin(service)
        async with running(service) as base, aiohttp.ClientSession(headers=headers) as http:

            async def burst(room: str) -> None:
                for i in range(3):
                    event = {"kind": "comment", "room": room, "text": f"刷单{i}", "user": f"u{i}"}
                    await service.emit(parse_event(event, now=clock.now()))

            async def both_fired() -> bool:
                return len(await service.store.list_alerts()) == 2

            async def act(room: str, action: str) -> None:
                [alert] = [a for a in await service.store.list_alerts() if a.room == room]
                async with http.post(f"{base}/api/v1/alerts/{alert.id}/{action}") as r:
                    assert r.status == 200, await r.text()

            script: dict[int, Callable[[], Awaitable[object]]] = {
                2: lambda: asyncio.gather(burst("r1"), burst("r2")),
                10: lambda: act("r2", "ack"),  # r2 is acked in time ...
                20: lambda: act("r2", "resolve"),  # ... and resolved in time: no page
                48: lambda: act("r1", "ack"),  # r1: acked late, then left alone
                70: lambda: act("r1", "resolve"),
            }
            for tenth in range(0, 91):
                clock.set(T0 + tenth / 10)
                if tenth in script:
                    await script[tenth]()
                if tenth == 2:
                    await wait_for(both_fired, 10, "both rooms' alerts")
                await wait_for(
                    lambda: notifications_settled(service),
                    10,
                    f"every step due at {tenth / 10:.1f} s delivered",
                )
            created = {
                a.room: next(h.ts for h in a.history if h.action == "created") - T0
                for a in await service.store.list_alerts()
            }
            assert created == {"r1": pytest.approx(0.2), "r2": pytest.approx(0.2)}
            c = created["r1"]
            s1, b1 = seen(sup, "r1"), seen(boss, "r1")
            assert len(s1) == 3 and len(b1) == 3, (s1, b1)
            assert within(s1[0], c + 1.5, c + 1.6, "escalation", 1)  # not acked within 1.5 s
            assert within(b1[0], c + 2.5, c + 2.6, "escalation", 2)  # level 2 after 1 s more
            assert within(b1[1], c + 3.5, c + 3.6, "repeat", 2)  # one repeat, then quiet
            assert within(s1[1], 6.3, 6.4, "escalation", 1)  # acked at 4.8, unresolved by 6.3
            assert within(s1[2], 7.0, 7.0, "resolved", 0)
            assert within(b1[2], 7.0, 7.0, "resolved", 0)
            assert seen(sup, "r2") == [] and seen(boss, "r2") == []
            assert len(sup.got) == 3 and len(boss.got) == 3  # exact totals: no duplicates
            fired = sup.got[0].json()["alert"]  # why it fired: Chinese, English beside it
            assert fired["summary"] == "敏感评论集中出现：30 秒内 3 条敏感评论，阈值 3 条"
            assert fired["summary_en"] == "3 sensitive comments in 30s (threshold 3)"
            keys = [r.headers["Idempotency-Key"] for r in [*sup.got, *boss.got]]
            assert len(set(keys)) == 6
            assert all(_signature_ok(r, b"k1") for r in sup.got)
            assert all(_signature_ok(r, b"k2") for r in boss.got)
            alerts = {a.room: a for a in await service.store.list_alerts()}
            assert alerts["r1"].state is AlertState.RESOLVED
            assert [h.action for h in alerts["r1"].history] == [
                "created", "escalated", "escalated", "escalated",
                "acknowledged", "escalated", "resolved",
            ]  # fmt: skip


def _signature_ok(r: Received, secret: bytes) -> bool:
    ts = r.headers["X-Roomwatch-Timestamp"].encode()
    mac = hmac.new(secret, ts + b"." + r.body, hashlib.sha256).hexdigest()
    return r.headers["X-Roomwatch-Signature"] == "v1=" + mac
