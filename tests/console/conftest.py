"""A running roomwatch with two teams, for the console, access and feed tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from argon2 import PasswordHasher

from alerts.clock import ManualClock
from alerts.store.base import AlertStore
from config.loader import load_config_text
from monitor.access import passwords
from monitor.app import Service, build_service
from monitor.events import parse_event
from monitor.runner import serve

CONFIG = """
server: { metrics_public: true }
rooms:
  - { id: r1, name: 一号直播间 }
  - { id: r2, name: 二号直播间 }
  - { id: r3, name: 三号直播间 }
people:
  allow_plain_secrets: true
  users:
    - { id: ctl-a, name: 小王, role: controller, password: pw-ctl-a, rooms: [r1] }
    - { id: ctl-b, name: 小张, role: controller, password: pw-ctl-b, rooms: [r2] }
    - { id: sup-a, name: 王主管, role: supervisor, password: pw-sup-a }
    - { id: boss, role: admin, password: pw-boss }
  teams:
    - { id: team-a, supervisors: [sup-a], members: [ctl-a], rooms: [r3] }
    - { id: team-b, members: [ctl-b] }
detection:
  categories:
    - { id: contact_diversion, severity: critical, terms: [加我微信, 私下交易] }
plans:
  items:
    - id: sensitive_burst
      name: 敏感评论集中出现
      severity: critical
      steps: [删除违规评论并禁言用户, 主播口播提醒文明发言]
      count: { signal: sensitive, min: 2, window: 60 }
      ack_deadline: 120
      resolve_hold: 600
"""

PASSWORDS = {"ctl-a": "pw-ctl-a", "ctl-b": "pw-ctl-b", "sup-a": "pw-sup-a", "boss": "pw-boss"}


@dataclass
class Running:
    service: Service
    base: str
    clock: ManualClock

    async def incident(self, room: str, n: int = 2, tag: str = "") -> None:
        """Push n sensitive comments into a room and wait until the pipeline handled them."""
        for i in range(n):
            event = parse_event(
                {"kind": "comment", "room": room, "text": f"加我微信{tag}{i}", "user": f"u{tag}{i}"}
            )
            await self.service.emit(event)
        assert await self.service.settle(10.0)

    async def session(self, user: str) -> aiohttp.ClientSession:
        http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        async with http.post(
            f"{self.base}/api/v1/login", json={"user": user, "password": PASSWORDS[user]}
        ) as r:
            assert r.status == 200, await r.text()
        return http


async def start(
    config_text: str = CONFIG, *, env: dict[str, str] | None = None, store: AlertStore | None = None
) -> tuple[Running, asyncio.Event, Any]:
    config = load_config_text(config_text, env=env or {})
    clock = ManualClock(time.time())
    service = build_service(config, clock=clock, store=store)
    stop = asyncio.Event()
    ports: list[int] = []
    ready = asyncio.Event()

    def on_ready(port: int) -> None:
        ports.append(port)
        ready.set()

    task = asyncio.create_task(serve(service, "127.0.0.1", 0, on_ready=on_ready, stop=stop))
    await asyncio.wait_for(ready.wait(), 10)
    return Running(service, f"http://127.0.0.1:{ports[0]}", clock), stop, task


@pytest.fixture(params=["memory", "redis"])
def store_section(request: pytest.FixtureRequest) -> str:
    """A config `store:` line for each store kind (the Redis one on a flushed server)."""
    if request.param == "memory":
        return ""
    url = request.getfixturevalue("redis_url")
    return f"store: {{kind: redis, redis_url: '{url}', key_prefix: rwtest}}\n"


@pytest.fixture
async def running() -> AsyncIterator[Running]:
    run, stop, task = await start()
    try:
        yield run
    finally:
        stop.set()
        await task


@pytest.fixture
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Hash with the smallest argon2id parameters (tests of the logic, not of the cost).

    Returns the hashes each verification checked, in order.
    """
    checked: list[str] = []

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Any:
            checked.append(str(hash))
            return super().verify(hash, password)

    monkeypatch.setattr(passwords, "HASHER", Counting(time_cost=1, memory_cost=8, parallelism=1))
    passwords._dummy_hash.cache_clear()
    yield checked
    passwords._dummy_hash.cache_clear()
