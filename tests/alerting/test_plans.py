"""Plan conditions on a scripted timeline: counts, ratios, rates, drops, durations, absences."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alerts.model import Signal, SignalKind
from alerts.plans import Plan, PlanEngine, PlanTrigger
from config.plans import PlanConfig

T0 = 1_700_000_000.0


def plan(when: dict[str, Any], **extra: Any) -> Plan:
    return Plan.from_config(
        PlanConfig.model_validate({"id": "p", "name": "测试", "when": when, **extra})
    )


def sig(kind: str, t: float, *, room: str = "r", **kw: Any) -> Signal:
    return Signal(room, T0 + t, SignalKind(kind), **kw)


def fired(triggers: list[PlanTrigger]) -> list[PlanTrigger]:
    return [t for t in triggers if t.firing and not t.refresh and t.summary]


def cleared(triggers: list[PlanTrigger]) -> list[PlanTrigger]:
    return [t for t in triggers if not t.firing]


def test_count_fires_at_the_fifth_and_clears_when_the_window_slides() -> None:
    eng = PlanEngine([plan({"type": "count", "signal": "sensitive", "min": 5, "window": 60})])
    out: list[PlanTrigger] = []
    for i in range(4):
        out += eng.observe(sig("sensitive", i, event_id=f"e{i}"))
    assert fired(out) == []
    got = eng.observe(sig("sensitive", 10, event_id="e4"))
    assert len(fired(got)) == 1 and got[0].summary_data["n"] == 5
    assert got[0].summary == "测试：60 秒内 5 条敏感评论，阈值 5 条"
    # a sixth flagged comment is grouped into the firing alert, not a new firing
    got = eng.observe(sig("sensitive", 11, event_id="e5"))
    assert len(got) == 1 and got[0].summary == "" and got[0].signals[0].event_id == "e5"
    assert cleared(eng.tick(T0 + 60.5)) == []  # 5 left after the first one expired
    assert len(cleared(eng.tick(T0 + 61.5))) == 1  # 4 left


def test_a_firing_plan_hands_over_the_comments_that_made_it_fire() -> None:
    eng = PlanEngine([plan({"type": "count", "signal": "sensitive", "min": 3, "window": 60})])
    eng.observe(sig("sensitive", 0, event_id="old"))  # out of the window when it fires
    out: list[PlanTrigger] = []
    for i, t in enumerate((70, 80, 90)):
        out += eng.observe(sig("sensitive", t, event_id=f"e{i}"))
    [first] = fired(out)
    assert [s.event_id for s in first.signals] == ["e0", "e1", "e2"]
    got = eng.observe(sig("sensitive", 91, event_id="e3"))  # while firing: just the new one
    assert [s.event_id for s in got[0].signals] == ["e3"]


def test_count_filters_categories() -> None:
    eng = PlanEngine(
        [
            plan(
                {
                    "type": "count",
                    "signal": "sensitive",
                    "category": ["fraud"],
                    "min": 2,
                    "window": 9,
                }
            )
        ]
    )
    assert eng.observe(sig("sensitive", 0, category="abuse")) == []
    assert eng.observe(sig("sensitive", 1, category="abuse")) == []
    eng.observe(sig("sensitive", 2, category="fraud"))
    assert len(fired(eng.observe(sig("sensitive", 3, category="fraud")))) == 1


def test_ratio_needs_the_share_and_the_minimum_total() -> None:
    when = {"type": "ratio", "signal": "negative", "min_ratio": 0.3, "min_total": 20, "window": 120}
    eng = PlanEngine([plan(when)])
    out: list[PlanTrigger] = []
    for i in range(10):  # 10 comments, all negative: 100% but below min_total
        out += eng.observe(sig("comment", i))
        out += eng.observe(sig("negative", i))
    assert fired(out) == []
    for i in range(10, 19):
        out += eng.observe(sig("comment", i))
    assert fired(out) == []
    out = eng.observe(sig("comment", 19))  # 10/20 = 50% of 20
    [got] = fired(out)
    assert (got.summary_data["n"], got.summary_data["total"]) == (10, 20)
    assert "负面评论 10 条，占评论 20 条的 50%" in got.summary


def test_ratio_below_share_does_not_fire() -> None:
    when = {"type": "ratio", "signal": "negative", "min_ratio": 0.3, "min_total": 20, "window": 120}
    eng = PlanEngine([plan(when)])
    out: list[PlanTrigger] = []
    for i in range(100):
        out += eng.observe(sig("comment", i * 0.5))
        if i % 4 == 0:  # 25%
            out += eng.observe(sig("negative", i * 0.5))
    assert fired(out) == []


def test_rate_against_the_rooms_own_baseline() -> None:
    when = {
        "type": "rate",
        "factor": 10,
        "window": 10,
        "warmup": 30,
        "baseline_half_life": 60,
        "min_baseline": 0.1,
        "min_count": 30,
    }
    eng = PlanEngine([plan(when)])
    out: list[PlanTrigger] = []
    t = 0.0
    while t < 120:  # 2 comments per second: the normal of this room
        out += eng.observe(sig("comment", t))
        t += 0.5
    assert fired(out) == []
    storm_start = t
    while t < storm_start + 10:  # 40 per second: 20x
        out += eng.observe(sig("comment", t))
        t += 0.025
    f = fired(out)
    assert len(f) == 1
    assert storm_start + 4 < f[0].ts - T0 < storm_start + 7


def test_rate_does_not_fire_for_a_busy_but_steady_room() -> None:
    when = {"type": "rate", "factor": 10, "window": 10, "warmup": 30, "min_count": 30}
    eng = PlanEngine([plan(when)])
    out: list[PlanTrigger] = []
    for i in range(6000):  # 50 per second, steady from the start
        out += eng.observe(sig("comment", i * 0.02))
    assert fired(out) == []


def test_drop_of_a_metric_within_the_window() -> None:
    when = {
        "type": "drop",
        "metric": "online_viewers",
        "fraction": 0.5,
        "window": 30,
        "min_value": 100,
    }
    eng = PlanEngine([plan(when)])
    values = [1000, 1100, 900, 800, 600, 560]
    out: list[PlanTrigger] = []
    for i, v in enumerate(values):
        out += eng.observe(sig("metric", i * 2, name="online_viewers", value=v))
    assert fired(out) == []  # 560 > 1100 / 2
    got = eng.observe(sig("metric", 12, name="online_viewers", value=540))
    assert len(fired(got)) == 1 and "从 1100 降至 540" in got[0].summary
    # a slow decline over minutes is not a crash
    eng2 = PlanEngine([plan(when)])
    out = []
    v = 1000.0
    for i in range(200):
        v *= 0.99
        out += eng2.observe(sig("metric", i * 2, name="online_viewers", value=v))
    assert fired(out) == []


def test_threshold_with_duration_fires_on_tick_and_clears_on_recovery() -> None:
    when = {"type": "threshold", "signal": "stream", "op": "==", "value": 0, "for": 10}
    eng = PlanEngine([plan(when)])
    assert eng.observe(sig("stream", 0, value=0)) == []
    assert fired(eng.tick(T0 + 9.9)) == []
    got = fired(eng.tick(T0 + 10.0))
    assert len(got) == 1 and got[0].ts == T0 + 10.0
    assert len(cleared(eng.observe(sig("stream", 15, value=1)))) == 1
    # a blip shorter than the duration never fires
    eng.observe(sig("stream", 20, value=0))
    eng.observe(sig("stream", 25, value=1))
    assert fired(eng.tick(T0 + 40)) == []


def test_absence_starts_counting_from_start_for_configured_rooms() -> None:
    eng = PlanEngine([plan({"type": "absence", "for": 30})], rooms=["a", "b"])
    assert eng.tick(T0) == []
    eng.observe(sig("comment", 20, room="a"))
    got = fired(eng.tick(T0 + 30))
    assert [t.room for t in got] == ["b"]
    got = fired(eng.tick(T0 + 50))
    assert [t.room for t in got] == ["a"]
    assert [t.room for t in cleared(eng.observe(sig("metric", 51, room="b", name="x")))] == ["b"]


def test_ticks_for_some_rooms_touch_only_those_and_forget_drops_a_rooms_windows() -> None:
    # Cluster mode: an instance ticks the rooms it leases; a room it gives up is forgotten.
    eng = PlanEngine([plan({"type": "absence", "for": 30})], rooms=["a", "b"])
    assert eng.tick(T0, rooms={"a"}) == []
    assert eng.rooms() == {"a"}  # b's silence clock never started here
    assert [t.room for t in fired(eng.tick(T0 + 31, rooms={"a"}))] == ["a"]
    # b arrives later: its clock starts at the first tick that includes it.
    assert fired(eng.tick(T0 + 40, rooms={"a", "b"})) == []
    eng.forget("a")
    assert eng.rooms() == {"b"}
    assert [t.room for t in fired(eng.tick(T0 + 71, rooms={"b"}))] == ["b"]
    # a comes back: a fresh window (its clock restarts), not the firing state it had before.
    assert fired(eng.tick(T0 + 80, rooms={"a", "b"})) == []
    assert not eng.holding("p", "a")
    assert fired(eng.tick(T0 + 109, rooms={"a", "b"})) == []
    assert [t.room for t in fired(eng.tick(T0 + 111, rooms={"a", "b"}))] == ["a"]


def every_kind_of_plan() -> list[Plan]:
    rate = {"type": "rate", "factor": 3, "window": 10, "warmup": 5, "min_count": 5}
    drop = {"type": "drop", "metric": "online_viewers", "fraction": 0.5, "window": 30}
    whens: list[dict[str, Any]] = [
        {"type": "count", "signal": "sensitive", "min": 3, "window": 60},
        {"type": "ratio", "signal": "negative", "min_ratio": 0.3, "min_total": 5, "window": 60},
        {**rate, "min_baseline": 0.1, "baseline_half_life": 60},
        {**drop, "min_value": 100},
        {"type": "threshold", "signal": "stream", "op": "==", "value": 0, "for": 10},
        {"type": "absence", "for": 20},
        {
            "type": "all",
            "of": [
                {"type": "count", "signal": "sensitive", "min": 2, "window": 60},
                {"type": "any", "of": [{"type": "absence", "signal": "metric", "for": 15}]},
            ],
        },
    ]
    return [
        Plan.from_config(PlanConfig.model_validate({"id": f"p{i}", "name": "测试", "when": w}))
        for i, w in enumerate(whens)
    ]


def timeline(start: float, n: int) -> list[Signal]:
    out: list[Signal] = []
    for i in range(n):
        t = start + i * 0.7
        out.append(sig("comment", t))
        if i % 3 == 0:
            out.append(sig("sensitive", t, event_id=f"s{i}"))
        if i % 4 == 0:
            out.append(sig("negative", t, event_id=f"n{i}"))
        out.append(sig("metric", t, name="online_viewers", value=1000.0 if i < n // 2 else 300.0))
        if i == n // 3:
            out.append(sig("stream", t, value=0))
    return out


def view(triggers: list[PlanTrigger]) -> list[tuple[Any, ...]]:
    return [
        (t.plan.id, t.room, t.group_key, t.firing, t.ts, t.summary, t.signals) for t in triggers
    ]


def test_a_rooms_windows_exported_and_restored_behave_as_the_originals() -> None:
    # A graceful move hands the windows to the next owner: it must go on exactly as if the
    # room had never moved, firing and clearing at the same moments.
    original = PlanEngine(every_kind_of_plan(), rooms=["r"])
    original.tick(T0)
    for s in timeline(0.0, 40):
        original.observe(s)
    original.tick(T0 + 29)
    moved = PlanEngine(every_kind_of_plan(), rooms=["r", "other"])
    assert moved.restore("r", original.export("r")) == original.keys()
    assert moved.rooms() == {"r"}
    for s in timeline(29.0, 60):
        assert view(moved.observe(s)) == view(original.observe(s))
    seen = 0
    for t in (60.0, 75.0, 95.0, 200.0):
        got = view(moved.tick(T0 + t, rooms={"r"}))
        assert got == view(original.tick(T0 + t, rooms={"r"}))
        seen += len(got)
    assert seen  # the timeline does reach changes after the move


def test_restore_skips_windows_of_changed_plans_and_refuses_junk() -> None:
    eng = PlanEngine(every_kind_of_plan(), rooms=["r"])
    for s in timeline(0.0, 10):
        eng.observe(s)
    data = eng.export("r")
    count_only = PlanEngine([plan({"type": "count", "signal": "sensitive", "min": 3, "window": 9})])
    assert count_only.restore("r", data) == 0  # plan ids differ: nothing taken
    renamed = Plan.from_config(
        PlanConfig.model_validate(
            {"id": "p0", "name": "测试", "when": {"type": "absence", "for": 5}}
        )
    )
    assert PlanEngine([renamed]).restore("r", data) == 0  # same id, another shape
    for junk in (b"", b"[]", b'{"v": 1, "room": "x", "keys": []}', b"\xff"):
        with pytest.raises(ValueError):
            eng.restore("r", junk)


def test_all_and_any_combinations() -> None:
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
    eng = PlanEngine([plan(when)])
    out = eng.observe(sig("sensitive", 0)) + eng.observe(sig("sensitive", 1))
    assert fired(out) == []
    out = eng.observe(sig("metric", 2, name="online_viewers", value=5))
    assert len(fired(out)) == 1 and "；且 " in out[0].summary
    assert [p["kind"] for p in out[0].summary_data["of"]] == ["count", "any"]


def test_group_by_user_keeps_one_window_per_user_and_forgets_idle_ones() -> None:
    when = {"type": "count", "signal": "sensitive", "min": 3, "window": 300}
    eng = PlanEngine([plan(when, group_by="user")])
    out: list[PlanTrigger] = []
    for i in range(200):  # 200 users posting once each
        out += eng.observe(sig("sensitive", i * 0.1, user=f"u{i}"))
    assert fired(out) == []
    for i in range(3):
        out = eng.observe(sig("sensitive", 30 + i, user="spammer", event_id=f"s{i}"))
    assert len(fired(out)) == 1 and out[0].group_key == "spammer"
    assert eng.keys() == 201
    eng.tick(T0 + 400)  # windows emptied: per-user state is dropped
    assert eng.keys() == 1  # only the firing-then-cleared spammer... cleared this tick
    eng.tick(T0 + 401)
    assert eng.keys() == 0


def test_group_by_user_is_refused_for_conditions_without_a_user() -> None:
    with pytest.raises(ValueError, match="group_by user"):
        plan({"type": "absence", "for": 5}, group_by="user")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=300).map(float), max_size=80))
def test_count_window_matches_a_brute_force_count(times: list[float]) -> None:
    times = sorted(times)
    p = plan({"type": "count", "signal": "sensitive", "min": 4, "window": 30})
    eng = PlanEngine([p])
    for i, t in enumerate(times):
        eng.observe(sig("sensitive", t))
        expected = sum(1 for x in times[: i + 1] if x > t - 30) >= 4
        assert eng.holding("p", "r") == expected


def shipped_plan(name: str) -> Plan:
    from pathlib import Path

    import yaml

    shipped = Path(__file__).parents[2] / "config" / "plans" / f"{name}.yaml"
    [item] = yaml.safe_load(shipped.read_text())["plans"]
    return Plan.from_config(PlanConfig.model_validate(item))


def stream(t: float, status: str) -> Signal:
    from monitor.detect.base import observe
    from monitor.events import parse_event

    event = {"kind": "stream", "room": "r", "id": f"s{t}", "ts": T0 + t, "status": status}
    return observe(parse_event(event))


def test_a_broadcast_the_host_ends_raises_neither_stream_down_nor_collector_dead() -> None:
    eng = PlanEngine([shipped_plan("stream_down"), shipped_plan("collector_dead")], rooms=["r"])
    eng.tick(T0)
    eng.observe(stream(1, "live"))
    eng.observe(sig("comment", 5))
    eng.observe(stream(10, "ended"))  # the host says goodbye: silence is expected now
    assert fired(eng.tick(T0 + 3600)) == []
    # Live again the next day: the silence clock restarts from the live event.
    eng.observe(stream(90_000, "live"))
    assert fired(eng.tick(T0 + 90_029)) == []
    [dead] = fired(eng.tick(T0 + 90_030))
    assert dead.plan.id == "collector_dead"


def test_an_interrupted_stream_raises_stream_down() -> None:
    eng = PlanEngine([shipped_plan("stream_down")], rooms=["r"])
    eng.observe(stream(0, "live"))
    eng.observe(stream(5, "paused"))  # the push dropped: the platform pauses the room
    assert fired(eng.tick(T0 + 14.9)) == []
    [down] = fired(eng.tick(T0 + 15))
    assert down.plan.id == "stream_down" and down.summary_data["value"] == 0
    assert len(cleared(eng.observe(stream(20, "live")))) == 1


def test_the_ended_flag_of_an_absence_survives_a_handover() -> None:
    when = {"type": "absence", "for": 30, "while_live": True}
    eng = PlanEngine([plan(when)], rooms=["r"])
    eng.tick(T0)
    eng.observe(stream(1, "ended"))
    moved = PlanEngine([plan(when)], rooms=["r"])
    assert moved.restore("r", eng.export("r")) == 1
    assert fired(moved.tick(T0 + 600)) == []
