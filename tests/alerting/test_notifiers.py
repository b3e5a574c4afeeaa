"""Real local HTTP receivers check every notifier's format and signature, retries, dead letters."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
import urllib.parse
from typing import Any

from prometheus_client import CollectorRegistry
from pydantic import TypeAdapter

from alerts.clock import SystemClock
from alerts.metrics import AlertMetrics
from alerts.notify.base import Notification, Reason
from alerts.notify.dispatch import DEAD_LETTERS, OUTBOX, Dispatcher
from alerts.store.memory import MemoryStore
from config.notify import NotifierConfig
from tests.alerting.receiver import capture_server

STREAM_DOWN = {
    "kind": "threshold", "signal": "stream", "metric": "", "value": 0, "op": "==",
    "threshold": 0, "for": 10,
}  # fmt: skip
SUMMARY_LINE = "- 摘要: 推流状态：中断，已持续 10 秒\n"  # Chinese, without the plan name again
ALERT: dict[str, Any] = {
    "id": "a1", "fingerprint": "f1", "room": "room-a", "plan_id": "stream_down",
    "plan_name": "直播中断", "severity": "critical", "group_key": "", "state": "firing",
    "summary": "直播中断：推流状态：中断，已持续 10 秒", "summary_data": STREAM_DOWN,
    "steps": ["检查推流", "切换线路"],
    "labels": {"team": "tech"}, "started_at": 1_763_769_600.0, "acked_at": None,
    "acked_by": None, "resolved_at": None, "resolved_by": None, "ack_deadline": 1_763_769_660.0,
    "resolve_deadline": None, "escalation_level": 1, "comments": [],
}  # fmt: skip
NOTIFIERS = TypeAdapter(list[NotifierConfig])


def notification(nid: str, reason: Reason = Reason.ESCALATION, key: str = "k1") -> Notification:
    alert = dict(ALERT)
    if reason is Reason.RESOLVED:
        alert.update(state="resolved", resolved_at=ALERT["started_at"] + 30, resolved_by="zhang")
    return Notification(f"{key}:{nid}", nid, reason, 1, "level 1: not acknowledged", 1.0, alert)


def dispatcher(configs: list[dict[str, Any]], store: MemoryStore | None = None) -> Dispatcher:
    metrics = AlertMetrics(CollectorRegistry())
    return Dispatcher(
        NOTIFIERS.validate_python(configs), store or MemoryStore(), metrics, SystemClock(), seed=1
    )


async def test_webhook_body_signature_and_idempotency_key() -> None:
    async with capture_server() as cap:
        d = dispatcher([{"type": "webhook", "id": "hook", "url": cap.url, "secret": "s3cret"}])
        await d.start()
        try:
            await d.submit(notification("hook"))
            [got] = await cap.wait_for(1)
        finally:
            await d.close()
    body = got.json()
    assert body["version"] == "1" and body["reason"] == "escalation" and body["level"] == 1
    assert body["idempotency_key"] == "k1:hook" == got.headers["Idempotency-Key"]
    assert body["alert"]["plan_name"] == "直播中断" and body["detail"].startswith("level 1")
    assert body["alert"]["summary"] == ALERT["summary"]
    assert body["alert"]["summary_data"] == STREAM_DOWN
    assert body["alert"]["summary_en"] == "stream down for 10s"
    ts = got.headers["X-Roomwatch-Timestamp"]
    assert abs(int(ts) - time.time()) < 60
    expected = hmac.new(b"s3cret", ts.encode() + b"." + got.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(got.headers["X-Roomwatch-Signature"], "v1=" + expected)


async def test_dingtalk_signs_the_url_and_sends_markdown() -> None:
    async with capture_server("/robot/send") as cap:
        url = cap.url + "?access_token=tok"
        d = dispatcher(
            [
                {
                    "type": "dingtalk",
                    "id": "ding",
                    "url": url,
                    "secret": "SECxyz",
                    "at_mobiles": ["13800000000"],
                }
            ]
        )
        await d.start()
        try:
            await d.submit(notification("ding"))
            [got] = await cap.wait_for(1)
        finally:
            await d.close()
    assert got.query["access_token"] == "tok"
    ts = got.query["timestamp"]
    mac = hmac.new(b"SECxyz", f"{ts}\nSECxyz".encode(), hashlib.sha256).digest()
    # aiohttp's request.query is already URL-decoded
    assert got.query["sign"] == base64.b64encode(mac).decode()
    assert abs(int(ts) / 1000 - time.time()) < 60
    body = got.json()
    assert body["msgtype"] == "markdown" and "告警升级" in body["markdown"]["title"]
    assert "检查推流" in body["markdown"]["text"] and body["at"]["atMobiles"] == ["13800000000"]
    assert SUMMARY_LINE in body["markdown"]["text"]


async def test_feishu_signs_in_the_body_and_wecom_sends_markdown() -> None:
    async with capture_server() as fs, capture_server() as wc:
        d = dispatcher(
            [
                {"type": "feishu", "id": "fs", "url": fs.url, "secret": "fsecret"},
                {
                    "type": "wecom",
                    "id": "wc",
                    "url": wc.url + "?key=abc",
                    "mentioned_mobiles": ["139"],
                },
            ]
        )
        await d.start()
        try:
            await d.submit(notification("fs", Reason.RESOLVED))
            await d.submit(notification("wc", Reason.REPEAT))
            [f] = await fs.wait_for(1)
            [w] = await wc.wait_for(1)
        finally:
            await d.close()
    fb = f.json()
    mac = hmac.new(f"{fb['timestamp']}\nfsecret".encode(), b"", hashlib.sha256).digest()
    assert fb["sign"] == base64.b64encode(mac).decode()
    assert fb["msg_type"] == "interactive"
    card = fb["card"]
    assert "告警已恢复" in card["header"]["title"]["content"]
    assert card["header"]["template"] == "green"  # resolved
    assert SUMMARY_LINE in card["elements"][0]["content"] + "\n"
    assert w.query["key"] == "abc"
    wb = w.json()
    # a fixed mobile to ping: WeCom pings mobiles only from a text message
    assert wb["msgtype"] == "text" and "重复提醒" in wb["text"]["content"]
    assert wb["text"]["mentioned_mobile_list"] == ["139"]
    assert "<@139>" not in wb["text"]["content"]
    assert SUMMARY_LINE in wb["text"]["content"] + "\n"


async def test_alertmanager_body_includes_resolved_alerts() -> None:
    async with capture_server("") as cap:
        d = dispatcher([{"type": "alertmanager", "id": "am", "url": cap.url}])
        await d.start()
        try:
            await d.submit(notification("am"))
            await d.submit(notification("am", Reason.RESOLVED, key="k2"))
            first, second = await cap.wait_for(2)
        finally:
            await d.close()
    assert first.path == "/api/v2/alerts" and second.path == "/api/v2/alerts"
    [firing] = first.json()
    [resolved] = second.json()
    assert firing["labels"]["alertname"] == "stream_down" and firing["labels"]["team"] == "tech"
    assert firing["startsAt"] == "2025-11-22T00:00:00Z"
    assert firing["endsAt"] > firing["startsAt"]  # kept active until refreshed (4 x 60 s)
    assert resolved["endsAt"] == "2025-11-22T00:00:30Z"
    assert resolved["annotations"]["reason"] == "resolved"


async def test_retries_with_backoff_keep_the_idempotency_key() -> None:
    async with capture_server() as cap:
        cap.behave = lambda n, t: (503, 0.0) if n < 2 else (200, 0.0)
        cfg = {
            "type": "webhook",
            "id": "hook",
            "url": cap.url,
            "retry": {"attempts": 4, "base_delay": 0.2, "jitter": 0.5},
        }
        store = MemoryStore()
        d = dispatcher([cfg], store)
        await d.start()
        try:
            await d.submit(notification("hook"))
            [got] = await cap.wait_for(1)
        finally:
            await d.close()
    assert cap.attempts == 3
    # two waits: 0.2 and 0.4 s, each within ±50 %
    assert 0.3 <= got.at <= 1.5
    assert got.headers["Idempotency-Key"] == "k1:hook"
    assert await store.get_items(OUTBOX) == {}


async def test_a_timed_out_delivery_is_retried_with_the_same_key() -> None:
    async with capture_server() as cap:
        cap.behave = lambda n, t: (200, 1.0) if n == 0 else (200, 0.0)
        cfg = {
            "type": "webhook",
            "id": "hook",
            "url": cap.url,
            "timeout": 0.3,
            "retry": {"base_delay": 0.1},
        }
        d = dispatcher([cfg])
        await d.start()
        try:
            await d.submit(notification("hook"))
            got = await cap.wait_for(2, limit=5)
        finally:
            await d.close()
    # the slow first answer arrived after the client gave up; the receiver can dedup by key
    assert len(got) == 2
    assert {r.headers["Idempotency-Key"] for r in got} == {"k1:hook"}


async def test_dead_letter_then_replay_delivers_once() -> None:
    async with capture_server() as cap:
        cap.behave = lambda n, t: (500, 0.0)
        cfg = {
            "type": "webhook",
            "id": "hook",
            "url": cap.url,
            "retry": {"attempts": 2, "base_delay": 0.05},
        }
        store = MemoryStore()
        d = dispatcher([cfg], store)
        await d.start()
        try:
            await d.submit(notification("hook"))
            for _ in range(200):
                if await store.get_items(DEAD_LETTERS):
                    break
                await asyncio.sleep(0.02)
            [letter] = await d.dead_letters()
            assert letter["key"] == "k1:hook" and letter["attempts"] == 2
            assert letter["error"] == "HTTP 500"
            assert cap.attempts == 2
            cap.behave = lambda n, t: (200, 0.0)
            assert await d.replay("k1:hook") is True
            assert await d.replay("nope") is False
            [got] = await cap.wait_for(1)
            assert await d.dead_letters() == []
        finally:
            await d.close()
    assert got.headers["Idempotency-Key"] == "k1:hook"
    assert len(await store.read_records("dead_letter_log")) == 1


async def test_a_4xx_is_not_retried() -> None:
    async with capture_server() as cap:
        cap.behave = lambda n, t: (400, 0.0)
        d = dispatcher(
            [{"type": "webhook", "id": "hook", "url": cap.url, "retry": {"base_delay": 0.05}}]
        )
        await d.start()
        try:
            await d.submit(notification("hook"))
            for _ in range(100):
                if await d.dead_letters():
                    break
                await asyncio.sleep(0.02)
        finally:
            await d.close()
    assert cap.attempts == 1


async def test_a_slow_receiver_does_not_hold_up_another() -> None:
    async with capture_server() as slow, capture_server() as fast:
        slow.behave = lambda n, t: (200, 2.0)
        d = dispatcher(
            [
                {"type": "webhook", "id": "slow", "url": slow.url, "timeout": 5},
                {"type": "webhook", "id": "fast", "url": fast.url},
            ]
        )
        await d.start()
        try:
            for i in range(3):
                await d.submit(notification("slow", key=f"k{i}"))
                await d.submit(notification("fast", key=f"k{i}"))
            got = await fast.wait_for(3, limit=5)
            assert len(got) == 3 and max(r.at for r in got) < 1.5
            assert slow.got == []  # still busy with its first request
        finally:
            await d.close()


async def test_outbox_is_resent_at_start() -> None:
    store = MemoryStore()
    n = notification("hook")
    await store.put_item(OUTBOX, n.key, n.to_dict())
    async with capture_server() as cap:
        d = dispatcher([{"type": "webhook", "id": "hook", "url": cap.url}], store)
        await d.start()
        try:
            [got] = await cap.wait_for(1)
        finally:
            await d.close()
    assert got.json()["idempotency_key"] == "k1:hook"
    assert urllib.parse.urlparse(cap.url).hostname == "127.0.0.1"
