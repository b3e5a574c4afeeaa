"""End to end: the demo config runs, the simulator's incidents become alerts on the feed."""

from __future__ import annotations

import asyncio

import aiohttp
import orjson

from config.loader import default_config_path, load_config
from monitor.app import build_service
from tests.detect_support import compile_once
from tests.support import running


async def test_demo_config_serves_health_metrics_and_alerts() -> None:
    config = load_config(default_config_path())
    service = build_service(config, compiler=compile_once)
    jar = aiohttp.CookieJar(unsafe=True)  # accept the session cookie from 127.0.0.1
    async with running(service) as base, aiohttp.ClientSession(cookie_jar=jar) as http:
        async with http.get(f"{base}/healthz") as r:
            assert r.status == 200
        async with http.get(f"{base}/api/v1/alerts") as r:
            assert r.status == 401  # every API needs a login or a token
        async with http.post(
            f"{base}/api/v1/login", json={"user": "demo", "password": "demo"}
        ) as r:
            assert r.status == 200
        async with http.ws_connect(f"{base}/api/v1/feed") as ws:
            # Push a burst of sensitive comments through the pipeline directly.
            from monitor.events import parse_event

            for i in range(5):
                await service.emit(
                    parse_event(
                        {
                            "kind": "comment",
                            "room": "room-a",
                            "text": f"加我微信{i}",
                            "user": f"u{i}",
                        }
                    )
                )
            seen = set()
            while "alert" not in seen:
                msg = await asyncio.wait_for(ws.receive(), 10)
                seen.add(orjson.loads(msg.data)["type"])
        async with http.get(f"{base}/metrics") as r:
            text = await r.text()
            assert 'roomwatch_flags_total{category="contact_diversion"' in text
