"""A restart in the middle of an escalation with the Redis store: nothing lost, nothing twice."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from prometheus_client import CollectorRegistry

from alerts.model import AlertState
from config.loader import load_config_text
from monitor.app import build_service
from monitor.events import parse_event
from tests.alerting.receiver import capture_server
from tests.support import grant_admin, running

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
        t0 = time.monotonic()
        sup.t0 = boss.t0 = t0
        first = build_service(load_config_text(text), registry=CollectorRegistry())
        async with running(first):
            for i in range(3):
                event = {"kind": "comment", "room": "r1", "text": f"刷单{i}", "user": f"u{i}"}
                await first.emit(parse_event(event))
            await sup.wait_for(1, limit=3)
            [alert] = await first.store.list_alerts()
            await asyncio.sleep(max(0.0, t0 + 1.8 - time.monotonic()))
        down_at = time.monotonic() - t0
        assert [r.json()["level"] for r in sup.got] == [1] and boss.got == []
        # level 2 falls due at about started + 3.0 s while no instance runs
        await asyncio.sleep(max(0.0, alert.started_at + 3.4 - time.time()))
        second = build_service(load_config_text(text), registry=CollectorRegistry())
        headers = await grant_admin(second)
        async with running(second) as base:
            restarted = time.monotonic() - t0
            [late] = await boss.wait_for(1, limit=3)
            assert restarted <= late.at <= restarted + 0.8
            assert late.json()["reason"] == "escalation" and late.json()["level"] == 2
            async with aiohttp.ClientSession(headers=headers) as http:
                for action in ("ack", "resolve"):
                    async with http.post(f"{base}/api/v1/alerts/{alert.id}/{action}") as r:
                        assert r.status == 200
            await sup.wait_for(2, limit=3)
            await boss.wait_for(2, limit=3)
            await asyncio.sleep(0.5)  # room for a duplicate to show up
            stored = await second.store.get_alert(alert.id)
        assert down_at < restarted
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
