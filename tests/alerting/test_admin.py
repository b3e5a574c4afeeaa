"""Operator surfaces: dead letters over REST and the CLI, silences over REST, config errors."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from prometheus_client import CollectorRegistry

from config.loader import ConfigError, load_config_text
from monitor.app import build_service
from monitor.cli import main
from monitor.events import parse_event
from tests.alerting.receiver import capture_server
from tests.support import TEST_ADMIN_TOKEN, grant_admin, running

CONFIG = """
rooms: [{id: r1}]
pipeline: {tick_interval: 0.1}
detection: {categories: [{id: fraud, terms: [刷单]}]}
plans:
  items:
    - id: burst
      name: 敏感评论集中出现
      severity: critical
      when: {type: count, signal: sensitive, min: 2, window: 30}
notifiers:
  - {type: webhook, id: sup, url: "SUP", retry: {attempts: 2, base_delay: 0.05}}
escalation:
  tick_interval: 0.1
  ladders: [{id: default, levels: [{notify: [sup]}]}]
"""


async def test_dead_letters_listed_and_replayed_through_rest_and_cli(
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with capture_server() as sup:
        sup.behave = lambda n, t: (503, 0.0)
        config = load_config_text(CONFIG.replace("SUP", sup.url))
        service = build_service(config, registry=CollectorRegistry())
        headers = await grant_admin(service)
        async with running(service) as base, aiohttp.ClientSession(headers=headers) as http:
            for i in range(2):
                await service.emit(
                    parse_event({"kind": "comment", "room": "r1", "text": f"刷单{i}"})
                )
            letters: list[dict[str, object]] = []
            for _ in range(200):
                async with http.get(f"{base}/api/v1/dead-letters") as r:
                    letters = (await r.json())["dead_letters"]
                if letters:
                    break
                await asyncio.sleep(0.02)
            [letter] = letters
            assert letter["error"] == "HTTP 503" and letter["attempts"] == 2
            assert sup.attempts == 2
            code = await asyncio.to_thread(
                main, ["dead-letters", "list", "--url", base, "--token", TEST_ADMIN_TOKEN]
            )
            out = capsys.readouterr().out
            assert code == 0 and "1 dead letter(s)" in out and "first_fire" in out
            async with http.post(f"{base}/api/v1/dead-letters/replay", json={"keys": 5}) as r:
                assert r.status == 400 and (await r.json())["field"] == "keys"
            sup.behave = lambda n, t: (200, 0.0)
            argv = ["dead-letters", "replay", "--all", "--url", base, "--token", TEST_ADMIN_TOKEN]
            assert await asyncio.to_thread(main, argv) == 0
            assert "replayed 1" in capsys.readouterr().out
            argv = ["dead-letters", "list", "--url", base, "--token", "wrong"]
            assert await asyncio.to_thread(main, argv) == 1
            assert "HTTP 401" in capsys.readouterr().err
            [got] = await sup.wait_for(1)
            assert got.headers["Idempotency-Key"] == letter["key"]
            async with http.get(f"{base}/metrics") as r:
                text = await r.text()
            assert "roomwatch_dead_letters 0.0" in text
            assert 'roomwatch_notifications_total{notifier="sup",reason="first_fire"} 1.0' in text
            assert 'roomwatch_notification_failures_total{notifier="sup"} 2.0' in text
            assert 'roomwatch_notification_delivery_seconds_count{notifier="sup"} 1.0' in text


async def test_silences_over_rest_with_clear_errors() -> None:
    config = load_config_text(CONFIG.replace("SUP", "http://127.0.0.1:9/x"))
    service = build_service(config, registry=CollectorRegistry())
    headers = await grant_admin(service)
    async with running(service) as base, aiohttp.ClientSession(headers=headers) as http:
        async with (
            aiohttp.ClientSession() as anonymous,
            anonymous.post(f"{base}/api/v1/silences", json={}) as r,
        ):
            assert r.status == 401
        bad = [
            ({"room": "r1"}, "duration"),
            ({"room": "r1", "duration": "10"}, "duration"),
            ({"room": "r1", "duration": 60, "created_by": "boss"}, "created_by"),  # not the login
            ({"room": 5, "duration": 60}, "room"),
            ({"duration": 40 * 86_400}, "duration"),
        ]
        for body, field in bad:
            async with http.post(f"{base}/api/v1/silences", json=body) as r:
                assert r.status == 400 and (await r.json())["field"] == field, body
        async with http.post(
            f"{base}/api/v1/silences", data=b"[1,", headers={"Content-Type": "application/json"}
        ) as r:
            assert r.status == 400
        body = {"room": "r1", "duration": 600, "comment": "主管静音"}
        async with http.post(f"{base}/api/v1/silences", json=body) as r:
            assert r.status == 201
            silence = await r.json()
        for i in range(2):
            await service.emit(parse_event({"kind": "comment", "room": "r1", "text": f"刷单{i}"}))
        assert await service.pipeline.drain(10)  # both processed, so the next line proves something
        assert await service.store.list_alerts() == []  # muted room: no alert
        assert silence["created_by"] == "test-admin"  # the login, not a claim
        async with http.delete(f"{base}/api/v1/silences/{silence['id']}?actor=boss") as r:
            assert r.status == 400 and (await r.json())["field"] == "actor"
        async with http.delete(f"{base}/api/v1/silences/{silence['id']}") as r:
            assert r.status == 200 and (await r.json())["expired_by"] == "test-admin"
        async with http.get(f"{base}/api/v1/silences") as r:
            [listed] = (await r.json())["silences"]
            assert listed["active"] is False and listed["created_by"] == "test-admin"
        async with http.delete(f"{base}/api/v1/silences/nope") as r:
            assert r.status == 404


def test_notify_config_errors_name_the_key_path() -> None:
    text = """
notifiers:
  - {type: webhook, id: a, url: "http://x"}
  - {type: dingtalk, id: a, url: "ftp://x"}
  - {type: pager, id: b, url: "http://x"}
escalation:
  ladders:
    - id: main
      levels: [{after: 60, notify: [a]}, {after: 30, notify: [ghost]}]
  routes: [{ladder: nope}]
plans:
  items: [{id: p, name: 计划, when: {type: absence, for: 5}, escalation: other}]
"""
    with pytest.raises(ConfigError) as err:
        load_config_text(text)
    got = {i.path: i.message for i in err.value.issues}
    assert got["notifiers[1].url"] == "String should match pattern '^https?://'"
    assert got["notifiers[2].type"].startswith("unknown type 'pager'")
    assert got["escalation.ladders[0]"].startswith("levels: `after` must not decrease")


def test_notify_cross_references_are_checked() -> None:
    text = """
notifiers: [{type: webhook, id: a, url: "http://x"}, {type: wecom, id: a, url: "http://y"}]
escalation:
  ladders: [{id: main, levels: [{notify: [a, ghost]}]}]
  routes: [{ladder: nope}]
plans:
  items: [{id: p, name: 计划, when: {type: absence, for: 5}, escalation: other}]
"""
    with pytest.raises(ConfigError) as err:
        load_config_text(text)
    got = {i.path: i.message for i in err.value.issues}
    assert got == {
        "notifiers[1].id": "duplicate notifier id 'a'",
        "escalation.ladders[0].levels[0].notify[1]": "unknown notifier 'ghost'",
        "escalation.default_ladder": "unknown ladder 'default'",
        "escalation.routes[0].ladder": "unknown ladder 'nope'",
        "plans.items[0].escalation": "unknown ladder 'other'",
    }
