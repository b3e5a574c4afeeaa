"""An alert's summary: each condition kind explained as data and rendered in Chinese and English."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from alerts.conditions import Condition, compile_condition
from alerts.model import Signal, SignalKind, alert_from_dict, alert_to_dict
from alerts.summary import Description, category_label, num, render
from config.plans import PlanConfig
from tests.contract.test_store_contract import make_alert

T0 = 1_700_000_000.0


def condition(when: dict[str, Any]) -> Condition:
    return compile_condition(
        PlanConfig.model_validate({"id": "p", "name": "测试", "when": when}).when
    )


def explained(when: dict[str, Any], signals: list[Signal], at: float) -> Description:
    """Feed signals to a condition; return its description at `at` (as JSON carries it)."""
    c = condition(when)
    state = c.new_state()
    starter = getattr(c, "start", None)
    if starter is not None:
        starter(state, T0)
    for s in signals:
        c.update(state, s)
    assert c.holds(state, T0 + at)
    data: Description = orjson.loads(orjson.dumps(c.explain(state, T0 + at)))
    return data


def sig(kind: str, t: float, **kw: Any) -> Signal:
    return Signal("r", T0 + t, SignalKind(kind), **kw)


def test_count_with_categories() -> None:
    when = {
        "type": "count",
        "signal": "sensitive",
        "category": ["fraud", "contact_diversion"],
        "min": 3,
        "window": 300,
    }
    d = explained(when, [sig("sensitive", i, category="fraud") for i in range(3)], 3)
    assert d == {
        "kind": "count",
        "signal": "sensitive",
        "categories": ["contact_diversion", "fraud"],
        "n": 3,
        "window": 300,
        "min": 3,
    }
    assert render(d) == "300 秒内 3 条敏感评论（站外导流、诈骗/刷单/赌博），阈值 3 条"
    assert render(d, "en") == (
        "3 sensitive comments (contact diversion, fraud/fake orders/gambling) in 300s (threshold 3)"
    )


def test_ratio() -> None:
    when = {"type": "ratio", "signal": "negative", "min_ratio": 0.3, "min_total": 20, "window": 120}
    signals = [sig("comment", i) for i in range(20)] + [sig("negative", i) for i in range(7)]
    d = explained(when, signals, 20)
    assert (d["n"], d["total"], d["pct"], d["min_pct"], d["of"]) == (7, 20, 35, 30, "comment")
    assert render(d) == "120 秒内负面评论 7 条，占评论 20 条的 35%，阈值 30%"
    assert render(d, "en") == "7 negative comments of 20 comments (35%) in 120s (threshold 30%)"


def test_rate() -> None:
    when = {
        "type": "rate",
        "signal": "comment",
        "factor": 10,
        "window": 10,
        "warmup": 30,
        "min_baseline": 0.2,
        "min_count": 30,
    }
    calm = [sig("comment", t) for t in range(0, 40, 5)]  # one every 5 s: 0.2/s
    storm = [sig("comment", 40 + i * 0.2) for i in range(45)]  # 5/s
    d = explained(when, calm + storm, 49)
    assert d["kind"] == "rate" and d["min_factor"] == 10 and d["factor"] >= 10
    rate, x, base = num(d["rate"]), num(d["factor"]), num(d["baseline"])
    assert render(d) == f"评论速率 {rate} 条/秒，为常态 {base} 条/秒的 {x} 倍，阈值 10 倍"
    assert render(d, "en") == f"comments at {rate}/s, {x}x the usual {base}/s (threshold 10x)"


def test_drop() -> None:
    when = {"type": "drop", "metric": "online_viewers", "fraction": 0.5, "window": 60}
    signals = [sig("metric", 0, name="online_viewers", value=1200)]
    signals.append(sig("metric", 30, name="online_viewers", value=300))
    d = explained(when, signals, 30)
    assert d == {
        "kind": "drop",
        "metric": "online_viewers",
        "peak": 1200,
        "last": 300,
        "pct": 75,
        "window": 60,
    }
    assert render(d) == "在线人数 60 秒内从 1200 降至 300，下降 75%"
    assert render(d, "en") == "online viewers fell from 1200 to 300 within 60s (-75%)"


def test_threshold_on_a_metric_and_on_the_stream() -> None:
    when = {"type": "threshold", "metric": "online_viewers", "op": "<", "value": 20, "for": 300}
    d = explained(when, [sig("metric", 0, name="online_viewers", value=15.5)], 301)
    assert (d["value"], d["threshold"], d["for"]) == (15.5, 20, 301)
    assert render(d) == "在线人数低于 20（当前 15.5），已持续 301 秒"
    assert render(d, "en") == "online viewers below 20 (now 15.5) for 301s"

    when = {"type": "threshold", "signal": "stream", "op": "==", "value": 0, "for": 10}
    d = explained(when, [sig("stream", 0, value=0)], 12)
    assert render(d) == "推流状态：中断，已持续 12 秒"
    assert render(d, "en") == "stream down for 12s"


def test_absence() -> None:
    d = explained({"type": "absence", "signal": "comment", "for": 120}, [sig("comment", 5)], 125)
    assert d == {"kind": "absence", "signal": "comment", "for": 120, "min": 120}
    assert render(d) == "已 120 秒没有评论，阈值 120 秒"
    assert render(d, "en") == "no comments for 120s (threshold 120s)"
    d = explained({"type": "absence", "signal": "any", "for": 30}, [], 31)  # since start
    assert render(d) == "已 31 秒没有事件，阈值 30 秒"


def test_all_lists_every_part_and_any_only_those_that_hold() -> None:
    when = {
        "type": "all",
        "of": [
            {"type": "count", "signal": "sensitive", "min": 2, "window": 60},
            {
                "type": "any",
                "of": [
                    {"type": "count", "signal": "negative", "min": 2, "window": 60},
                    {"type": "threshold", "metric": "online_viewers", "op": "<", "value": 10},
                ],
            },
        ],
    }
    signals = [sig("sensitive", 0), sig("sensitive", 1)]
    signals.append(sig("metric", 2, name="online_viewers", value=5))
    d = explained(when, signals, 2)
    assert d["kind"] == "all" and [p["kind"] for p in d["of"]] == ["count", "any"]
    assert [p["kind"] for p in d["of"][1]["of"]] == [
        "threshold"
    ]  # the negative count does not hold
    assert render(d) == "60 秒内 2 条敏感评论，阈值 2 条；且 在线人数低于 10（当前 5），已持续 0 秒"
    assert render(d, "en") == (
        "2 sensitive comments in 60s (threshold 2); and online viewers below 10 (now 5) for 0s"
    )
    both = {"kind": "any", "of": [d["of"][0], d["of"][0]]}
    assert render({"kind": "all", "of": [both, d["of"][0]]}, "en").startswith("(2 sensitive")


@pytest.mark.parametrize(
    "data", [{}, {"kind": "new_kind"}, {"kind": "count"}, {"kind": "drop", "metric": 1}]
)
def test_a_description_it_cannot_read_renders_empty(data: Description) -> None:
    assert render(data) == "" and render(data, "en") == ""


def test_labels_fall_back_to_the_id() -> None:
    assert category_label("fake") == "假货" and category_label("fake", "en") == "fake goods"
    assert category_label("brand_new") == "brand_new"
    d = {
        "kind": "count",
        "signal": "sensitive",
        "categories": ["x1"],
        "n": 1,
        "window": 5,
        "min": 1,
    }
    assert render(d) == "5 秒内 1 条敏感评论（x1），阈值 1 条"


def test_an_alert_stored_before_summary_data_still_loads() -> None:
    alert = make_alert(1).evolve(summary="旧摘要", summary_data={"kind": "absence"})
    raw = alert_to_dict(alert)
    assert alert_from_dict(raw).summary_data == {"kind": "absence"}
    del raw["summary_data"]
    old = alert_from_dict(raw)
    assert old.summary == "旧摘要" and old.summary_data == {}
