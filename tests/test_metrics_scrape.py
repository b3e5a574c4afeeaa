"""A real /metrics scrape of a running demo passes `promtool check metrics`."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from subprocess import PIPE, STDOUT

import aiohttp
import pytest

from tests.demo_service import fast_demo_config, running_service

PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"

pytestmark = pytest.mark.prometheus


async def _scrape(http: aiohttp.ClientSession, base: str) -> str:
    async with http.get(f"{base}/metrics") as r:
        assert r.status == 200
        assert r.headers["Content-Type"].startswith("text/plain;")
        return await r.text()


async def test_live_scrape_is_promtool_clean_and_bounded(tmp_path: Path) -> None:
    async with running_service(fast_demo_config(tmp_path)) as run, aiohttp.ClientSession() as http:
        text = await _scrape(http, run.base)
        for _ in range(100):  # wait until the simulator's traffic is visible
            if "roomwatch_flags_total{" in text and "roomwatch_room_metric{" in text:
                break
            await asyncio.sleep(0.1)
            text = await _scrape(http, run.base)
    proc = await asyncio.create_subprocess_exec(
        PROMTOOL, "check", "metrics", stdin=PIPE, stdout=PIPE, stderr=STDOUT
    )
    out, _ = await asyncio.wait_for(proc.communicate(text.encode()), 30)
    assert proc.returncode == 0, out.decode()
    rooms = {"room-a", "room-b", "room-c"}
    for line in text.splitlines():
        if line.startswith("roomwatch_") and 'room="' in line:
            room = line.split('room="', 1)[1].split('"', 1)[0]
            assert room in rooms, line
        assert 'user="' not in line and 'text="' not in line, line
    assert 'roomwatch_negative_ratio{room="room-a"}' in text
    assert "process_resident_memory_bytes" in text
    assert "_created" not in text
