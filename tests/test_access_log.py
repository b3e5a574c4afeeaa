"""The access log keeps people's requests and every error, not successful machine traffic."""

from __future__ import annotations

import logging

import aiohttp
import pytest
from prometheus_client import CollectorRegistry

from config.loader import load_config_text
from monitor.app import build_service
from tests.support import running

CONFIG = """
rooms: [{id: room-a}]
sources: [{type: http_ingest, id: shop, token: shop-token-123456}]
plans: {items: []}
"""


async def test_quiet_paths_are_logged_only_when_they_fail(caplog: pytest.LogCaptureFixture) -> None:
    service = build_service(load_config_text(CONFIG), registry=CollectorRegistry())
    caplog.set_level(logging.INFO, logger="aiohttp.access")
    async with running(service) as base, aiohttp.ClientSession(base_url=base) as http:
        ok = [{"kind": "comment", "room": "room-a", "text": "好看", "user": "u1"}]
        headers = {"Authorization": "Bearer shop-token-123456"}
        async with http.post("/api/v1/ingest", json=ok, headers=headers) as r:
            assert r.status == 200
        async with http.get("/healthz") as r:
            assert r.status == 200
        async with http.post("/api/v1/ingest", json=ok) as r:  # no token
            assert r.status == 401
        async with http.get("/login") as r:  # a person's request
            assert r.status == 200
    lines = [rec.getMessage() for rec in caplog.records if rec.name == "aiohttp.access"]
    assert any('"POST /api/v1/ingest' in line and " 401 " in line for line in lines)
    assert any('"GET /login' in line for line in lines)
    assert not any(" 200 " in line and "/api/v1/ingest" in line for line in lines)
    assert not any("/healthz" in line for line in lines)
