"""`roomwatch demo` in a subprocess; Debian chromium (Playwright) sees a live alert arrive."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import pytest

from config.loader import default_config_path, load_config

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ROOMWATCH = str(Path(sys.executable).with_name("roomwatch"))
ALERT_WITHIN_MS = 60_000
COUNT_JS = "names.reduce((n, name) => n + document.body.innerText.split(name).length - 1, 0)"
COUNT_JS_FN = f"names => {COUNT_JS}"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_demo_console_shows_a_live_alert_in_chromium() -> None:
    from playwright.async_api import async_playwright

    plan_names = [p.name for p in load_config(default_config_path()).plans.items]
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        ROOMWATCH,
        "demo",
        "--port",
        str(port),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    try:
        banner: list[str] = []
        async with asyncio.timeout(30):
            while not any("Press Ctrl-C" in line for line in banner):
                line = (await proc.stdout.readline()).decode()
                assert line, f"demo exited early: {banner}"
                banner.append(line)
        url = f"http://127.0.0.1:{port}/"
        assert any(f"console {url}" in line for line in banner)
        login = next(line.split()[1:4] for line in banner if line.strip().startswith("login"))
        user, _, password = login
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = await browser.new_page(locale="zh-CN")
                await page.goto(url)
                # The console may ask for the demo credentials the banner printed.
                if await page.locator("input[type=password]").count():
                    await page.locator("input:not([type=password]):visible").first.fill(user)
                    await page.locator("input[type=password]").first.fill(password)
                    await page.locator("input[type=password]").first.press("Enter")
                    await page.locator("input[type=password]").wait_for(state="detached")
                await page.wait_for_load_state("domcontentloaded")
                # Count plan names shown now (a plan list would show them all along); a
                # live alert adds one more. The demo's first incident comes after 5 s.
                await page.wait_for_function(
                    f"names => ({COUNT_JS}) > {await page.evaluate(COUNT_JS_FN, plan_names)}",
                    arg=plan_names,
                    timeout=ALERT_WITHIN_MS,
                )
                text = await page.inner_text("body")
                assert any(name in text for name in plan_names)
            finally:
                await browser.close()
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), 15)
            except TimeoutError:
                proc.kill()
                await proc.wait()
    assert proc.returncode == 0
