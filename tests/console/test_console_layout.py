"""The console on a phone, a tablet and a desktop, in Chinese and English, with CJK glyphs.

Screenshots of every size and language are saved ($ROOMWATCH_SCREENSHOTS keeps them).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from alerts.store.allowlist import Allowlist, new_term
from monitor.events import parse_event
from tests.console.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    GLYPHS_JS,
    OVERFLOW_JS,
    VIEWPORTS,
    login,
    screenshot_dir,
)
from tests.console.conftest import Running, start

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed"),
]

CONFIG = """
server: { metrics_public: true }
rooms:
  - { id: r1, name: 一号直播间 }
  - { id: r2, name: 二号直播间 }
people:
  allow_plain_secrets: true
  users:
    - { id: ctl-a, name: 小王, role: controller, password: pw-ctl-a, rooms: [r1] }
    - { id: ctl-b, name: 小张, role: controller, password: pw-ctl-b, rooms: [r2] }
    - { id: sup-a, name: 王主管, role: supervisor, password: pw-sup-a }
  teams:
    - { id: team-a, supervisors: [sup-a], members: [ctl-a] }
detection:
  sentiment: { enabled: false }
  categories:
    - { id: contact_diversion, severity: critical, terms: [加我微信, 私下交易] }
plans:
  items:
    - id: sensitive_burst
      name: 敏感评论集中出现
      severity: critical
      steps: [删除违规评论并禁言用户, 主播口播提醒文明发言]
      when: { type: count, signal: sensitive, min: 2, window: 60 }
      ack_deadline: 120
      resolve: { mode: manual }
    - id: repeat_offender
      name: 同一用户反复导流或诈骗
      severity: warning
      steps: [拉黑并禁言该用户, 删除其全部违规评论, 如涉诈骗保留证据并上报平台]
      when: { type: count, signal: sensitive, min: 2, window: 300 }
      group_by: user
      ack_deadline: 120
      resolve: { mode: manual }
"""
PASSWORDS = {"ctl-a": "pw-ctl-a", "sup-a": "pw-sup-a"}
LONG = "加我微信" + "ｘ" * 1900  # one unbroken run, thousands of pixels wide
SPOOF = "\u202enimda"  # shows as "admin" when the override is obeyed
PLAN_BURST, PLAN_USER = "敏感评论集中出现", "同一用户反复导流或诈骗"


@pytest.fixture
async def run():  # type: ignore[no-untyped-def]
    running, stop, task = await start(CONFIG)
    try:
        yield running
    finally:
        stop.set()
        await task


async def say(run: Running, room: str, user: str, text: str) -> None:
    run.clock.advance(5)  # a comment every 5 s: the timeline has distinct times
    event = {"kind": "comment", "room": room, "user": user, "text": text, "ts": run.clock.now()}
    await run.service.emit(parse_event(event))
    await run.service.pipeline.drain(5.0)


async def storm(run: Running) -> None:
    """A burst in r1 from two users (one with a spoofing nickname), one in r2."""
    await say(run, "r1", "刷单哥", "加我微信 看主页")
    await say(run, "r1", "刷单哥", "私下交易更便宜")
    await say(run, "r1", SPOOF, LONG)
    await say(run, "r1", SPOOF, "加我微信领红包")
    await say(run, "r2", "other", "加我微信")
    await say(run, "r2", "other", "加我微信!")


async def test_layout_at_phone_tablet_and_desktop_in_both_languages(
    run: Running, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright, expect

    shots = screenshot_dir(tmp_path)
    await storm(run)
    # Every open alert went unacknowledged past its deadline: escalated as the ladder writes it.
    for alert in await run.service.store.list_alerts(rooms=["r1"]):
        args: dict[str, str | int | float] = {"step": "level", "n": 1, "level": 1, "waited": 125}
        await run.service.manager.escalate(
            alert.id, 1, "level 1: not acknowledged for 125s", code="not_acked", args=args
        )
    allowlist = Allowlist(run.service.store)
    await allowlist.add(new_term("微信支付", "team", team="team-a", by="sup-a", ts=run.clock.now()))
    await allowlist.add(new_term("id:wxid8888abc", "rooms", rooms=("r1",), by="sup-a", ts=1.0))
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for lang in ("zh", "en"):
                for size, viewport in VIEWPORTS.items():
                    ctx = await browser.new_context(
                        viewport=viewport,
                        locale="zh-CN" if lang == "zh" else "en-GB",
                        has_touch=size == "phone",
                        is_mobile=size == "phone",
                    )
                    await ctx.add_init_script(f"localStorage.setItem('rw_lang', '{lang}')")
                    page = await ctx.new_page()
                    errors: list[str] = []
                    page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                    await login(page, run.base, "sup-a", PASSWORDS["sup-a"])
                    await expect(page.locator("#alerts .alert")).to_have_count(3)
                    name = f"{size}-{lang}"
                    await check_fits(page, name)
                    await page.screenshot(path=str(shots / f"{name}-list.png"))
                    if size == "phone":
                        # Stacked views: the detail opens over the list, with a way back.
                        await expect(page.locator("#detail")).to_be_hidden()
                        await page.locator("#alerts .alert").first.tap()
                        await expect(page.locator("#alerts")).to_be_hidden()
                        await expect(page.locator("#back")).to_be_visible()
                    await expect(page.locator("#detail h2")).to_contain_text(PLAN_BURST)
                    await check_detail(page, viewport, name)
                    await page.screenshot(path=str(shots / f"{name}-detail.png"))
                    await page.screenshot(path=str(shots / f"{name}-full.png"), full_page=True)
                    if size == "phone":
                        await page.locator("#back").tap()
                        await expect(page.locator("#alerts .alert")).to_have_count(3)
                        await expect(page.locator("#detail")).to_be_hidden()
                    await page.click("button[data-tab=allowlist]")
                    await expect(page.locator("#allow-form")).to_be_visible()
                    await expect(page.locator("#allow-table tr[data-id]")).to_have_count(2)
                    await check_fits(page, f"{name} allowlist")
                    await page.screenshot(path=str(shots / f"{name}-allowlist.png"))
                    assert errors == []
                    await ctx.close()
        finally:
            await browser.close()


async def check_fits(page, name: str) -> None:  # type: ignore[no-untyped-def]
    found = await page.evaluate(OVERFLOW_JS)
    assert found["page"] <= 0, f"{name}: the page is {found['page']} px wider than the screen"
    assert found["spills"] == [], f"{name}: content spills out of {found['spills']}"


async def check_detail(page, viewport: dict[str, int], name: str) -> None:  # type: ignore[no-untyped-def]
    await check_fits(page, name)
    detail = await page.locator("#detail").bounding_box()
    assert detail is not None
    assert detail["width"] >= min(340, viewport["width"] - 40), f"{name}: detail {detail}"
    # Steps and comments read as lines of text, not a character a line.
    step = await page.locator("#detail ol.steps li").first.bounding_box()
    assert step is not None and step["width"] >= 250, f"{name}: a step is {step} wide"
    # The actions are on screen without scrolling (at the bottom on a phone).
    for button in await page.locator("#actionbar button").all():
        box = await button.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], f"{name}: {box}"
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], f"{name}: {box}"
        assert box["height"] >= (44 if viewport["width"] < 500 else 24), f"{name}: {box}"
    # The escalation reads in the page's language.
    zh = "-zh" in name
    said = "第 1 级：超过 125 秒未确认" if zh else "level 1: not acknowledged for 125s"
    assert said in await page.locator("#detail .timeline").inner_text(), name
    last = await page.locator("#detail div.escalated").inner_text()
    assert ("第 1 级：" if zh else "level 1: ") in last, f"{name}: {last}"
    # The spoofing nickname shows its override, visibly, instead of reading "admin".
    await page.locator("#detail .ctl").first.wait_for()
    assert await page.locator("#detail .ctl").first.inner_text() == "U+202E"
    assert await page.locator("#detail bdi.nick", has_text="nimda").count() >= 1


async def test_chinese_renders_as_glyphs_and_the_check_catches_missing_fonts(
    run: Running, tmp_path: Path
) -> None:
    """With the CJK font installed the console's Chinese draws as distinct glyphs; in a
    browser limited to a Latin font (as on a machine without one) the same check fails."""
    from playwright.async_api import async_playwright

    sample = "场控台告警响应报表误报反馈白名单确认解决"
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        "<dir>/usr/share/fonts/truetype/dejavu</dir>"
        f"<cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    async with async_playwright() as pw:
        results = {}
        for label, env in (("installed", {}), ("latin only", {"FONTCONFIG_FILE": str(conf)})):
            browser = await pw.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, env={**os.environ, **env}
            )
            try:
                page = await browser.new_page(locale="zh-CN")
                await login(page, run.base, "ctl-a", PASSWORDS["ctl-a"])
                assert sample[:3] in await page.title()
                results[label] = await page.evaluate(GLYPHS_JS, sample)
                await page.screenshot(path=str(screenshot_dir(tmp_path) / f"fonts-{label}.png"))
            finally:
                await browser.close()
    installed, latin = results["installed"], results["latin only"]
    assert installed["distinct"] == installed["chars"] and installed["boxes"] == 0, installed
    assert latin["distinct"] < latin["chars"] / 2, latin  # all the same box: caught


async def test_work_follows_the_controller_with_cards_timeline_flags_and_links(
    run: Running,
) -> None:
    from playwright.async_api import async_playwright, expect

    await storm(run)
    alerts = {(a.plan_id, a.group_key): a for a in await run.service.store.list_alerts()}
    burst = alerts[("sensitive_burst", "")]
    spoof = alerts[("repeat_offender", SPOOF)]
    dealer = alerts[("repeat_offender", "刷单哥")]
    theirs = next(a for a in alerts.values() if a.room == "r2")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(locale="zh-CN", viewport=VIEWPORTS["desktop"])
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            # A link to an alert (what notifications carry) asks for the login first.
            await page.goto(f"{run.base}/#alert-{dealer.id}")
            await expect(page).to_have_url(f"{run.base}/login#alert-{dealer.id}")
            await page.fill("#user", "ctl-a")
            await page.fill("#password", "pw-ctl-a")
            await page.click("#submit")
            await expect(page).to_have_url(f"{run.base}/#alert-{dealer.id}")
            selected = page.locator("#alerts .alert.selected")
            await expect(selected).to_have_attribute("data-id", dealer.id)
            await expect(page.locator("#detail h2")).to_contain_text(PLAN_USER)

            # Cards tell alerts apart: who they group by, how many, the latest comment.
            cards = page.locator("#alerts .alert")
            await expect(cards).to_have_count(3)
            dealer_card = page.locator(f".alert[data-id='{dealer.id}']")
            await expect(dealer_card).to_contain_text("用户 刷单哥")
            await expect(dealer_card).to_contain_text("2 条评论")
            await expect(dealer_card).to_contain_text("私下交易更便宜")
            await expect(page.locator(f".alert[data-id='{burst.id}']")).to_contain_text("4 条评论")
            assert await cards.first.get_attribute("data-id") == burst.id  # critical first

            # The latest flags were read from the store on load (none arrived live).
            await expect(page.locator("#flags li")).to_have_count(4)
            await expect(page.locator("#flags li").first).to_contain_text("加我微信领红包")

            # Acknowledge the critical one: the next firing alert by urgency is selected.
            await cards.first.click()
            await page.keyboard.press("a")
            await expect(selected).to_have_attribute("data-id", dealer.id)
            await page.keyboard.press("x")  # resolve: on to the next open one
            await expect(selected).to_have_attribute("data-id", spoof.id)
            resolved = page.locator("#resolved .alert")
            await expect(resolved).to_have_count(1)
            await expect(page.locator("#resolved-head")).to_have_text("已解决 (1)")
            await page.keyboard.press("x")
            await expect(selected).to_have_attribute("data-id", burst.id)  # acknowledged, open
            await expect(resolved).to_have_count(2)

            # The acknowledged alert's timeline: created, grouped, acknowledged by whom.
            line = page.locator("#detail .timeline li")
            await expect(line.first).to_contain_text("告警产生 · 2 条评论")
            await expect(page.locator("#detail .timeline")).to_contain_text("归入 2 条评论")
            await expect(page.locator("#detail .timeline")).to_contain_text("已确认 · 操作人 ctl-a")

            # The dealer posts again soon after the resolve: the alert reopens, marked so.
            run.clock.advance(40)
            await say(run, "r1", "刷单哥", "加我微信 再发一次")
            await say(run, "r1", "刷单哥", "私下交易 再发一次")
            reopened = page.locator(f"#alerts .alert[data-id='{dealer.id}']")
            await expect(reopened).to_contain_text("重开", timeout=10_000)
            await reopened.click()
            timeline = page.locator("#detail .timeline")
            await expect(timeline).to_contain_text("再次触发（重开）")
            await expect(timeline).to_contain_text("已解决 · 操作人 ctl-a")

            # Another team's alert, linked: not shown, and the console says why.
            await page.evaluate(f"location.hash = '#alert-{theirs.id}'")
            await expect(page.locator("#toast")).to_have_text("告警不存在或无权查看")

            # After a reload, the flags are still there.
            await page.reload()
            await expect(page.locator("#status.live")).to_be_visible()
            await expect(page.locator("#flags li")).to_have_count(6)
            assert errors == []
        finally:
            await browser.close()
    await asyncio.sleep(0)


async def test_a_supervisor_turns_a_false_positive_into_a_team_term_on_a_phone(
    run: Running,
) -> None:
    from playwright.async_api import async_playwright, expect

    await storm(run)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            ctx = await browser.new_context(
                viewport=VIEWPORTS["phone"], locale="zh-CN", has_touch=True, is_mobile=True
            )
            page = await ctx.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("dialog", lambda d: asyncio.ensure_future(d.accept()))
            await login(page, run.base, "sup-a", PASSWORDS["sup-a"])
            await page.locator("#alerts .alert").first.tap()
            first = page.locator("#detail .comment").first
            await expect(first).to_contain_text("加我微信领红包")
            await first.get_by_role("button", name="误报").tap()
            offer = first.get_by_role("button", name="加入白名单: 加我微信")
            await offer.tap()
            await expect(page).to_have_url(f"{run.base}/#allowlist")
            await expect(page.locator("#allow-term")).to_have_value("加我微信")
            await expect(page.locator("#allow-scope")).to_have_value("team")
            await page.fill("#allow-term", "加我微信领红包")  # widened to the ordinary phrase
            await page.locator("#allow-submit").tap()
            row = page.locator("#allow-table tr[data-id]")
            await expect(row).to_have_count(1)
            await expect(row).to_contain_text("加我微信领红包")
            await expect(row).to_contain_text("团队 team-a")
            await expect(row).to_contain_text("sup-a")
            # The pipeline drops the phrase in the team's rooms; the bare term still flags.
            before = await run.service.store.read_feed(0, rooms=["r1"], limit=10_000)
            await say(run, "r1", "新观众", "加我微信领红包")
            await say(run, "r1", "新观众", "加我微信")
            after = await run.service.store.read_feed(before[-1].seq, rooms=["r1"], limit=100)
            flags = [i.data["text"] for i in after if i.type == "flag"]
            assert flags == ["加我微信"]
            await row.get_by_role("button", name="移除").tap()
            await expect(row).to_have_count(0)
            assert errors == []
        finally:
            await browser.close()
