"""Shared set-up for the console's browser tests: Debian's chromium, a logged-in page."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "tablet": {"width": 768, "height": 1024},
    "desktop": {"width": 1440, "height": 900},
}
# Whether a CJK string draws as real, distinct glyphs in the page's own font: a missing
# glyph draws the font's .notdef box, the same picture for every character.
GLYPHS_JS = """sample => {
  const font = getComputedStyle(document.body).fontFamily;
  const draw = ch => {
    const c = document.createElement('canvas'); c.width = 48; c.height = 48;
    const g = c.getContext('2d'); g.font = `36px ${font}`; g.fillStyle = '#000';
    g.fillText(ch, 4, 38); return g.getImageData(0, 0, 48, 48).data.join(',');
  };
  const chars = [...new Set(Array.from(sample))];
  const images = chars.map(draw), box = draw('\\uE000'), blank = draw(' ');
  return {chars: chars.length, distinct: new Set(images).size,
          boxes: images.filter(i => i === box || i === blank).length};
}"""
# Overflow checks: the page never scrolls sideways; no element's content spills out.
OVERFLOW_JS = """() => ({
  page: document.documentElement.scrollWidth - window.innerWidth,
  spills: [...document.querySelectorAll('.comment, .alert, .timeline li, #flags li')]
    .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.className),
})"""


def screenshot_dir(tmp_path: Path) -> Path:
    """Return where screenshots go: $ROOMWATCH_SCREENSHOTS (kept to look at) or tmp_path."""
    chosen = os.environ.get("ROOMWATCH_SCREENSHOTS")
    path = Path(chosen) if chosen else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


async def login(page: Any, base: str, user: str, password: str, path: str = "/") -> None:
    """Open `path` (the login page comes first), log in, wait for the live feed."""
    from playwright.async_api import expect

    await page.goto(f"{base}{path}")
    await page.fill("#user", user)
    await page.fill("#password", password)
    await page.click("#submit")
    await expect(page.locator("#status.live")).to_be_visible()
