"""The review page, the evaluation page and the console's questions panel in Debian's
chromium, at phone, tablet and desktop sizes, in Chinese and English."""

from __future__ import annotations

import asyncio
import io
import os
from pathlib import Path

import pytest

from alerts.store.memory import MemoryStore
from config.loader import default_config_path, load_config
from monitor.events import parse_event
from monitor.replay import replay_in_process
from tests.detect_support import compile_once
from tests.supervision.support import serve_config

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
DRILL = Path(__file__).resolve().parents[2] / "config" / "drills" / "broadcast-drill.jsonl"
SIZES = {"phone": (390, 844), "tablet": (820, 1180), "desktop": (1400, 900)}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed"),
]


async def test_review_evaluation_and_questions_pages(tmp_path: Path) -> None:
    from playwright.async_api import async_playwright, expect

    shots = Path(os.environ.get("ROOMWATCH_SCREENSHOTS") or tmp_path)
    await asyncio.to_thread(shots.mkdir, parents=True, exist_ok=True)
    store = MemoryStore()
    config = load_config(default_config_path())
    report = await replay_in_process(
        DRILL, config, 0, io.StringIO(), tail=200, store=store, compiler=compile_once
    )
    review = report.reviews[0]
    async with (
        serve_config(config.model_copy(update={"sources": []}), store) as served,
        async_playwright() as pw,
    ):
        base = served.base
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for size, (w, h) in SIZES.items():
                context = await browser.new_context(
                    locale="zh-CN", viewport={"width": w, "height": h}
                )
                page = await context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                await page.goto(f"{base}/review.html?id={review['id']}")
                await page.fill("#user", "lead")
                await page.fill("#password", "lead")
                await page.click("#submit")
                await page.wait_for_url(f"{base}/")
                await page.goto(f"{base}/review.html?id={review['id']}")
                main = page.locator("#review")
                await expect(main.locator("h2")).to_contain_text("女装旗舰店")
                await expect(main.locator(".fig").first).to_contain_text("在线峰值")
                peak = f"{review['figures']['viewers_peak']:,.0f}"
                await expect(main.locator(".fig").first).to_contain_text(peak)
                await expect(main.locator(".chart canvas")).to_have_count(3)
                await expect(main.locator("table.table").nth(1).locator("tr")).to_have_count(
                    1 + len(review["questions"])
                )
                await expect(page.locator("#download")).to_be_visible()
                wide = await page.evaluate("document.documentElement.scrollWidth - innerWidth")
                assert wide <= 1, f"review page scrolls sideways at {size}"
                # Nor does any table inside it: on a phone a wide table is a card a row.
                inner = await page.evaluate(
                    "Math.max(...[...document.querySelectorAll('.scroll')]"
                    ".map(s => s.scrollWidth - s.clientWidth))"
                )
                if size == "phone":
                    assert inner <= 1, f"a review table scrolls sideways on a phone by {inner}px"
                await page.screenshot(path=str(shots / f"review-{size}-zh.png"), full_page=True)

                await page.goto(f"{base}/evaluation.html?month=2025-12")
                row = page.locator("#rows tr", has_text="demo")
                await expect(row).to_contain_text("演示场控")
                await expect(page.locator("#count")).to_contain_text("1")
                wide = await page.evaluate("document.documentElement.scrollWidth - innerWidth")
                assert wide <= 1, f"evaluation page scrolls sideways at {size}"
                await page.screenshot(path=str(shots / f"evaluation-{size}-zh.png"), full_page=True)

                # The console's questions panel: a question arrives, one click answers it.
                room = "room-b" if size == "phone" else "room-a"
                event = parse_event(
                    {
                        "kind": "comment",
                        "room": room,
                        "text": "这个多少钱？",
                        "user": f"viewer-{size}",
                        "nickname": "小红",
                        "ts": served.service.clock.now(),
                    }
                )
                await served.service.emit(event)
                await served.service.pipeline.drain(5.0)
                await page.goto(f"{base}/")
                panel = page.locator("#questions")
                await panel.locator("#q-room").select_option(room)
                item = panel.locator("li.q", has_text="这个多少钱")
                await expect(item).to_have_count(1, timeout=10_000)
                await page.screenshot(path=str(shots / f"console-{size}-zh.png"), full_page=True)
                await item.locator("button.qok").click()
                await expect(item).to_have_count(0)
                closed = served.service.supervision.questions.find(room, event.id)
                assert closed is not None and closed.closed_by == "lead"
                assert errors == [], errors
                await context.close()

            # English, and the downloaded file renders on its own (no server).
            context = await browser.new_context(
                locale="en-US", viewport={"width": 1400, "height": 900}
            )
            page = await context.new_page()
            await page.goto(f"{base}/login")
            await page.fill("#user", "lead")
            await page.fill("#password", "lead")
            await page.click("#submit")
            await page.wait_for_url(f"{base}/")
            await page.evaluate("localStorage.setItem('rw_lang', 'en')")
            await page.goto(f"{base}/review.html?id={review['id']}")
            await expect(page.locator("#review .fig").first).to_contain_text("Peak viewers")
            await page.screenshot(path=str(shots / "review-desktop-en.png"), full_page=True)
            async with page.expect_download() as info:
                await page.click("#download")
            file = tmp_path / "review.html"
            await (await info.value).save_as(file)
            offline = await context.new_page()
            requests: list[str] = []
            offline.on("request", lambda r: requests.append(r.url))
            await offline.goto(file.as_uri())
            await expect(offline.locator("#review .chart canvas")).to_have_count(3)
            await expect(offline.locator("#review .fig").first).to_contain_text("Peak viewers")
            assert [u for u in requests if not u.startswith("file:")] == []
            await offline.screenshot(path=str(shots / "download-desktop-en.png"), full_page=True)
            await context.close()
        finally:
            await browser.close()
