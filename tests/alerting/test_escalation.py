"""Ladders and the escalator on a manual clock: deadlines, levels, repeats, exactly once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from pydantic import TypeAdapter

from alerts.clock import ManualClock
from alerts.escalation import PROGRESS, EscalationLadder, Escalator, Router
from alerts.manager import AlertManager
from alerts.metrics import AlertMetrics
from alerts.model import Alert, AlertState, Severity, alert_from_dict, alert_to_dict
from alerts.notify.alertmanager import rfc3339
from alerts.notify.dispatch import OUTBOX, Dispatcher
from alerts.notify.render import LATE_AFTER
from alerts.store.memory import MemoryStore
from alerts.store.redis import RedisStore
from config.notify import EscalationConfig, LadderConfig, NotifierConfig
from tests.alerting.helpers import make_plan, trigger
from tests.alerting.receiver import Capture, capture_server
from tests.alerting.rig import pipeline

LADDERS = {
    "ladders": [
        {
            "id": "standard",
            "levels": [{"after": 0, "notify": ["sup"]}, {"after": 30, "notify": ["boss"]}],
            "repeat": {"every": 60, "backoff": 2, "max_interval": 200, "max_times": 3},
        },
        {"id": "urgent", "levels": [{"after": 0, "notify": ["boss"]}], "repeat": {"max_times": 0}},
    ],
    "default_ladder": "standard",
    "routes": [{"match": {"teams": ["tech"], "severities": ["critical"]}, "ladder": "urgent"}],
}


def test_ladder_steps_repeat_with_backoff_capped_and_bounded() -> None:
    ladder = EscalationLadder(LadderConfig.model_validate(LADDERS["ladders"][0]))
    steps = [ladder.step(1000.0, i) for i in range(6)]
    assert [(s.at, s.level, s.reason.value, s.notify) for s in steps if s] == [
        (1000.0, 1, "escalation", ("sup",)),
        (1030.0, 2, "escalation", ("boss",)),
        (1090.0, 2, "repeat", ("boss",)),  # +60
        (1210.0, 2, "repeat", ("boss",)),  # +120
        (1410.0, 2, "repeat", ("boss",)),  # +240 capped at 200
    ]
    assert steps[5] is None
    # a long outage: every level in order, the missed repeats collapsed into the latest one
    assert [s.index for s in ladder.due_steps(1000.0, 0, 1300.0)] == [0, 1, 3]
    assert [s.index for s in ladder.due_steps(1000.0, 2, 1210.0)] == [3]  # due at exactly now
    assert ladder.due_steps(1000.0, 4, 1300.0) == []


def test_every_step_pings_its_levels_people_and_repeats_follow_the_last_level() -> None:
    ladder = EscalationLadder(
        LadderConfig.model_validate(
            {
                "id": "three",
                "levels": [
                    {"after": 0, "notify": ["sup"]},
                    {"after": 30, "notify": ["sup"], "mention": ["team_supervisors"]},
                    {"after": 90, "notify": ["boss"], "mention": ["everyone"], "people": ["li"]},
                ],
                "repeat": {"every": 60, "max_times": 1},
            }
        )
    )
    second, third, repeat = (ladder.step(1000.0, i) for i in (1, 2, 3))
    assert second is not None and (second.mention, second.people) == (("team_supervisors",), ())
    assert third is not None and (third.mention, third.people) == (("everyone",), ("li",))
    # The repeat reminds the last level's people, a period after the last level's time.
    assert repeat is not None and (repeat.at, repeat.notify) == (1150.0, ("boss",))
    assert (repeat.mention, repeat.people) == (("everyone",), ("li",))


def test_router_prefers_the_plan_then_routes_then_default() -> None:
    router = Router(EscalationConfig.model_validate(LADDERS))
    tech = Alert("1", "f", "r", "p", "n", Severity.CRITICAL, "", AlertState.FIRING, 0.0, 0.0)
    tech = tech.evolve(labels={"team": "tech"})
    ops = tech.evolve(id="2", labels={"team": "ops"})
    assert router.ladder_for(tech).id == "urgent"
    assert router.ladder_for(ops).id == "standard"
    assert router.ladder_for(ops, "urgent").id == "urgent"
    assert Router(EscalationConfig()).ladder_for(ops).id == "default"


def test_a_route_matches_only_when_every_field_it_names_fits() -> None:
    ids = ("rooms", "teams", "severities", "plans", "labels", "last", "fallback")
    router = Router(
        EscalationConfig.model_validate(
            {
                "ladders": [{"id": i, "levels": [{}]} for i in ids],
                "default_ladder": "fallback",
                "routes": [
                    {"match": {"rooms": ["r1"], "teams": ["tech"]}, "ladder": "rooms"},
                    {"match": {"teams": ["tech"]}, "ladder": "teams"},
                    {"match": {"severities": ["critical"]}, "ladder": "severities"},
                    {"match": {"plans": ["p9"]}, "ladder": "plans"},
                    {"match": {"labels": {"shop": "a", "line": "1"}}, "ladder": "labels"},
                    {"match": {"rooms": ["r5"]}, "ladder": "last"},
                ],
            }
        )
    )
    base = Alert("1", "f", "r0", "p0", "n", Severity.WARNING, "", AlertState.FIRING, 0.0, 0.0)

    def ladder(**changes: Any) -> str:
        return router.ladder_for(base.evolve(**changes)).id

    assert ladder() == "fallback"
    assert ladder(room="r1") == "fallback"  # the room fits, the team does not
    assert ladder(room="r1", labels={"team": "tech"}) == "rooms"
    assert ladder(labels={"team": "tech"}) == "teams"
    assert ladder(labels={"team": "ops"}) == "fallback"
    assert ladder(severity=Severity.CRITICAL) == "severities"
    assert ladder(plan_id="p9") == "plans"
    assert ladder(labels={"shop": "a", "line": "1"}) == "labels"
    assert ladder(labels={"shop": "a"}) == "fallback"  # every label named must fit
    assert ladder(labels={"shop": "a", "line": "2"}) == "fallback"
    assert ladder(room="r5") == "last"  # past every route that does not fit
    assert router.ladder_for(base, "plans").id == "plans"  # the plan's own ladder first
    # Without ladders: the built-in one, under the configured default's name.
    assert Router(EscalationConfig(default_ladder="basic")).ladder_for(base).id == "basic"


@dataclass
class Rig:
    clock: ManualClock
    store: MemoryStore
    manager: AlertManager
    escalator: Escalator
    dispatcher: Dispatcher
    sup: Capture
    boss: Capture

    async def settle(self, sup: int, boss: int) -> None:
        await self.sup.wait_for(sup, limit=10)
        await self.boss.wait_for(boss, limit=10)

    def reasons(self, cap: Capture) -> list[tuple[str, int]]:
        return [(r.json()["reason"], r.json()["level"]) for r in cap.got]


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    async with capture_server() as sup, capture_server() as boss:
        clock = ManualClock()
        store = MemoryStore()
        plan = make_plan(resolve_deadline=100, resolve={"mode": "manual"})
        crit = make_plan("crit", severity="critical", labels={"team": "tech"})
        manager = AlertManager(store, clock, [plan, crit])
        notifiers = TypeAdapter(list[NotifierConfig]).validate_python(
            [
                {"type": "webhook", "id": "sup", "url": sup.url},
                {"type": "webhook", "id": "boss", "url": boss.url},
            ]
        )
        metrics = AlertMetrics(CollectorRegistry())
        dispatcher = Dispatcher(notifiers, store, metrics, clock)
        router = Router(EscalationConfig.model_validate(LADDERS))
        escalator = Escalator(store, manager, dispatcher, router, clock, metrics)
        await dispatcher.start()
        try:
            yield Rig(clock, store, manager, escalator, dispatcher, sup, boss)
        finally:
            await dispatcher.close()


async def open_alert(rig: Rig, plan_id: str = "burst") -> Alert:
    plan = rig.manager.plan(plan_id)
    assert plan is not None
    alert = await rig.manager.handle(trigger(plan, rig.clock.now()))
    assert alert is not None
    return alert


async def test_not_acked_escalates_level_1_then_2_then_repeats_until_acked(rig: Rig) -> None:
    alert = await open_alert(rig)  # ack deadline 10 s
    rig.clock.advance(9.9)
    assert await rig.escalator.check() == 0
    rig.clock.advance(0.1)
    assert await rig.escalator.check() == 1
    assert await rig.escalator.check() == 0  # same step never twice
    rig.clock.advance(30)
    assert await rig.escalator.check() == 1
    rig.clock.advance(60)
    assert await rig.escalator.check() == 1
    await rig.settle(1, 2)
    assert rig.reasons(rig.sup) == [("escalation", 1)]
    assert rig.reasons(rig.boss) == [("escalation", 2), ("repeat", 2)]
    assert "not acknowledged for 100s" in rig.boss.got[1].json()["detail"]
    await rig.manager.acknowledge(alert.id, "zhang")
    rig.clock.advance(99)
    assert await rig.escalator.check() == 0  # acked: the ack ladder stopped
    current = await rig.store.get_alert(alert.id)
    assert current is not None and current.escalation_level == 2
    assert [h.action for h in current.history].count("escalated") == 3
    steps = [h for h in current.history if h.action == "escalated"]
    # Each step once in its own words, and in a code the console words per language.
    assert [h.detail.split(":")[0] for h in steps] == ["level 1", "level 2", "repeat 1"]
    assert [(h.code, h.args["step"], h.args["n"], h.args["level"]) for h in steps] == [
        ("not_acked", "level", 1, 1),
        ("not_acked", "level", 2, 2),
        ("not_acked", "repeat", 1, 2),
    ]
    assert [h.args["waited"] for h in steps] == [10, 40, 100]
    stored = alert_from_dict(alert_to_dict(current))
    assert stored.history == current.history  # code and values survive the store


async def test_acked_but_not_resolved_escalates_and_resolution_is_notified(rig: Rig) -> None:
    alert = await open_alert(rig)
    rig.clock.advance(5)
    await rig.manager.acknowledge(alert.id, "zhang")  # resolve deadline: 100 s from now
    rig.clock.advance(99.9)
    assert await rig.escalator.check() == 0
    rig.clock.advance(0.1)
    assert await rig.escalator.check() == 1
    await rig.settle(1, 0)
    body = rig.sup.got[0].json()
    assert body["reason"] == "escalation" and "acknowledged by zhang 100s ago" in body["detail"]
    await rig.manager.resolve(alert.id, "zhang")
    assert await rig.escalator.check() == 1
    await rig.settle(2, 0)
    assert rig.reasons(rig.sup) == [("escalation", 1), ("resolved", 0)]
    assert rig.boss.got == []  # boss was never paged, so is not told of the resolution
    assert await rig.escalator.check() == 0


async def test_a_resolution_told_after_an_outage_says_who_and_is_not_a_late_level(
    rig: Rig,
) -> None:
    alert = await open_alert(rig)
    rig.clock.advance(10)
    assert await rig.escalator.check() == 1  # level 1: sup
    await rig.manager.resolve(alert.id, "zhang")
    rig.clock.advance(LATE_AFTER + 60)  # the escalator was down when it was resolved
    assert await rig.escalator.check() == 1
    await rig.settle(2, 0)
    told = rig.sup.got[1].json()
    assert (told["reason"], told["detail"]) == ("resolved", "resolved by zhang (已恢复)")
    assert told["created_at"] == rig.clock.now()
    assert told["mentions"] == [] and told["mention_all"] is False
    # Levels that fell due while down are marked late; a resolution is told as it is.
    assert told["late"] == 0.0 and told["alert"]["resolved_at"] == rig.clock.now() - 60 - LATE_AFTER


async def test_a_step_is_marked_late_from_late_after_past_its_time(rig: Rig) -> None:
    first = await open_alert(rig)
    rig.clock.advance(3)
    plan = rig.manager.plan("burst")
    assert plan is not None
    second = await rig.manager.handle(trigger(plan, rig.clock.now(), group="b"))
    assert second is not None
    rig.clock.advance(7 + LATE_AFTER)  # level 1 fell due LATE_AFTER ago, and 2 s ago
    assert await rig.escalator.check() == 2
    await rig.settle(2, 0)
    late = {r.json()["alert"]["id"]: r.json()["late"] for r in rig.sup.got}
    # A check a moment after the time is no outage: on time, not late.
    assert late == {first.id: LATE_AFTER, second.id: 0.0}


async def test_unresolved_steps_are_recorded_with_who_acknowledged_and_how_late(rig: Rig) -> None:
    alert = await open_alert(rig)
    rig.clock.advance(5)
    await rig.manager.acknowledge(alert.id, "zhang")  # resolve deadline: 100 s from now
    rig.clock.advance(130 + LATE_AFTER)  # level 1 fell due 35 s ago, level 2 LATE_AFTER ago
    assert await rig.escalator.check() == 2
    current = await rig.store.get_alert(alert.id)
    assert current is not None
    steps = [h for h in current.history if h.action == "escalated"]
    # The console words these per language: the code and every value must be there.
    assert [(h.code, h.args) for h in steps] == [
        (
            "not_resolved",
            {"level": 1, "since": 135, "by": "zhang", "late": 35, "step": "level", "n": 1},
        ),
        (
            "not_resolved",
            {"level": 2, "since": 135, "by": "zhang", "late": 5, "step": "level", "n": 2},
        ),
    ]
    assert steps[0].detail == (
        "level 1: acknowledged by zhang 135s ago, not resolved (确认后未处理); "
        "late by 35s (延迟送达)"
    )


async def test_resolving_an_alert_whose_ladder_does_not_tell_resolutions_takes_nothing(
    rig: Rig,
) -> None:
    quiet = {**LADDERS, "ladders": [{**LADDERS["ladders"][0], "notify_resolved": False}]}
    escalator = Escalator(
        rig.store, rig.manager, rig.dispatcher, Router(EscalationConfig.model_validate(quiet)),
        rig.clock, AlertMetrics(CollectorRegistry()),
    )  # fmt: skip
    alert = await open_alert(rig)
    rig.clock.advance(10)
    assert await escalator.check() == 1
    await rig.manager.resolve(alert.id, "zhang")
    assert await escalator.check() == 0  # and the next open alert is still checked
    assert await rig.store.get_items("escalation") == {}
    await rig.settle(1, 0)
    assert rig.reasons(rig.sup) == [("escalation", 1)]


async def test_critical_plans_notify_at_once_and_unack_restarts_the_clock(rig: Rig) -> None:
    alert = await open_alert(rig, "crit")  # team tech + critical -> urgent ladder (boss)
    assert await rig.escalator.check() == 1
    await rig.settle(0, 1)
    assert rig.reasons(rig.boss) == [("first_fire", 1)]
    await rig.manager.acknowledge(alert.id, "zhang")
    rig.clock.advance(8)
    await rig.manager.unacknowledge(alert.id, "zhang")  # the ack clock restarts: 10 s
    rig.clock.advance(9)
    assert await rig.escalator.check() == 0
    rig.clock.advance(1)
    assert await rig.escalator.check() == 1
    await rig.settle(0, 2)
    assert rig.reasons(rig.boss) == [("first_fire", 1), ("escalation", 1)]


async def test_two_escalators_sharing_a_store_send_each_step_once(rig: Rig) -> None:
    other = Escalator(
        rig.store, rig.manager, rig.dispatcher, Router(EscalationConfig.model_validate(LADDERS)),
        rig.clock, AlertMetrics(CollectorRegistry()),
    )  # fmt: skip
    await open_alert(rig)
    rig.clock.advance(40)
    # both levels came due during the outage: each sent once, in order, by one of the two
    assert await rig.escalator.check() + await other.check() == 2
    assert await rig.escalator.check() + await other.check() == 0
    await rig.settle(1, 1)
    assert rig.reasons(rig.sup) == [("escalation", 1)]
    assert rig.reasons(rig.boss) == [("escalation", 2)]
    late = rig.sup.got[0].json()
    assert late["late"] == 30.0 and "late by 30s" in late["detail"]  # due at the deadline
    assert rig.boss.got[0].json()["late"] == 0.0  # level 2 fell due just now


@pytest.mark.redis
async def test_two_escalators_checking_at_the_same_moment_note_each_step_once(
    redis_url: str,
) -> None:
    # On Redis every store call yields, so both checks read the steps' history marks before
    # either deletes them; each step must still be noted once.
    clock = ManualClock()
    store = RedisStore.from_url(redis_url, prefix="esc-race")
    try:
        plan = make_plan()
        manager = AlertManager(store, clock, [plan])
        metrics = AlertMetrics(CollectorRegistry())
        dispatcher = Dispatcher([], store, metrics, clock)
        router = Router(EscalationConfig.model_validate(LADDERS))
        pair = [Escalator(store, manager, dispatcher, router, clock, metrics) for _ in range(2)]
        alert = await manager.handle(trigger(plan, clock.now()))
        assert alert is not None
        clock.advance(40)  # the ack deadline (10 s) and level 2 (30 s later) passed
        assert sum(await asyncio.gather(*(e.check() for e in pair))) == 2
        stored = await store.get_alert(alert.id)
    finally:
        await store.close()
    assert stored is not None
    steps = [h.detail.split(":")[0] for h in stored.history if h.action == "escalated"]
    assert steps == ["level 1", "level 2"]


async def test_silenced_alerts_wait_and_escalate_once_the_silence_ends(rig: Rig) -> None:
    alert = await open_alert(rig)
    silence = await rig.manager.silences.add(
        now=rig.clock.now(), room="r", plan_id="", starts_at=None,
        ends_at=rig.clock.now() + 300, created_by="boss", comment="维护",
    )  # fmt: skip
    rig.clock.advance(20)
    assert await rig.escalator.check() == 0
    await rig.manager.silences.expire(silence.id, now=rig.clock.now(), actor="boss")
    assert await rig.escalator.check() == 1
    await rig.settle(1, 0)
    assert (await rig.store.get_alert(alert.id)).escalation_level == 1  # type: ignore[union-attr]


async def test_steps_of_several_alerts_in_one_check_are_all_counted(rig: Rig) -> None:
    plan = rig.manager.plan("burst")
    assert plan is not None
    alerts = [await rig.manager.handle(trigger(plan, rig.clock.now(), group=g)) for g in "ab"]
    rig.clock.advance(10)
    assert await rig.escalator.check() == 2  # each alert's level 1
    for alert in alerts:
        assert alert is not None
        await rig.manager.resolve(alert.id, "zhang")
    assert await rig.escalator.check() == 2  # each resolution told
    await rig.settle(4, 0)


async def test_a_plan_silence_mutes_that_plan_only_and_keeps_its_ladder(rig: Rig) -> None:
    muted = await open_alert(rig)  # burst: sup when not acknowledged in 10 s, boss 30 s later
    rig.clock.advance(10)
    assert await rig.escalator.check() == 1
    await rig.manager.silences.add(
        now=rig.clock.now(), room="", plan_id="burst", starts_at=None,
        ends_at=rig.clock.now() + 300, created_by="boss", comment="维护",
    )  # fmt: skip
    other = await open_alert(rig, "crit")  # critical: boss at once; not silenced
    assert await rig.escalator.check() == 1
    await rig.manager.resolve(other.id, "zhang")
    rig.clock.advance(30)  # the muted alert's level 2 falls due
    # The resolution is told; the muted alert neither escalates nor counts as resolved.
    assert await rig.escalator.check() == 1
    await rig.settle(1, 2)
    assert rig.reasons(rig.sup) == [("escalation", 1)]
    assert rig.reasons(rig.boss) == [("first_fire", 1), ("resolved", 0)]
    current = await rig.store.get_alert(muted.id)
    assert current is not None and current.escalation_level == 1
    # Its ladder goes on where it stopped once the silence is lifted.
    for silence in await rig.manager.silences.all():
        await rig.manager.silences.expire(silence.id, now=rig.clock.now(), actor="boss")
    assert await rig.escalator.check() == 1
    await rig.settle(1, 3)
    assert rig.reasons(rig.boss)[-1] == ("escalation", 2)


async def test_a_muted_alert_does_not_hold_up_the_alerts_checked_after_it(rig: Rig) -> None:
    crit, burst = rig.manager.plan("crit"), rig.manager.plan("burst")
    assert crit is not None and burst is not None
    # A muted alert between two others, whichever order the store lists them in.
    for plan, group in ((crit, "a"), (burst, ""), (crit, "b")):
        rig.clock.advance(1)
        assert await rig.manager.handle(trigger(plan, rig.clock.now(), group=group)) is not None
    await rig.manager.silences.add(
        now=rig.clock.now(), room="", plan_id="burst", starts_at=None,
        ends_at=rig.clock.now() + 300, created_by="boss", comment="维护",
    )  # fmt: skip
    assert await rig.escalator.check() == 2  # the two critical alerts' at-once notes
    await rig.settle(0, 2)


async def test_every_critical_alert_notifies_at_once_each_time_it_opens(rig: Rig) -> None:
    plan = rig.manager.plan("crit")
    assert plan is not None
    first = await rig.manager.handle(trigger(plan, rig.clock.now(), group="a"))
    second = await rig.manager.handle(trigger(plan, rig.clock.now(), group="b"))
    assert first is not None and second is not None
    assert await rig.escalator.check() == 2
    await rig.manager.resolve(first.id, "zhang")
    assert await rig.escalator.check() == 1  # its resolution
    rig.clock.advance(5)
    reopened = await rig.manager.handle(trigger(plan, rig.clock.now(), group="a"))
    assert reopened is not None and reopened.id == first.id
    assert await rig.escalator.check() == 1  # a new opening: told at once again
    await rig.settle(0, 4)
    assert [r for r in rig.reasons(rig.boss) if r[0] == "first_fire"] == [("first_fire", 1)] * 3
    body = rig.boss.got[0].json()
    assert "level 1: critical plan: notify at once (严重告警立即通知)" in body["detail"]
    current = await rig.store.get_alert(first.id)
    assert current is not None
    [noted, *_] = [h for h in current.history if h.action == "escalated"]
    assert (noted.code, noted.args) == ("at_once", {"level": 1, "severity": "critical"})


async def test_the_resolve_ladder_starts_at_its_first_level_after_the_ack_ladder(
    rig: Rig,
) -> None:
    alert = await open_alert(rig)
    rig.clock.advance(40)  # not acknowledged: level 1 (sup) and level 2 (boss)
    assert await rig.escalator.check() == 2
    await rig.manager.acknowledge(alert.id, "zhang")  # resolve deadline: 100 s from now
    rig.clock.advance(100)
    assert await rig.escalator.check() == 1  # the resolve ladder's level 1, not its level 3
    await rig.settle(2, 1)
    assert rig.reasons(rig.sup) == [("escalation", 1), ("escalation", 1)]
    assert "acknowledged by zhang 100s ago" in rig.sup.got[1].json()["detail"]
    # Each step is counted by room, plan and level, and its notification shows that level.
    counted = rig.escalator._metrics.escalations
    assert [counted.labels("r", "burst", lv)._value.get() for lv in ("1", "2")] == [2, 1]
    assert [r.json()["alert"]["escalation_level"] for r in rig.boss.got] == [2]


async def test_an_at_once_note_taken_by_another_instance_is_not_taken_again(rig: Rig) -> None:
    other = Escalator(
        rig.store, rig.manager, rig.dispatcher, Router(EscalationConfig.model_validate(LADDERS)),
        rig.clock, AlertMetrics(CollectorRegistry()),
    )  # fmt: skip
    alert = await open_alert(rig, "crit")
    assert await rig.escalator.check() == 1
    assert await other.check() == 0  # the progress the first one saved says it was sent
    assert list(await rig.store.get_items("escalation")) == [alert.id]
    await rig.settle(0, 1)


def seconds_until(rfc: str) -> float:
    return datetime.fromisoformat(rfc.replace("Z", "+00:00")).timestamp() - time.time()


async def test_alertmanager_keeps_getting_an_open_alert_until_it_is_resolved() -> None:
    """Refreshes every resend_every while open, once per period across two escalators."""
    async with capture_server() as am:
        clock = ManualClock()
        store = MemoryStore()
        crit = make_plan("crit", severity="critical", resolve={"mode": "manual"}, ack_deadline=3600)
        manager = AlertManager(store, clock, [crit])
        notifiers = TypeAdapter(list[NotifierConfig]).validate_python(
            [{"type": "alertmanager", "id": "am", "url": am.url, "resend_every": 60}]
        )
        ladders = {
            "ladders": [{"id": "am", "at_once": ["critical"], "levels": [{"notify": ["am"]}]}],
            "default_ladder": "am",
        }
        metrics = AlertMetrics(CollectorRegistry())
        dispatcher = Dispatcher(notifiers, store, metrics, clock)
        router = Router(EscalationConfig.model_validate(ladders))
        # Two escalators on one store: two instances, each refresh still sent once.
        one = Escalator(store, manager, dispatcher, router, clock, metrics)
        two = Escalator(store, manager, dispatcher, router, clock, metrics)
        await dispatcher.start()
        try:
            alert = await manager.handle(trigger(crit, clock.now()))
            assert alert is not None
            await one.check()
            await am.wait_for(1)
            [first] = am.got[0].json()
            assert first["annotations"]["reason"] == "first_fire"
            assert 235 < seconds_until(first["endsAt"]) <= 240  # active for 4 periods (wall clock)
            clock.advance(59)
            assert await one.check() + await two.check() == 0
            clock.advance(1)
            assert await one.check() + await two.check() == 1
            assert await one.check() + await two.check() == 0  # once per period
            await manager.acknowledge(alert.id, "zhang")  # acknowledged is still open
            assert await two.check() + await one.check() == 1  # the acknowledgement, at once
            assert await two.check() + await one.check() == 0
            clock.advance(60)
            assert await two.check() + await one.check() == 1
            await am.wait_for(4)
            reasons = [r.json()[0]["annotations"]["reason"] for r in am.got]
            assert reasons == ["first_fire", "refresh", "refresh", "refresh"]
            acked, ended = am.got[2].json()
            assert acked["labels"]["acknowledged"] == "true"
            assert acked["annotations"]["acknowledged_by"] == "zhang"
            assert ended["labels"] == {**acked["labels"], "acknowledged": "false"}
            assert seconds_until(ended["endsAt"]) <= 1  # the unacknowledged one ends now
            assert 235 < seconds_until(am.got[3].json()[0]["endsAt"]) <= 240
            await manager.resolve(alert.id, "zhang")
            clock.advance(600)
            await one.check()
            await two.check()
            await am.wait_for(5)
            [last] = am.got[4].json()
            assert last["annotations"]["reason"] == "resolved"
            assert last["labels"]["acknowledged"] == "true"  # the label set that was active
            assert last["endsAt"] == rfc3339(clock.now() - 600)
            assert len(am.got) == 5  # nothing after the resolution
        finally:
            await dispatcher.close()


async def test_every_open_alert_escalates_however_many_are_open() -> None:
    # More open alerts than the store lists by default (500): the oldest must escalate too.
    clock = ManualClock()
    store = MemoryStore()
    plan = make_plan()
    manager = AlertManager(store, clock, [plan])
    metrics = AlertMetrics(CollectorRegistry())
    dispatcher = Dispatcher([], store, metrics, clock)
    router = Router(EscalationConfig.model_validate(LADDERS))
    escalator = Escalator(store, manager, dispatcher, router, clock, metrics)
    opened = []
    for n in range(501):
        alert = await manager.handle(trigger(plan, clock.now(), group=f"g{n}"))
        assert alert is not None
        opened.append(alert.id)
        clock.advance(0.01)
    clock.advance(10)  # every ack deadline passed: each alert's level 1 falls due
    assert await escalator.check() == 501
    oldest = await store.get_alert(opened[0])
    assert oldest is not None and oldest.escalation_level == 1


async def test_an_at_once_notification_pings_its_levels_roles_and_people() -> None:
    ladders = {
        "ladders": [
            {
                "id": "loud",
                "levels": [
                    {
                        "notify": ["hook"],
                        "mention": ["room_controllers", "everyone"],
                        "people": ["li"],
                    }
                ],
            }
        ],
        "default_ladder": "loud",
    }
    people = {
        "users": [
            {"id": "zhang", "name": "张伟", "role": "controller", "rooms": ["r"]},
            {"id": "li", "name": "李娜", "role": "supervisor", "mobile": "13800000002"},
        ]
    }
    clock = ManualClock()
    plan = make_plan("crit", severity="critical")
    async with capture_server() as hook:
        p = pipeline(
            MemoryStore(), clock, [plan], [{"type": "webhook", "id": "hook", "url": hook.url}],
            ladders, people,
        )  # fmt: skip
        await p.dispatcher.start()
        try:
            await p.fire(plan, "r")
            assert await p.escalator.check() == 1
            await hook.wait_for(1)
        finally:
            await p.dispatcher.close()
    [body] = [r.json() for r in hook.got]
    assert body["reason"] == "first_fire"
    assert [m["name"] for m in body["mentions"]] == ["张伟", "李娜"]
    assert body["mentions"][1]["mobile"] == "13800000002"
    assert body["mention_all"] is True


async def test_an_at_once_note_is_noted_before_the_levels_taken_in_the_same_check(
    rig: Rig,
) -> None:
    alert = await open_alert(rig, "crit")  # urgent ladder: boss at once, and when not acked
    rig.clock.advance(10)  # first checked once its ack deadline passed too (after a restart)
    assert await rig.escalator.check() == 2
    current = await rig.store.get_alert(alert.id)
    assert current is not None
    steps = [h for h in current.history if h.action == "escalated"]
    assert [(h.code, h.args["level"]) for h in steps] == [("at_once", 1), ("not_acked", 1)]
    await rig.settle(0, 2)
    assert rig.reasons(rig.boss) == [("first_fire", 1), ("escalation", 1)]


class ClaimCounter(MemoryStore):
    """A memory store that lists the step keys it was asked to claim."""

    def __init__(self) -> None:
        super().__init__()
        self.claimed: list[str] = []

    async def claim_with_items(self, key: str, ttl: float, items: Any) -> bool:
        self.claimed.append(key.split(":")[2])
        return await super().claim_with_items(key, ttl, items)


async def test_a_check_with_nothing_due_asks_the_store_for_no_claim() -> None:
    # Every open alert is checked every second: a step sent (an at-once note, a refresh, an
    # acknowledgement) is remembered, not claimed again and refused at every check.
    async with capture_server() as am:
        clock = ManualClock()
        store = ClaimCounter()
        crit = make_plan("crit", severity="critical", resolve={"mode": "manual"}, ack_deadline=3600)
        ladders = {
            "ladders": [{"id": "am", "at_once": ["critical"], "levels": [{"notify": ["am"]}]}],
            "default_ladder": "am",
        }
        notifiers = [{"type": "alertmanager", "id": "am", "url": am.url, "resend_every": 60}]
        p = pipeline(store, clock, [crit], notifiers, ladders)
        await p.dispatcher.start()
        try:
            alert = await p.fire(crit, "r")
            assert await p.escalator.check() == 1
            assert await p.escalator.check() == 0
            await p.manager.acknowledge(alert.id, "zhang")
            assert await p.escalator.check() == 1
            assert await p.escalator.check() == 0
            clock.advance(60)
            assert await p.escalator.check() == 1
            clock.advance(1)
            assert await p.escalator.check() == 0
            assert store.claimed == ["fire", "ackstate", "refresh"]
            await p.manager.resolve(alert.id, "zhang")
            assert await p.escalator.check() == 1
            assert await p.escalator.check() == 0
            assert store.claimed == ["fire", "ackstate", "refresh", "resolved"]
            await am.wait_for(4)
        finally:
            await p.dispatcher.close()


class PausedRead(MemoryStore):
    """A memory store whose next read of a kind of items waits, with what it read, for `go`."""

    def __init__(self) -> None:
        super().__init__()
        self.pause = ""
        self.paused = asyncio.Event()
        self.go = asyncio.Event()

    async def get_items(self, kind: str) -> dict[str, dict[str, Any]]:
        items = await super().get_items(kind)
        if kind == self.pause:
            self.pause = ""
            self.paused.set()
            await self.go.wait()
        return items


async def test_an_at_once_note_two_instances_race_for_still_tells_its_resolution() -> None:
    clock = ManualClock()
    store = PausedRead()
    plan = make_plan("crit", severity="critical", resolve={"mode": "manual"}, ack_deadline=3600)
    ladders = {
        "ladders": [{"id": "one", "levels": [{"notify": ["boss"]}]}],
        "default_ladder": "one",
    }
    async with capture_server() as boss:
        notifiers = [{"type": "webhook", "id": "boss", "url": boss.url}]
        one = pipeline(store, clock, [plan], notifiers, ladders)
        two = pipeline(store, clock, [plan], notifiers, ladders, manager=one.manager)
        await one.dispatcher.start()
        await two.dispatcher.start()
        try:
            alert = await one.fire(plan, "r")
            # One instance reads the progress, then the other takes the at-once note.
            store.pause = PROGRESS
            slow = asyncio.create_task(one.escalator.check())
            await store.paused.wait()
            assert await two.escalator.check() == 1
            store.go.set()
            assert await slow == 0  # claimed by the other: not sent twice
            assert list(await store.get_items(PROGRESS)) == [alert.id]
            await one.manager.resolve(alert.id, "zhang")
            assert await one.escalator.check() == 1  # whoever was told hears it resolved
            await boss.wait_for(2)
        finally:
            await one.dispatcher.close()
            await two.dispatcher.close()
    assert [r.json()["reason"] for r in boss.got] == ["first_fire", "resolved"]


async def test_each_check_claims_only_the_steps_that_fell_due_since_the_last() -> None:
    # The progress kept in the store says how far each ladder went: a check does not walk
    # it again from the start and leave every step it took before to be refused by its claim.
    clock = ManualClock()
    store = ClaimCounter()
    burst, crit = make_plan(), make_plan("crit", severity="critical", labels={"team": "tech"})
    p = pipeline(store, clock, [burst, crit], [], LADDERS)
    await p.fire(crit, "r")  # urgent: told at once, then level 1 when not acknowledged
    await p.fire(burst, "r")  # standard: levels 1 and 2, then repeats
    for advance, due in ((0, 1), (10, 2), (30, 1), (60, 1), (120, 1)):
        clock.advance(advance)
        before = len(store.claimed)
        assert await p.escalator.check() == due
        assert await p.escalator.check() == 0
        assert len(store.claimed) == before + due


async def test_a_plans_own_ladder_wins_and_an_alert_whose_plan_is_gone_still_escalates() -> None:
    clock = ManualClock()
    store = MemoryStore()
    own = make_plan("own", escalation="urgent")  # one level, no repeats; else `standard`
    burst = make_plan()
    p = pipeline(store, clock, [own, burst], [], LADDERS)
    await p.fire(own, "r")
    clock.advance(40)  # past the ack deadline and what would be the standard ladder's level 2
    assert await p.escalator.check() == 1
    # A plan taken out of the config (then a restart): its open alert still escalates, on
    # the ladder the routes give it.
    await p.fire(burst, "r")
    gone = pipeline(store, clock, [own], [], LADDERS)
    clock.advance(40)
    assert await gone.escalator.check() == 2


async def test_alertmanager_hears_an_acknowledgement_and_its_withdrawal_at_once() -> None:
    crit = make_plan("crit", severity="critical", resolve={"mode": "manual"}, ack_deadline=3600)
    ladders = {
        "ladders": [
            {"id": "all", "at_once": ["critical"], "levels": [{"notify": ["hook", "slow", "am"]}]}
        ],
        "default_ladder": "all",
    }
    clock = ManualClock()
    store = MemoryStore()
    async with capture_server() as hook, capture_server() as slow, capture_server() as am:
        notifiers = [
            {"type": "webhook", "id": "hook", "url": hook.url},  # never re-sent: no refresh
            {"type": "alertmanager", "id": "slow", "url": slow.url, "resend_every": 60},
            {"type": "alertmanager", "id": "am", "url": am.url, "resend_every": 1},
        ]
        p = pipeline(store, clock, [crit], notifiers, ladders)
        alert = await p.fire(crit, "r")
        assert await p.escalator.check() == 1  # told at once: to all three
        await p.manager.acknowledge(alert.id, "zhang")
        clock.advance(1)
        assert await p.escalator.check() == 3  # the acknowledgement to both, am's refresh
        clock.advance(0.5)
        assert await p.escalator.check() == 0  # one refresh a period
        await p.manager.unacknowledge(alert.id, "zhang")
        assert await p.escalator.check() == 2  # its withdrawal, at once
        clock.advance(0.5)
        assert await p.escalator.check() == 1  # am's second period
        # Every queued send carries the time it was queued (the outbox is swept in that order).
        queued = await store.get_items(OUTBOX)
        assert len(queued) == 3 + 3 + 2 + 1
        assert sorted({entry["created_at"] - clock.now() for entry in queued.values()}) == [
            -2,
            -1,
            -0.5,
            0,
        ]
        await p.dispatcher.start()
        try:
            await am.wait_for(5)
            await slow.wait_for(3)
        finally:
            await p.dispatcher.close()
    sent = [r.json()[0] for r in am.got]
    assert [s["annotations"]["detail"] for s in sent] == [
        "level 1: critical plan: notify at once (严重告警立即通知)",
        "acknowledged by zhang (已确认)",
        "still open (告警仍未恢复)",
        "unacknowledged (已取消确认)",
        "still open (告警仍未恢复)",
    ]
    assert [s["labels"]["acknowledged"] for s in sent] == [
        "false",
        "true",
        "true",
        "false",
        "false",
    ]
    assert {s["annotations"]["escalation_level"] for s in sent} == {"1"}
    told = [r.json()[0]["annotations"]["detail"].split(" (")[0] for r in slow.got]
    assert told == [
        "level 1: critical plan: notify at once",
        "acknowledged by zhang",
        "unacknowledged",
    ]
    assert len(hook.got) == 1
