"""A real Alertmanager (Debian's prometheus-alertmanager) receives our alerts, resolved too."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client import CollectorRegistry
from pydantic import TypeAdapter

from alerts.clock import SystemClock
from alerts.metrics import AlertMetrics
from alerts.notify.base import Notification, Reason
from alerts.notify.dispatch import Dispatcher
from alerts.store.memory import MemoryStore
from config.notify import NotifierConfig
from tests.redis_server import free_port

AM_BIN = shutil.which("prometheus-alertmanager") or "/usr/bin/prometheus-alertmanager"
AM_CONFIG = """
route:
  receiver: blackhole
  group_wait: 1h
  routes:
    - matchers: ['acknowledged="true"']
      receiver: acknowledged
receivers:
  - name: blackhole
  - name: acknowledged
inhibit_rules:
  # an acknowledged alert of a room quiets that room's info alerts
  - source_matchers: ['acknowledged="true"']
    target_matchers: ['severity="info"']
    equal: [room]
"""

pytestmark = pytest.mark.prometheus


@pytest.fixture
def alertmanager() -> Iterator[str]:
    """Start prometheus-alertmanager on a free port (no clustering); yield its URL."""
    if not Path(AM_BIN).exists():
        pytest.skip("prometheus-alertmanager is not installed (scripts/test.sh installs it)")
    with tempfile.TemporaryDirectory(prefix="roomwatch-am-") as tmp:
        cfg = Path(tmp) / "alertmanager.yml"
        cfg.write_text(AM_CONFIG, encoding="utf-8")
        port = free_port()
        with open(Path(tmp) / "am.log", "wb") as log:
            proc = subprocess.Popen(
                [
                    AM_BIN,
                    f"--config.file={cfg}",
                    f"--storage.path={tmp}/data",
                    f"--web.listen-address=127.0.0.1:{port}",
                    "--cluster.listen-address=",
                    "--log.level=warn",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            url = f"http://127.0.0.1:{port}"
            try:
                _wait_ready(url, proc, Path(tmp) / "am.log")
                yield url
            finally:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/-/ready", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"alertmanager did not start: {log.read_text(errors='replace')}")


async def am_alerts(url: str, **params: str) -> list[dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{url}/api/v2/alerts", params=params) as r,
    ):
        assert r.status == 200
        data: list[dict[str, Any]] = await r.json()
        return data


async def test_alertmanager_shows_our_alert_then_its_resolution(alertmanager: str) -> None:
    configs = TypeAdapter(list[NotifierConfig]).validate_python(
        [
            {
                "type": "alertmanager",
                "id": "am",
                "url": alertmanager,
                "generator_url": "http://console",
            }
        ]
    )
    d = Dispatcher(configs, MemoryStore(), AlertMetrics(CollectorRegistry()), SystemClock())
    now = time.time()
    alert = {
        "id": "a1", "room": "room-a", "plan_id": "viewer_crash", "plan_name": "在线人数骤降",
        "severity": "critical", "state": "firing",
        "summary": "在线人数骤降：在线人数 30 秒内从 1500 降至 600，下降 60%",
        "summary_data": {
            "kind": "drop", "metric": "online_viewers", "peak": 1500, "last": 600, "pct": 60,
            "window": 30,
        },
        "steps": ["检查推流"], "labels": {"team": "operations"}, "started_at": now - 5,
        "group_key": "",
    }  # fmt: skip
    await d.start()
    try:
        await d.submit(Notification("k1:am", "am", Reason.FIRST_FIRE, 1, "at once", now, alert))
        found: list[dict[str, Any]] = []
        for _ in range(100):
            found = await am_alerts(alertmanager)
            if found:
                break
            await asyncio.sleep(0.05)
        [got] = found
        assert got["labels"] == {
            "alertname": "viewer_crash", "room": "room-a", "severity": "critical",
            "alert_id": "a1", "team": "operations", "acknowledged": "false",
        }  # fmt: skip
        # worded by severity, the plan's own summary beside it
        assert got["annotations"]["summary"].startswith("严重告警：在线人数骤降（直播间 room-a）")
        assert got["annotations"]["description"] == alert["summary"]
        assert got["annotations"]["summary_en"] == (
            "Critical: viewer_crash in room room-a:"
            " online viewers fell from 1500 to 600 within 30s (-60%)"
        )
        assert got["annotations"]["reason"] == "first_fire"
        assert got["status"]["state"] == "active"
        assert got["receivers"] == [{"name": "blackhole"}]
        assert got["generatorURL"] == "http://console/#alert-a1"
        # Active until now + 4 x resend_every (60 s): the escalator re-sends it before then.
        ends = datetime.fromisoformat(got["endsAt"].replace("Z", "+00:00")).timestamp()
        assert 200 < ends - time.time() <= 240
        # An info alert in the same room, then the critical one is acknowledged by zhang.
        info = dict(alert, id="a2", plan_id="chat_quiet", severity="info")
        await d.submit(Notification("k0:am", "am", Reason.FIRST_FIRE, 1, "at once", now, info))
        acked = dict(alert, state="acknowledged", acked_at=time.time(), acked_by="zhang",
                     history=[{"ts": now, "action": "acknowledged", "actor": "zhang"}])  # fmt: skip
        await d.submit(Notification("k3:am", "am", Reason.REFRESH, 1, "acknowledged", now, acked))
        active: list[dict[str, Any]] = []
        for _ in range(100):
            active = await am_alerts(alertmanager, active="true")
            if [
                a["labels"].get("acknowledged") for a in active if a["labels"]["alert_id"] == "a1"
            ] == ["true"]:
                break
            await asyncio.sleep(0.05)
        [mine] = [a for a in active if a["labels"]["alert_id"] == "a1"]
        assert mine["labels"]["acknowledged"] == "true"
        assert mine["annotations"]["acknowledged_by"] == "zhang"
        assert mine["receivers"] == [{"name": "acknowledged"}]  # routed by the label
        # the inhibit rule keyed on the label quiets the room's info alert
        [quiet] = await am_alerts(alertmanager, inhibited="true", active="false")
        assert quiet["labels"]["alert_id"] == "a2" and quiet["status"]["state"] == "suppressed"
        resolved = dict(acked, state="resolved", resolved_at=time.time())
        await d.submit(Notification("k2:am", "am", Reason.RESOLVED, 0, "resolved", now, resolved))
        for _ in range(100):
            left = await am_alerts(alertmanager, active="true")
            if all(a["labels"]["alert_id"] != "a1" for a in left):
                break
            await asyncio.sleep(0.05)
        assert [a["labels"]["alert_id"] for a in await am_alerts(alertmanager, active="true")] == [
            "a2"
        ]
    finally:
        await d.close()
