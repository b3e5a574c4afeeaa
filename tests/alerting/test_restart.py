"""A restart in the middle of an escalation with the Redis store: nothing lost, nothing twice."""

from __future__ import annotations

import time

import aiohttp
import pytest
from prometheus_client import CollectorRegistry

from alerts.clock import ManualClock
from alerts.model import AlertState
from config.loader import load_config_text
from monitor.app import build_service
from monitor.events import parse_event
from tests.alerting.receiver import capture_server
from tests.support import grant_admin, notifications_settled, running, wait_for

pytestmark = pytest.mark.redis

CONFIG = """
rooms: [{id: r1}]
store: {kind: redis, redis_url: "REDIS", key_prefix: restart}
pipeline: {tick_interval: 0.1}
detection: {categories: [{id: fraud, terms: [刷单]}]}
plans:
  items:
    - id: burst
      name: 敏感评论集中出现
      when: {type: count, signal: sensitive, min: 3, window: 30}
      ack_deadline: 1.0
      resolve: {mode: manual}
notifiers:
  - {type: webhook, id: sup, url: "SUP"}
  - {type: webhook, id: boss, url: "BOSS"}
escalation:
  tick_interval: 0.1
  ladders:
    - id: default
      levels: [{after: 0, notify: [sup]}, {after: 2.0, notify: [boss]}]
      repeat: {max_times: 0}
"""


async def test_deadline_passed_while_down_fires_at_start_and_nothing_repeats(
    redis_url: str,
) -> None:
    async with capture_server() as sup, capture_server() as boss:
        text = CONFIG.replace("REDIS", redis_url).replace("SUP", sup.url).replace("BOSS", boss.url)
        # Both instances read one controlled clock: time passes only when the test says so.
        clock = ManualClock(time.time())
        first = build_service(load_config_text(text), registry=CollectorRegistry(), clock=clock)
        async with running(first):
            for i in range(3):
                event = {"kind": "comment", "room": "r1", "text": f"刷单{i}", "user": f"u{i}"}
                await first.emit(parse_event(event, now=clock.now()))

            async def fired() -> bool:
                return bool(await first.store.list_alerts())

            await wait_for(fired, 10, "the alert")
            [alert] = await first.store.list_alerts()
            clock.set(alert.started_at + 1.0)  # the ack deadline: level 1
            await sup.wait_for(1, limit=10)
            clock.set(alert.started_at + 1.8)
            await wait_for(lambda: notifications_settled(first), 10, "level 1 delivered")
        assert [r.json()["level"] for r in sup.got] == [1] and boss.got == []
        # level 2 falls due at started + 3.0 s while no instance runs
        clock.set(alert.started_at + 3.4)
        second = build_service(load_config_text(text), registry=CollectorRegistry(), clock=clock)
        headers = await grant_admin(second)
        async with running(second) as base:
            [late] = await boss.wait_for(1, limit=10)
            # decided at start: the clock has not moved since the restart
            assert late.json()["created_at"] == clock.now() == alert.started_at + 3.4
            assert late.json()["reason"] == "escalation" and late.json()["level"] == 2
            async with aiohttp.ClientSession(headers=headers) as http:
                for action in ("ack", "resolve"):
                    async with http.post(f"{base}/api/v1/alerts/{alert.id}/{action}") as r:
                        assert r.status == 200
            await sup.wait_for(2, limit=10)
            await boss.wait_for(2, limit=10)
            # Nothing due and nothing queued: a duplicate would have arrived by now.
            await wait_for(lambda: notifications_settled(second), 10, "the outbox to empty")
            stored = await second.store.get_alert(alert.id)
        assert [(r.json()["reason"], r.json()["level"]) for r in sup.got] == [
            ("escalation", 1),
            ("resolved", 0),
        ]
        assert [(r.json()["reason"], r.json()["level"]) for r in boss.got] == [
            ("escalation", 2),
            ("resolved", 0),
        ]
        assert stored is not None and stored.state is AlertState.RESOLVED
        assert [h.action for h in stored.history].count("escalated") == 2
