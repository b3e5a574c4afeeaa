"""Lifecycle: SIGTERM/SIGINT stop a real roomwatch process cleanly; crashing sources restart."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest
from aiohttp import WSMsgType
from prometheus_client import CollectorRegistry

from config.loader import load_config_text
from monitor.app import Service, build_service
from monitor.collectors.base import Emit
from monitor.events import AnyEvent, LikeEvent, new_event_id
from tests.support import running

ROOMWATCH = str(Path(sys.executable).with_name("roomwatch"))
STOP_WITHIN = 10.0  # generous for a loaded CI machine; a clean stop takes well under a second


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def read_until(stream: asyncio.StreamReader, marker: str, within: float) -> list[str]:
    lines: list[str] = []
    async with asyncio.timeout(within):
        while True:
            raw = await stream.readline()
            if not raw:
                raise AssertionError(f"stream ended before {marker!r}: {lines}")
            lines.append(raw.decode())
            if marker in lines[-1]:
                return lines


RUN_CONFIG = """
rooms: [{id: shop}]
sources: [{type: http_ingest, id: in, token: lifecycle-token}]
people:
  users: [{id: ops, role: admin, password: "${LIFECYCLE_PASSWORD}"}]
"""


@pytest.mark.parametrize(
    ("command", "sig", "token", "room"),
    [
        (["demo"], signal.SIGTERM, "demo-ingest-token", "room-a"),
        (["run", "--config", "CONFIG"], signal.SIGINT, "lifecycle-token", "shop"),
    ],
    ids=["demo-sigterm", "run-sigint"],
)
async def test_signal_stops_intake_drains_and_exits_zero(
    tmp_path: Path, command: list[str], sig: signal.Signals, token: str, room: str
) -> None:
    config = tmp_path / "run.yaml"
    config.write_text(RUN_CONFIG, encoding="utf-8")
    port = free_port()
    argv = [str(config) if a == "CONFIG" else a for a in command]
    proc = await asyncio.create_subprocess_exec(
        ROOMWATCH,
        *argv,
        "--port",
        str(port),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "LIFECYCLE_PASSWORD": "ops-pass"},
    )
    assert proc.stdout is not None and proc.stderr is not None
    try:
        banner = await read_until(proc.stdout, "roomwatch is up", 30)
        assert f"console http://127.0.0.1:{port}/" in banner[-1]
        base = f"http://127.0.0.1:{port}"
        login = (
            {"user": "demo", "password": "demo"}
            if command == ["demo"]
            else {
                "user": "ops",
                "password": "ops-pass",
            }
        )
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            async with http.post(f"{base}/api/v1/login", json=login) as r:
                assert r.status == 200
            ws = await http.ws_connect(f"{base}/api/v1/feed")  # a console left open
            batch = [{"kind": "comment", "room": room, "text": "多少钱"}] * 50
            headers = {"Authorization": f"Bearer {token}"}
            async with http.post(f"{base}/api/v1/ingest", json=batch, headers=headers) as r:
                assert (await r.json())["accepted"] == 50
            proc.send_signal(sig)
            code = await asyncio.wait_for(proc.wait(), STOP_WITHIN)
            # The server closes the feed (after the hello and any items it sends first).
            while (await asyncio.wait_for(ws.receive(), STOP_WITHIN)).type == WSMsgType.TEXT:
                pass
            assert ws.closed
            await ws.close()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    out = (await proc.stdout.read()).decode()
    err = (await proc.stderr.read()).decode()
    assert code == 0, err
    assert out.rstrip().endswith("roomwatch stopped.")
    assert "stopping: closing HTTP, draining the pipeline" in err
    assert "Traceback" not in err


def service_from(text: str) -> Service:
    return build_service(load_config_text(text), registry=CollectorRegistry())


async def test_stop_refuses_new_events_and_drains_the_queue() -> None:
    service = service_from("rooms: [{id: r}]\npipeline: {queue_size: 5000}")
    await service.start()
    for i in range(2000):
        assert service.pipeline.offer(LikeEvent(room="r", ts=1.0 + i, id=f"l{i}"))
    await service.stop()
    assert not service.pipeline.offer(LikeEvent(room="r", ts=9.0, id="late"))
    processed = service.registry.get_sample_value("roomwatch_pipeline_latency_seconds_count")
    assert processed == 2000


async def test_stop_gives_up_draining_after_the_drain_timeout() -> None:
    service = service_from("rooms: [{id: r}]\npipeline: {drain_timeout: 0.3}")
    stuck = asyncio.Event()

    async def process(event: AnyEvent) -> None:
        await stuck.wait()  # an output that never answers

    service.pipeline.process = process  # type: ignore[method-assign]
    await service.start()
    service.pipeline.offer(LikeEvent(room="r", ts=1.0, id="a"))
    service.pipeline.offer(LikeEvent(room="r", ts=2.0, id="b"))
    await asyncio.wait_for(service.stop(), STOP_WITHIN)
    assert not service.pipeline.accepting


class CrashingCollector:
    """Fails on every run after emitting one event (a source with a broken connection)."""

    def __init__(self, name: str, fail_times: int | None = None) -> None:
        self.name = name
        self.runs = 0
        self._fail_times = fail_times
        self.done = asyncio.Event()

    async def run(self, emit: Emit) -> None:
        self.runs += 1
        await emit(LikeEvent(room="r", ts=float(self.runs), id=new_event_id(), source=self.name))
        if self._fail_times is None or self.runs <= self._fail_times:
            raise ConnectionResetError("peer went away")
        self.done.set()
        await asyncio.Event().wait()  # healthy from now on


async def restarts(service: Service, name: str) -> float:
    value = service.registry.get_sample_value("roomwatch_source_reconnects_total", {"source": name})
    return value or 0.0


async def test_crashing_source_is_restarted_with_backoff_and_counted() -> None:
    service = service_from("rooms: [{id: r}]")
    always = CrashingCollector("always-broken")
    flaky = CrashingCollector("flaky", fail_times=2)
    service.collectors.extend([always, flaky])
    async with running(service) as base, aiohttp.ClientSession() as http:
        await asyncio.wait_for(flaky.done.wait(), 30)
        assert flaky.runs == 3 and await restarts(service, "flaky") == 2
        async with http.get(f"{base}/healthz") as r:
            assert r.status == 200
        async with http.get(f"{base}/metrics") as r:
            text = await r.text()
        assert 'roomwatch_source_reconnects_total{source="always-broken"}' in text
        assert await restarts(service, "always-broken") >= 2
        assert 2 <= await restarts(service, "always-broken") <= always.runs
    labels = {"room": "r", "source": "flaky", "kind": "like"}
    assert service.registry.get_sample_value("roomwatch_events_total", labels) == 3
