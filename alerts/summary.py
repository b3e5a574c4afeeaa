"""How an alert's condition reads: a condition's description rendered in Chinese or English.

A condition explains why it holds as a small JSON object (its `kind` and figures, e.g.
{"kind": "count", "signal": "sensitive", "n": 3, "window": 60, "min": 3}); it is kept on
the alert as `summary_data`. The server renders it in Chinese for `summary` and the
notifications (they go to Chinese teams); the console renders it per language with the
same tables in monitor/web/static/i18n.js (tests/console/test_console_i18n.py keeps the
two in step). Figures are rounded when the description is made, so both render alike.
"""

from __future__ import annotations

from typing import Any, Literal

Lang = Literal["zh", "en"]
Description = dict[str, Any]

SIGNALS: dict[Lang, dict[str, str]] = {
    "zh": {
        "sensitive": "敏感评论",
        "negative": "负面评论",
        "comment": "评论",
        "activity": "互动事件",
        "metric": "指标读数",
        "stream": "推流状态",
        "any": "事件",
    },
    "en": {
        "sensitive": "sensitive comments",
        "negative": "negative comments",
        "comment": "comments",
        "activity": "room events",
        "metric": "metric readings",
        "stream": "stream updates",
        "any": "events",
    },
}
METRICS: dict[Lang, dict[str, str]] = {
    "zh": {
        "online_viewers": "在线人数",
        "likes_total": "点赞总数",
        "comment_rate": "评论速率",
        "gmv": "成交额",
        "followers": "粉丝数",
        "gifts_value": "礼物价值",
        "questions_open": "未回复提问数",
        "questions_oldest_open_seconds": "最久未回复提问等待秒数",
    },
    "en": {
        "online_viewers": "online viewers",
        "likes_total": "total likes",
        "comment_rate": "comment rate",
        "gmv": "GMV",
        "followers": "followers",
        "gifts_value": "gift value",
        "questions_open": "unanswered questions",
        "questions_oldest_open_seconds": "seconds the oldest unanswered question waited",
    },
}
# Keyword categories (config/roomwatch.yaml detection.categories) and the complaint
# categories of config/lexicons/complaints.tsv (monitor.detect.source).
CATEGORIES: dict[Lang, dict[str, str]] = {
    "zh": {
        "contact_diversion": "站外导流",
        "fraud": "诈骗/刷单/赌博",
        "abuse": "辱骂",
        "prohibited": "违禁品",
        "ad_law": "广告法极限词",
        "fake": "假货",
        "refund": "退款",
        "quality": "质量问题",
        "delivery": "物流发货",
        "price": "价格",
        "attitude": "服务态度",
        "scam": "被骗",
        "general": "一般负面",
    },
    "en": {
        "contact_diversion": "contact diversion",
        "fraud": "fraud/fake orders/gambling",
        "abuse": "abuse",
        "prohibited": "prohibited goods",
        "ad_law": "advertising-law terms",
        "fake": "fake goods",
        "refund": "refund",
        "quality": "quality",
        "delivery": "delivery",
        "price": "price",
        "attitude": "service attitude",
        "scam": "scam",
        "general": "general complaint",
    },
}
OPS: dict[Lang, dict[str, str]] = {
    "zh": {"<": "低于", "<=": "不高于", ">": "高于", ">=": "不低于", "==": "等于", "!=": "不等于"},
    "en": {"<": "below", "<=": "at most", ">": "above", ">=": "at least", "==": "at", "!=": "not"},
}
STREAM_STATES: dict[Lang, dict[str, str]] = {
    "zh": {"-1": "已下播", "0": "中断", "1": "正常"},
    "en": {"-1": "ended", "0": "down", "1": "live"},
}
# Counted in 条 (comments) or 次 (other events).
_ZH_UNIT = {"sensitive": "条", "negative": "条", "comment": "条"}


def num(x: float) -> str:
    """Return a figure as both renderers print it (JavaScript's String(x) for these values)."""
    x = float(x)
    return str(int(x)) if x.is_integer() else repr(x)


def category_label(category: str, lang: Lang = "zh") -> str:
    """Return a category's name in a language (an unknown category: its id)."""
    return CATEGORIES[lang].get(category, category)


def _signal(d: Description, lang: Lang) -> str:
    name = str(d.get("signal", ""))
    return SIGNALS[lang].get(name, name)


def _metric(name: str, lang: Lang) -> str:
    return METRICS[lang].get(name, name)


def _categories(d: Description, lang: Lang) -> str:
    cats = [category_label(str(c), lang) for c in d.get("categories") or ()]
    if not cats:
        return ""
    return f"（{'、'.join(cats)}）" if lang == "zh" else f" ({', '.join(cats)})"


def _unit(d: Description) -> str:
    return _ZH_UNIT.get(str(d.get("signal", "")), "次")


def _count(d: Description, lang: Lang) -> str:
    what, cats, n, w, m = _signal(d, lang), _categories(d, lang), d["n"], d["window"], d["min"]
    if lang == "zh":
        u = _unit(d)
        return f"{num(w)} 秒内 {num(n)} {u}{what}{cats}，阈值 {num(m)} {u}"
    return f"{num(n)} {what}{cats} in {num(w)}s (threshold {num(m)})"


def _ratio(d: Description, lang: Lang) -> str:
    what, cats = _signal(d, lang), _categories(d, lang)
    of = SIGNALS[lang].get(str(d["of"]), str(d["of"]))
    n, total, pct, w, m = d["n"], d["total"], d["pct"], d["window"], d["min_pct"]
    if lang == "zh":
        u, ou = _unit(d), _ZH_UNIT.get(str(d["of"]), "次")
        return (
            f"{num(w)} 秒内{what}{cats} {num(n)} {u}，"
            f"占{of} {num(total)} {ou}的 {num(pct)}%，阈值 {num(m)}%"
        )
    return (
        f"{num(n)} {what}{cats} of {num(total)} {of} ({num(pct)}%) in {num(w)}s"
        f" (threshold {num(m)}%)"
    )


def _rate(d: Description, lang: Lang) -> str:
    what, cats = _signal(d, lang), _categories(d, lang)
    rate, base, x, m = d["rate"], d["baseline"], d["factor"], d["min_factor"]
    if lang == "zh":
        u = _unit(d)
        return (
            f"{what}{cats}速率 {num(rate)} {u}/秒，"
            f"为常态 {num(base)} {u}/秒的 {num(x)} 倍，阈值 {num(m)} 倍"
        )
    return f"{what}{cats} at {num(rate)}/s, {num(x)}x the usual {num(base)}/s (threshold {num(m)}x)"


def _drop(d: Description, lang: Lang) -> str:
    what, peak, last, pct, w = (
        _metric(str(d["metric"]), lang),
        d["peak"],
        d["last"],
        d["pct"],
        d["window"],
    )
    if lang == "zh":
        return f"{what} {num(w)} 秒内从 {num(peak)} 降至 {num(last)}，下降 {num(pct)}%"
    return f"{what} fell from {num(peak)} to {num(last)} within {num(w)}s (-{num(pct)}%)"


def _threshold(d: Description, lang: Lang) -> str:
    held = d["for"]
    if d.get("signal") == "stream":
        value = d.get("value")
        state = "?" if value is None else num(value)
        state = STREAM_STATES[lang].get(state, state)
        if lang == "zh":
            return f"推流状态：{state}，已持续 {num(held)} 秒"
        return f"stream {state} for {num(held)}s"
    what, op = _metric(str(d.get("metric") or ""), lang), OPS[lang].get(str(d["op"]), str(d["op"]))
    now = "?" if d.get("value") is None else num(d["value"])
    if lang == "zh":
        return f"{what}{op} {num(d['threshold'])}（当前 {now}），已持续 {num(held)} 秒"
    return f"{what} {op} {num(d['threshold'])} (now {now}) for {num(held)}s"


def _absence(d: Description, lang: Lang) -> str:
    what, quiet, m = _signal(d, lang), d["for"], d["min"]
    if lang == "zh":
        return f"已 {num(quiet)} 秒没有{what}，阈值 {num(m)} 秒"
    return f"no {what} for {num(quiet)}s (threshold {num(m)}s)"


def _combined(d: Description, lang: Lang) -> str:
    parts = []
    for part in d.get("of") or ():
        text = render(part, lang)
        nested = part.get("kind") in ("all", "any") and len(part.get("of") or ()) > 1
        parts.append(f"（{text}）" if nested and lang == "zh" else f"({text})" if nested else text)
    if lang == "zh":
        sep = "；且 " if d["kind"] == "all" else "；或 "
    else:
        sep = "; and " if d["kind"] == "all" else "; or "
    return sep.join(parts)


# The fields each kind needs; a description without them renders as '' (in i18n.js too).
REQUIRED: dict[str, tuple[str, ...]] = {
    "count": ("signal", "n", "window", "min"),
    "ratio": ("signal", "of", "n", "total", "pct", "window", "min_pct"),
    "rate": ("signal", "rate", "baseline", "factor", "min_factor"),
    "drop": ("metric", "peak", "last", "pct", "window"),
    "threshold": ("op", "threshold", "for"),
    "absence": ("signal", "for", "min"),
    "all": ("of",),
    "any": ("of",),
}
_RENDER = {
    "count": _count,
    "ratio": _ratio,
    "rate": _rate,
    "drop": _drop,
    "threshold": _threshold,
    "absence": _absence,
    "all": _combined,
    "any": _combined,
}


def render(d: Description, lang: Lang = "zh") -> str:
    """Return a condition's description as a sentence in a language ('' for an unknown kind)."""
    if not isinstance(d, dict):
        return ""
    kind = str(d.get("kind", ""))
    fn = _RENDER.get(kind)
    if fn is None or any(d.get(k) is None for k in REQUIRED[kind]):
        return ""
    try:
        return fn(d, lang)
    except (AttributeError, KeyError, TypeError, ValueError):
        return ""  # a description from another version: the plain summary still shows
