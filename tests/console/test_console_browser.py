"""A controller in Debian's chromium: log in, see an alert arrive live, act from the keyboard."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from alerts.model import Alert
from tests.console.conftest import Running

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PLAN = "敏感评论集中出现"
# Record desktop notifications instead of showing them (and grant the permission).
NOTIFICATIONS_SPY = """
window.__notes = [];
window.Notification = function (title, options) { window.__notes.push(title); };
window.Notification.permission = 'granted';
window.Notification.requestPermission = async () => 'granted';
"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed"),
]


async def sign_in(page: Any, base: str, user: str, password: str) -> None:
    """Log in on the console's login page."""
    await page.goto(f"{base}/login")
    await page.fill("#user", user)
    await page.fill("#password", password)
    await page.click("#submit")


async def metric(http: aiohttp.ClientSession, base: str, line_start: str) -> float | None:
    async with http.get(f"{base}/metrics") as r:
        for line in (await r.text()).splitlines():
            if line.startswith(line_start):
                return float(line.rsplit(" ", 1)[1])
    return None


async def test_controller_acknowledges_a_live_alert_from_the_keyboard(
    running: Running, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright, expect

    base = running.base
    ack_sum = 'roomwatch_time_to_acknowledge_seconds_sum{controller="ctl-a"}'
    handle_count = 'roomwatch_time_to_handle_comment_seconds_count{controller="ctl-a"}'
    async with aiohttp.ClientSession() as http, async_playwright() as pw:
        assert await metric(http, base, ack_sum) is None
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 900})
            await page.add_init_script(NOTIFICATIONS_SPY)
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            await page.goto(f"{base}/")
            await expect(page).to_have_url(f"{base}/login")  # strangers go to the login page
            await page.fill("#user", "ctl-a")
            await page.fill("#password", "wrong-password")
            await page.click("#submit")
            await expect(page.locator("#error")).to_have_text("账号或密码错误")
            await page.fill("#password", "pw-ctl-a")
            await page.click("#submit")
            await expect(page).to_have_url(f"{base}/")
            await expect(page.locator("#status.live")).to_be_visible()
            await expect(page.locator(".alert")).to_have_count(0)

            # Another team's room alerts first: this controller must never see it.
            await running.incident("r2", tag="other")
            await running.incident("r1", tag="mine")
            card = page.locator(".alert")
            await expect(card).to_have_count(1, timeout=10_000)
            await expect(card).to_contain_text(PLAN)
            await expect(card).to_contain_text("一号直播间")
            await expect(card.locator(".countdown")).to_contain_text("确认剩余")
            await expect(page.locator(".detail ol li")).to_have_count(2)  # the plan's steps
            await expect(page.locator(".comment mark").first).to_have_text("加我微信")
            await expect(page.locator(".room")).to_have_count(1)
            assert await page.evaluate("window.__notes") == [f"新的严重告警: {PLAN}"]

            running.clock.advance(20)  # the controller takes 20 s to react
            await page.keyboard.press("d")  # first flagged comment: handled as deleted
            await expect(page.locator(".comment.handled")).to_have_count(1)
            await page.keyboard.press("a")  # acknowledge
            await expect(card).to_have_class("alert critical acknowledged selected")
            await expect(card).to_contain_text("处理中")
            await page.screenshot(path=str(tmp_path / "console.png"), full_page=True)

            assert await metric(http, base, ack_sum) == 20.0
            assert await metric(http, base, handle_count) == 1.0
            await page.click("button[data-tab=reports]")
            row = page.locator("#report tr", has_text="ctl-a")
            await expect(row).to_contain_text("00:20")  # median time to acknowledge
            await expect(row).to_contain_text("100%")  # within the deadline
            await page.click("#lang")
            await expect(page.locator("button[data-tab=alerts]")).to_have_text("Alerts")
            assert errors == []
        finally:
            await browser.close()
    [theirs] = await running.service.store.list_alerts(rooms=["r2"])
    assert theirs.state.value == "firing"  # untouched by ctl-a's keys


async def test_console_merges_grouped_comments_and_rereads_what_it_missed(
    running: Running,
) -> None:
    """Updates carry only new comments: the console merges them, and re-reads on a gap."""
    from playwright.async_api import async_playwright, expect

    base = running.base
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            await sign_in(page, base, "ctl-a", "pw-ctl-a")
            await expect(page.locator("#status.live")).to_be_visible()

            async def stored() -> Alert:
                [alert] = await running.service.store.list_alerts(rooms=["r1"])
                return alert

            await running.incident("r1", n=3, tag="a")
            await expect(page.locator(".alert")).to_have_count(1, timeout=10_000)
            comments = page.locator(".detail .comment")
            first = len((await stored()).comments)
            await expect(comments).to_have_count(first)
            await running.incident("r1", n=4, tag="b")  # grouped: one update per comment
            assert len((await stored()).comments) == first + 4
            await expect(comments).to_have_count(first + 4)
            await expect(page.locator(".detail")).to_contain_text("加我微信b3")

            # A copy that is not the update's base (a missed item) is replaced by a REST read.
            await page.evaluate(
                "S.alerts.forEach(a => { a.version = 0; a.comments = a.comments.slice(0, 1); })"
            )
            await running.incident("r1", n=1, tag="c")
            await expect(comments).to_have_count(first + 5)
            await expect(page.locator(".detail")).to_contain_text("加我微信c0")
            # Later updates (escalation, the feed's own bookkeeping) may still land: wait until
            # the page's copy has caught up with the stored one instead of comparing two reads.
            alert = await stored()
            deadline = asyncio.get_running_loop().time() + 10
            while True:
                held = await page.evaluate(f"S.alerts.get('{alert.id}').version")
                alert = await stored()
                if held == alert.version or asyncio.get_running_loop().time() > deadline:
                    break
                await asyncio.sleep(0.05)
            assert held == alert.version and len(alert.comments) == first + 5
            assert errors == []
        finally:
            await browser.close()


async def test_console_shows_why_and_categories_in_chinese_then_english(running: Running) -> None:
    """The alert's reason and the comments' categories read in the console's language."""
    from playwright.async_api import async_playwright, expect

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            await page.goto(f"{running.base}/login")
            await page.fill("#user", "ctl-a")
            await page.fill("#password", "pw-ctl-a")
            await page.click("#submit")
            await expect(page.locator("#status.live")).to_be_visible()
            await running.incident("r1", tag="x")
            why = page.locator(".detail p.summary")
            await expect(why).to_have_text("60 秒内 2 条敏感评论，阈值 2 条", timeout=10_000)
            who = page.locator(".detail .comment .who").first
            await expect(who).to_contain_text("站外导流")
            await expect(page.locator("#flags li").first).to_contain_text("[站外导流]")
            await expect(page.locator(".detail mark").first).to_have_attribute("title", "站外导流")
            [stored] = await running.service.store.list_alerts(rooms=["r1"])
            assert stored.summary == f"{PLAN}：60 秒内 2 条敏感评论，阈值 2 条"

            await page.click("#lang")
            await expect(why).to_have_text("2 sensitive comments in 60s (threshold 2)")
            await expect(who).to_contain_text("contact diversion")
            await expect(page.locator("#flags li").first).to_contain_text("[contact diversion]")
            await page.reload()  # the choice is remembered
            await expect(why).to_have_text("2 sensitive comments in 60s (threshold 2)")
            await page.click("#lang")
            await expect(why).to_have_text("60 秒内 2 条敏感评论，阈值 2 条")
            assert errors == []
        finally:
            await browser.close()


async def test_a_console_whose_session_is_revoked_goes_to_the_login_page(
    running: Running,
) -> None:
    """The feed closes with 4001 on logout elsewhere; the page signs in again, not retries."""
    from playwright.async_api import async_playwright, expect

    base = running.base
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 900})
            sockets: list[str] = []
            page.on("websocket", lambda ws: sockets.append(ws.url))
            await sign_in(page, base, "ctl-a", "pw-ctl-a")
            await expect(page.locator("#status.live")).to_be_visible()
            opened = len(sockets)
            # Logged out from another tab: same cookie, the page itself does nothing.
            r = await page.request.post(f"{base}/api/v1/logout", headers={"Origin": base})
            assert r.status == 200
            await expect(page).to_have_url(f"{base}/login", timeout=15_000)
            assert len(sockets) == opened  # it did not try the revoked feed again
        finally:
            await browser.close()
