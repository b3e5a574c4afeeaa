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
receivers:
  - name: blackhole
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
            "alert_id": "a1", "team": "operations",
        }  # fmt: skip
        assert got["annotations"]["summary"] == alert["summary"]  # Chinese, and English beside it
        assert got["annotations"]["summary_en"] == (
            "online viewers fell from 1500 to 600 within 30s (-60%)"
        )
        assert got["annotations"]["reason"] == "first_fire"
        assert got["status"]["state"] == "active"
        assert got["generatorURL"] == "http://console/#alert-a1"
        # Active until now + 4 x resend_every (60 s): the escalator re-sends it before then.
        ends = datetime.fromisoformat(got["endsAt"].replace("Z", "+00:00")).timestamp()
        assert 200 < ends - time.time() <= 240
        resolved = dict(alert, state="resolved", resolved_at=time.time())
        await d.submit(Notification("k2:am", "am", Reason.RESOLVED, 0, "resolved", now, resolved))
        for _ in range(100):
            if not await am_alerts(alertmanager, active="true"):
                break
            await asyncio.sleep(0.05)
        assert await am_alerts(alertmanager, active="true") == []
    finally:
        await d.close()
