"""i18n.js in a real browser says what alerts/summary.py says: same labels, same sentences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from alerts import summary
from alerts.summary import Description, render
from tests.console.test_console_browser import CHROMIUM, CHROMIUM_ARGS

I18N_JS = Path(__file__).parents[2] / "monitor" / "web" / "static" / "i18n.js"
ORIGIN = "http://console.test/"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed"),
]

COUNT: Description = {"kind": "count", "signal": "sensitive", "n": 3, "window": 60, "min": 3}
THRESHOLD: Description = {
    "kind": "threshold",
    "signal": "metric",
    "metric": "online_viewers",
    "value": 15.5,
    "op": "<",
    "threshold": 20,
    "for": 300,
}
SAMPLES: list[Description] = [
    COUNT,
    {**COUNT, "categories": ["contact_diversion", "fraud"], "window": 300.0},
    {**COUNT, "signal": "any", "categories": ["some_new_category"]},
    {
        "kind": "ratio",
        "signal": "negative",
        "categories": ["fake", "refund"],
        "of": "comment",
        "n": 7,
        "total": 20,
        "pct": 35,
        "window": 120,
        "min_pct": 30,
    },
    {
        "kind": "rate",
        "signal": "comment",
        "rate": 4.5,
        "baseline": 0.24,
        "factor": 18.8,
        "min_factor": 10,
    },
    {
        "kind": "rate",
        "signal": "activity",
        "rate": 3,
        "baseline": 0.2,
        "factor": 15,
        "min_factor": 8,
    },
    {
        "kind": "drop",
        "metric": "online_viewers",
        "peak": 1200,
        "last": 300.5,
        "pct": 75,
        "window": 30,
    },
    {**THRESHOLD, "metric": "a_new_metric", "op": ">=", "value": None},
    THRESHOLD,
    {**THRESHOLD, "signal": "stream", "metric": "", "value": 0, "op": "==", "threshold": 0},
    {**THRESHOLD, "signal": "stream", "metric": "", "value": 1, "op": "!=", "threshold": 0},
    {"kind": "absence", "signal": "any", "for": 31, "min": 30},
    {"kind": "absence", "signal": "comment", "for": 120, "min": 120.0},
    {"kind": "all", "of": [COUNT, {"kind": "any", "of": [THRESHOLD]}]},
    {"kind": "any", "of": [COUNT, {"kind": "all", "of": [COUNT, THRESHOLD]}]},
    {"kind": "all", "of": []},
    {},
    {"kind": "unknown"},
    {"kind": "count", "signal": "sensitive"},
    {"kind": "drop", "metric": "online_viewers", "peak": None, "last": 1, "pct": 1, "window": 1},
]


async def page_with_i18n(browser: Any) -> Any:
    """Open a page that holds nothing but i18n.js, for its functions to be called."""
    from playwright.async_api import Route

    async def serve(route: Route) -> None:
        html = f"<!doctype html><html><head><script>{I18N_JS.read_text()}</script></head></html>"
        await route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    page = await browser.new_page()
    await page.route(ORIGIN, serve)
    return page


async def test_i18n_js_renders_like_the_server_in_both_languages() -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await page_with_i18n(browser)
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            await page.goto(ORIGIN)
            tables: dict[str, Any] = await page.evaluate("LABELS")
            got: list[list[str]] = await page.evaluate(
                "samples => samples.map(d => [describe(d, 'zh'), describe(d, 'en')])", SAMPLES
            )
            default = await page.evaluate(f"describe({COUNT!r})")  # the stored language: zh
            assert errors == []
        finally:
            await browser.close()

    for lang in ("zh", "en"):
        assert tables[lang]["signal"] == summary.SIGNALS[lang]
        assert tables[lang]["metric"] == summary.METRICS[lang]
        assert tables[lang]["category"] == summary.CATEGORIES[lang]
        assert tables[lang]["op"] == summary.OPS[lang]
        assert tables[lang]["stream"] == summary.STREAM_STATES[lang]
    want = [[render(d, "zh"), render(d, "en")] for d in SAMPLES]
    assert got == want
    assert default == render(COUNT, "zh") == "60 秒内 3 条敏感评论，阈值 3 条"
    readable = [pair for pair in want[:15] if all(pair)]
    assert len(readable) == 15  # every real kind reads in both languages
    assert want[-4:] == [["", ""]] * 4


HISTORY = [
    {"code": "at_once", "args": {"level": 1, "severity": "critical"}, "detail": "x"},
    {"code": "not_acked", "args": {"step": "level", "n": 2, "level": 2, "waited": 300}},
    {
        "code": "not_resolved",
        "args": {"step": "repeat", "n": 1, "level": 2, "by": "zhang", "since": 600, "late": 70},
    },
    {"code": "", "detail": "free text stays as it is"},
    {"code": "a_code_from_a_newer_server", "args": {}, "detail": "level 3: shown as sent"},
]


async def test_escalation_history_reads_in_the_console_language() -> None:
    from playwright.async_api import async_playwright

    from alerts.escalation import STEP_CODES

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await page_with_i18n(browser)
            await page.goto(ORIGIN)
            got = {}
            for lang in ("zh", "en"):
                got[lang] = await page.evaluate(
                    "([h, lang]) => { setLang(lang); return h.map(historyDetail); }",
                    [HISTORY, lang],
                )
            known = await page.evaluate("Object.keys(STEP_TEXT.zh)")
        finally:
            await browser.close()
    assert set(STEP_CODES) <= set(known)
    assert got["zh"] == [
        "第 1 级：严重预案，立即通知",
        "第 2 级：超过 300 秒未确认",
        "第 1 次重复提醒：zhang 已确认 600 秒，仍未处理（晚了 70 秒送达）",
        "free text stays as it is",
        "level 3: shown as sent",
    ]
    assert got["en"] == [
        "level 1: critical plan, notify at once",
        "level 2: not acknowledged for 300s",
        "repeat 1: acknowledged by zhang 600s ago, not resolved (sent 70s late)",
        "free text stays as it is",
        "level 3: shown as sent",
    ]
