"""A review as one self-contained HTML file: the page's script, uPlot and the data inline.

The file opens anywhere (mail attachment, archive) without the console or the network;
it draws the same charts and tables as /review.html.
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

STATIC = Path(__file__).resolve().parent / "static"
PARTS = ("vendor/uplot/uPlot.min.css", "review.css", "vendor/uplot/uPlot.iife.min.js", "review.js")


@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    return {name: (STATIC / name).read_text(encoding="utf-8") for name in PARTS}


def _inline_json(data: Any) -> str:
    # Inside <script>, "</" would end the element and "<!--" open a comment: escape both.
    raw = orjson.dumps(data).decode()
    return raw.replace("</", "<\\/").replace("<!--", "<\\!--").replace("\u2028", "\\u2028")


def review_html(review: dict[str, Any], lang: str) -> str:
    """Return the review as a standalone HTML document in a language (zh or en)."""
    a = _assets()
    title = html.escape(f"roomwatch · {review.get('room_name', '')} · {review.get('id', '')}")
    return f"""<!doctype html>
<html lang="{"zh-CN" if lang == "zh" else "en"}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title}</title>
<style>{a["vendor/uplot/uPlot.min.css"]}</style>
<style>{a["review.css"]}</style></head>
<body class="standalone">
<main id="review" class="review"></main>
<script>{a["vendor/uplot/uPlot.iife.min.js"]}</script>
<script>window.RW_REVIEW = {_inline_json(review)};
window.RW_LANG = {orjson.dumps(lang).decode()};</script>
<script>{a["review.js"]}</script>
</body></html>
"""
