"""Outages and injected faults: every due level once and in order, no claimed step lost,
no robot message posted twice around a restart."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from alerts.clock import ManualClock
from alerts.escalation import MARKS
from alerts.model import AlertState
from alerts.notify.dispatch import DEAD_LETTERS
from alerts.notify.outbox import INSTANCES, OUTBOX
from alerts.store.base import AlertStore, StoreError
from alerts.store.memory import MemoryStore
from alerts.store.redis import RedisStore
from tests.alerting.helpers import make_plan
from tests.alerting.rig import pipeline
from tests.alerting.robots import FakeDingTalk, FakeWeCom, robot_server
from tests.alerting.test_robot_delivery import MEMBERS, note

TWO_LEVELS = {
    "ladders": [
        {
            "id": "two",
            "levels": [
                {"after": 0, "notify": ["ding"], "mention": ["room_controllers"]},
                {"after": 60, "notify": ["wc"], "people": ["wang"]},
            ],
            "repeat": {"every": 60, "max_times": 2},
        }
    ],
    "default_ladder": "two",
}
PEOPLE = {
    "users": [
        {"id": "zhang", "name": "张伟", "rooms": ["r1"], "mobile": "13800000001"},
        {"id": "wang", "name": "王芳", "role": "supervisor", "wecom_userid": "wangfang"},
    ]
}


def robots(ding: str, wc: str) -> list[dict[str, Any]]:
    return [
        {"type": "dingtalk", "id": "ding", "url": ding},
        {"type": "wecom", "id": "wc", "url": wc},
    ]


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[AlertStore]:
    if request.param == "memory":
        yield MemoryStore()
        return
    url = request.getfixturevalue("redis_url")
    redis = RedisStore.from_url(url, prefix="faults")
    await redis.client.flushdb()
    try:
        yield redis
    finally:
        await redis.close()


async def test_an_outage_through_two_deadlines_delivers_both_levels_once_in_order(
    store: AlertStore,
) -> None:
    clock = ManualClock()
    plan = make_plan(ack_deadline=30)
    async with (
        robot_server(FakeDingTalk(clock, MEMBERS)) as ding,
        robot_server(FakeWeCom(clock, MEMBERS)) as wc,
    ):
        first = pipeline(store, clock, [plan], robots(ding.url, wc.url), TWO_LEVELS, PEOPLE)
        await first.dispatcher.start()
        alert = await first.fire(plan, "r1")
        assert await first.escalator.check() == 0
        await first.dispatcher.close()  # down: the ack deadline (30 s) and level 2 (90 s) pass
        clock.advance(100)
        second = pipeline(store, clock, [plan], robots(ding.url, wc.url), TWO_LEVELS, PEOPLE)
        await second.dispatcher.start()
        try:
            assert await second.escalator.check() == 2
            assert await second.escalator.check() == 0
            clock.advance(5)
            assert await second.escalator.check() == 0  # the first repeat is due at 150 s
            assert await ding.wait(lambda r: len(r.shown) == 1)
            assert await wc.wait(lambda r: len(r.shown) == 1)
        finally:
            await second.dispatcher.close()
    [d], [w] = ding.shown, wc.shown
    assert "告警升级 L1·补发" in d.text and "晚了 70 秒" in d.text and d.pinged == {"张伟"}
    assert "告警升级 L2·补发" in w.text and "晚了 10 秒" in w.text and w.pinged == {"王芳"}
    stored = await store.get_alert(alert.id)
    assert stored is not None and stored.escalation_level == 2
    levels = [h.detail.split(":")[0] for h in stored.history if h.action == "escalated"]
    assert levels == ["level 1", "level 2"]  # in order, each once
    assert await store.get_items(OUTBOX) == {}


class FlakyStore(MemoryStore):
    """A memory store whose chosen calls fail: before doing anything, or after (lost reply)."""

    def __init__(self) -> None:
        super().__init__()
        self.fail: dict[str, list[str]] = {}  # method -> ["before" | "after", ...]

    def _trip(self, name: str, when: str) -> None:
        plan = self.fail.get(name)
        if plan and plan[0] == when:
            plan.pop(0)
            raise StoreError(f"injected failure of {name} ({when})")

    async def claim_with_items(self, key: str, ttl: float, items: Any) -> bool:
        self._trip("claim_with_items", "before")
        done = await super().claim_with_items(key, ttl, items)
        self._trip("claim_with_items", "after")
        return done

    async def put_alert(self, alert: Any, *, expect_version: int | None = None) -> None:
        self._trip("put_alert", "before")
        await super().put_alert(alert, expect_version=expect_version)

    async def put_item(self, kind: str, key: str, value: dict[str, Any]) -> None:
        if kind == OUTBOX and value.get("inflight") is not None:
            self._trip("mark_inflight", "before")
        await super().put_item(kind, key, value)

    async def delete_item(self, kind: str, key: str) -> bool:
        if kind == MARKS:
            self._trip("delete_mark", "before")
        return await super().delete_item(kind, key)


@pytest.mark.parametrize(
    ("method", "when"),
    [
        ("claim_with_items", "before"),  # nothing written: the next check takes the step
        ("claim_with_items", "after"),  # written, reply lost: the outbox sweep sends it
        ("put_alert", "before"),  # history not written: noted at the next check
        ("mark_inflight", "before"),  # not posted: the sweep posts it later
        # noted in the history, but its mark stays (as when two instances note it at once):
        # the next check must not note it again
        ("delete_mark", "before"),
    ],
)
async def test_a_store_error_never_loses_a_claimed_step_nor_sends_it_twice(
    method: str, when: str
) -> None:
    clock = ManualClock()
    store = FlakyStore()
    plan = make_plan(ack_deadline=10)
    async with (
        robot_server(FakeDingTalk(clock, MEMBERS)) as ding,
        robot_server(FakeWeCom(clock, MEMBERS)) as wc,
    ):
        p = pipeline(
            store, clock, [plan], robots(ding.url, wc.url), TWO_LEVELS, PEOPLE, sweep_every=0.05
        )
        await p.dispatcher.start()
        try:
            alert = await p.fire(plan, "r1")
            clock.advance(10)
            store.fail[method] = [when]
            with contextlib.suppress(StoreError):  # the loop logs it, checks again next tick
                await p.escalator.check()
            for _ in range(3):
                await p.escalator.check()
            assert await ding.wait(lambda r: len(r.shown) >= 1, limit=5)
            await ding.wait(lambda r: len(r.shown) >= 2, limit=0.3)  # room for a duplicate
        finally:
            await p.dispatcher.close()
    assert len(ding.shown) == 1 and "告警升级 L1" in ding.shown[0].text
    stored = await store.get_alert(alert.id)
    assert stored is not None and stored.state is AlertState.FIRING
    assert [h.action for h in stored.history].count("escalated") == 1
    assert await store.get_items(OUTBOX) == {} and await store.get_items(DEAD_LETTERS) == {}


async def test_a_restart_mid_post_never_posts_a_robot_message_again() -> None:
    clock = ManualClock()
    store = MemoryStore()
    async with robot_server(FakeDingTalk(clock, MEMBERS, hold=2.0)) as ding:
        config = [{"type": "dingtalk", "id": "ding", "url": ding.url, "timeout": 10}]
        first = pipeline(store, clock, [], config, {})
        await first.dispatcher.start()
        await first.dispatcher.submit(note("ding", "k1", "alert-one"))
        await first.dispatcher.submit(note("ding", "k2", "alert-two"))
        assert await ding.wait(lambda r: len(r.shown) == 1)  # k1 shown, its answer not back
        await first.dispatcher.close(drain=0)  # killed with k1 on the wire, k2 waiting
        ding.hold = 0
        second = pipeline(store, clock, [], config, {})
        await second.dispatcher.start()
        try:
            assert await ding.wait(lambda r: len(r.shown) == 2)
            await ding.wait(lambda r: len(r.shown) == 3, limit=0.3)  # room for a duplicate
        finally:
            await second.dispatcher.close()
    assert ["alert-one" in s.text for s in ding.shown] == [True, False]
    assert "alert-two" in ding.shown[1].text
    [letter] = await second.dispatcher.dead_letters()  # for a person to check, not resent
    assert letter["key"] == "k1:ding" and "may have reached the robot" in letter["error"]
    assert second.metrics.notification_uncertain.labels("ding")._value.get() == 1


async def test_a_crashed_instances_queue_is_adopted_once_its_heartbeat_lapses() -> None:
    clock = ManualClock()
    store = MemoryStore()
    async with robot_server(FakeWeCom(clock, MEMBERS)) as wc:
        config = [{"type": "wecom", "id": "wc", "url": wc.url}]
        crashed = pipeline(store, clock, [], config, {}, sweep_every=1.0)
        await crashed.dispatcher.outbox.heartbeat()  # alive a moment ago, then gone
        await crashed.dispatcher.outbox.put(note("wc", "k1", "alert-one"))
        other = pipeline(store, clock, [], config, {}, sweep_every=1.0)
        third = pipeline(store, clock, [], config, {}, sweep_every=1.0)
        await other.dispatcher.start()
        await third.dispatcher.start()
        try:
            assert await other.dispatcher.sweep() + await third.dispatcher.sweep() == 0
            clock.advance(3.5)  # past the crashed instance's lease (3 sweeps)
            assert await other.dispatcher.sweep() + await third.dispatcher.sweep() == 1
            assert await wc.wait(lambda r: len(r.shown) == 1)
            await wc.wait(lambda r: len(r.shown) == 2, limit=0.3)
        finally:
            await other.dispatcher.close()
            await third.dispatcher.close()
    assert len(wc.shown) == 1 and "alert-one" in wc.shown[0].text
    assert crashed.dispatcher.instance in await store.get_items(INSTANCES)


async def test_steps_an_instance_could_not_note_are_noted_later_in_the_order_taken() -> None:
    clock = ManualClock()
    store = FlakyStore()
    plan = make_plan(ack_deadline=10, resolve_deadline=100, resolve={"mode": "manual"})
    ladders = {
        "ladders": [{"id": "two", "levels": [{"after": 0}, {"after": 30}]}],
        "default_ladder": "two",
    }
    first = pipeline(store, clock, [plan], [], ladders)
    alert = await first.fire(plan, "r1")
    clock.advance(40)  # not acknowledged: levels 1 and 2
    store.fail["put_alert"] = ["before"]  # their history notes fail, then the instance stops
    assert await first.escalator.check() == 2
    clock.advance(1)
    await first.manager.acknowledge(alert.id, "zhang")
    clock.advance(100)  # acknowledged, not resolved: the resolve ladder's level 1
    second = pipeline(store, clock, [plan], [], ladders)
    assert await second.escalator.check() == 1
    stored = await store.get_alert(alert.id)
    assert stored is not None
    steps = [(h.code, h.args["level"]) for h in stored.history if h.action == "escalated"]
    assert steps == [("not_acked", 1), ("not_acked", 2), ("not_resolved", 1)]
    assert await store.get_items(MARKS) == {}
