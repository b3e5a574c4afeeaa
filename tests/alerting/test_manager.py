"""The alert state machine on a manual clock: dedup, grouping, reopen, silences, races."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from alerts.clock import ManualClock
from alerts.manager import AlertActionError, AlertChange, AlertManager
from alerts.model import Alert, AlertState, CommentAction
from alerts.store.memory import MemoryStore
from alerts.store.redis import RedisStore
from tests.alerting.helpers import make_plan, trigger


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


async def test_dedup_by_fingerprint_and_grouping_of_flagged_comments(
    clock: ManualClock, store: MemoryStore
) -> None:
    plan = make_plan()
    mgr = AlertManager(store, clock, [plan])
    changes: list[AlertChange] = []

    async def listen(c: AlertChange) -> None:
        changes.append(c)

    mgr.subscribe(listen)
    a = await mgr.handle(trigger(plan, clock.now(), ids=("e1", "e2")))
    assert a is not None and a.state is AlertState.FIRING
    assert a.ack_deadline == clock.now() + 10
    clock.advance(1)
    b = await mgr.handle(trigger(plan, clock.now(), ids=("e2", "e3")))
    assert b is not None and b.id == a.id
    assert [c.event_id for c in b.comments] == ["e1", "e2", "e3"]
    # same plan, other room and other group key: separate alerts
    other = await mgr.handle(trigger(plan, clock.now(), room="r2"))
    user = await mgr.handle(trigger(plan, clock.now(), group="spammer"))
    assert other is not None and user is not None
    assert len({a.id, other.id, user.id}) == 3
    # nothing new: no write, no change event
    before = len(changes)
    await mgr.handle(trigger(plan, clock.now(), ids=("e3",)))
    assert len(changes) == before
    assert [c.action for c in changes] == ["created", "grouped", "created", "created"]


async def test_reopening_with_a_redelivered_comment_keeps_it_once(
    clock: ManualClock, store: MemoryStore
) -> None:
    plan = make_plan()  # cooldown 3 s, reopen within 20 s
    mgr = AlertManager(store, clock, [plan])
    a = await mgr.handle(trigger(plan, clock.now(), ids=("e1", "e2")))
    assert a is not None
    await mgr.resolve(a.id, "zhang")
    clock.advance(5)
    again = await mgr.handle(trigger(plan, clock.now(), ids=("e2", "e3")))
    assert again is not None and again.id == a.id and again.state is AlertState.FIRING
    assert [c.event_id for c in again.comments] == ["e1", "e2", "e3"]


async def test_lifecycle_is_timestamped_and_unack_restarts_the_ack_clock(
    clock: ManualClock, store: MemoryStore
) -> None:
    plan = make_plan(resolve_deadline=30)
    mgr = AlertManager(store, clock, [plan])
    a = await mgr.handle(trigger(plan, clock.now()))
    assert a is not None
    t0 = clock.now()
    clock.advance(4)
    acked = await mgr.acknowledge(a.id, "zhang", "on it")
    assert (acked.state, acked.acked_at, acked.acked_by) == (
        AlertState.ACKNOWLEDGED,
        t0 + 4,
        "zhang",
    )
    assert acked.resolve_deadline == t0 + 34
    with pytest.raises(AlertActionError):
        await mgr.acknowledge(a.id, "li")
    clock.advance(2)
    un = await mgr.unacknowledge(a.id, "zhang")
    assert un.state is AlertState.FIRING and un.ack_deadline == t0 + 16
    assert un.resolve_deadline is None
    clock.advance(1)
    done = await mgr.resolve(a.id, "wang", "handled")
    assert done.state is AlertState.RESOLVED and done.resolved_at == t0 + 7
    assert [(h.action, h.actor, h.ts - t0) for h in done.history] == [
        ("created", "system", 0),
        ("acknowledged", "zhang", 4),
        ("unacknowledged", "zhang", 6),
        ("resolved", "wang", 7),
    ]
    with pytest.raises(AlertActionError) as err:
        await mgr.resolve(a.id, "wang")
    assert err.value.status == 409
    with pytest.raises(AlertActionError) as err:
        await mgr.acknowledge("nope", "wang")
    assert err.value.status == 404


async def test_auto_resolve_after_hold_and_condition_back_cancels_it(
    clock: ManualClock, store: MemoryStore
) -> None:
    plan = make_plan()
    mgr = AlertManager(store, clock, [plan])
    holds = {plan.id: plan.resolve_hold}.get
    a = await mgr.handle(trigger(plan, clock.now()))
    assert a is not None
    await mgr.handle(trigger(plan, clock.now(), firing=False))
    clock.advance(4)
    assert await mgr.tick(holds) == []
    await mgr.handle(trigger(plan, clock.now()))  # the condition is back
    clock.advance(10)
    assert await mgr.tick(holds) == []
    await mgr.handle(trigger(plan, clock.now(), firing=False))
    clock.advance(5)
    [resolved] = await mgr.tick(holds)
    assert resolved.resolved_by == "system"
    # manual-only plans never auto-resolve
    manual = make_plan("manual", resolve={"mode": "manual"})
    m = await mgr.handle(trigger(manual, clock.now()))
    await mgr.handle(trigger(manual, clock.now(), firing=False))
    clock.advance(1000)
    assert await mgr.tick({manual.id: manual.resolve_hold}.get) == []
    assert m is not None and (await store.get_alert(m.id)).state is AlertState.FIRING  # type: ignore[union-attr]


async def test_cooldown_then_reopen_then_new_alert(clock: ManualClock, store: MemoryStore) -> None:
    plan = make_plan()  # cooldown 3, reopen_within 20
    mgr = AlertManager(store, clock, [plan])
    a = await mgr.handle(trigger(plan, clock.now(), ids=("e1",)))
    assert a is not None
    await mgr.acknowledge(a.id, "zhang")
    await mgr.resolve(a.id, "zhang")
    clock.advance(2)
    assert await mgr.handle(trigger(plan, clock.now())) is None  # cooldown
    assert mgr.suppressed == 1
    clock.advance(2)
    again = await mgr.handle(trigger(plan, clock.now(), ids=("e2",)))
    assert again is not None and again.id == a.id and again.state is AlertState.FIRING
    assert again.acked_at is None and again.resolved_at is None
    assert again.ack_deadline == clock.now() + 10
    assert [c.event_id for c in again.comments] == ["e1", "e2"]
    assert [h.action for h in again.history][-1] == "reopened"
    await mgr.resolve(a.id, "zhang")
    clock.advance(25)
    fresh = await mgr.handle(trigger(plan, clock.now()))
    assert fresh is not None and fresh.id != a.id


async def test_silences_mute_new_alerts_until_they_expire(
    clock: ManualClock, store: MemoryStore
) -> None:
    plan = make_plan()
    mgr = AlertManager(store, clock, [plan])
    s = await mgr.silences.add(
        now=clock.now(),
        room="r",
        plan_id="",
        starts_at=None,
        ends_at=clock.now() + 60,
        created_by="boss",
        comment="维护窗口",
    )
    assert await mgr.handle(trigger(plan, clock.now())) is None
    assert (await mgr.handle(trigger(plan, clock.now(), room="other"))) is not None
    clock.advance(10)
    ended = await mgr.silences.expire(s.id, now=clock.now(), actor="boss")
    assert ended is not None and ended.ends_at == clock.now() and ended.expired_by == "boss"
    assert (await mgr.handle(trigger(plan, clock.now()))) is not None
    with pytest.raises(ValueError, match="ends_at"):
        await mgr.silences.add(
            now=clock.now(),
            room="",
            plan_id="",
            starts_at=None,
            ends_at=clock.now() - 1,
            created_by="boss",
            comment="",
        )
    assert len(await mgr.silences.all()) == 1


async def test_ack_racing_auto_resolve_is_deterministic(
    clock: ManualClock, store: MemoryStore
) -> None:
    plan = make_plan()
    holds = {plan.id: plan.resolve_hold}.get
    for ack_first in (True, False):
        mgr = AlertManager(MemoryStore(), clock, [plan])
        a = await mgr.handle(trigger(plan, clock.now()))
        assert a is not None
        await mgr.handle(trigger(plan, clock.now(), firing=False))
        clock.advance(5)
        ack = mgr.acknowledge(a.id, "zhang")
        tick = mgr.tick(holds)
        coros = (ack, tick) if ack_first else (tick, ack)
        results = await asyncio.gather(*coros, return_exceptions=True)
        final = await mgr._store.get_alert(a.id)
        assert final is not None and final.state is AlertState.RESOLVED  # never un-resolved
        actions = [h.action for h in final.history]
        if ack_first:
            assert actions[-2:] == ["acknowledged", "resolved"]
        else:
            assert isinstance(results[1], AlertActionError) and results[1].status == 409
            assert "acknowledged" not in actions


async def test_handle_comment_and_escalation_level(clock: ManualClock, store: MemoryStore) -> None:
    plan = make_plan()
    mgr = AlertManager(store, clock, [plan])
    a = await mgr.handle(trigger(plan, clock.now(), ids=("e1",)))
    assert a is not None
    done = await mgr.handle_comment(a.id, "e1", CommentAction.DELETED, "zhang")
    assert done.comments[0].action is CommentAction.DELETED
    up = await mgr.escalate(a.id, 2, "not acknowledged within 10s")
    assert up is not None and up.escalation_level == 2
    down = await mgr.escalate(a.id, 1, "repeat")
    assert down is not None and down.escalation_level == 2
    await mgr.resolve(a.id, "zhang")
    assert await mgr.escalate(a.id, 3, "late") is None


async def test_two_instances_racing_on_one_alert_keep_both_changes(redis_url: str) -> None:
    """The owner groups comments while a console on another instance acknowledges."""
    from alerts.store.redis import RedisStore

    clock = ManualClock()
    plan = make_plan()
    owner_store = RedisStore.from_url(redis_url, prefix="race")
    other_store = RedisStore.from_url(redis_url, prefix="race")
    owner = AlertManager(owner_store, clock, [plan])
    other = AlertManager(other_store, clock, [plan])
    try:
        a = await owner.handle(trigger(plan, clock.now(), ids=("e0",)))
        assert a is not None

        async def group() -> None:
            for n in range(1, 41):
                await owner.handle(trigger(plan, clock.now(), ids=(f"e{n}",)))
                await asyncio.sleep(0)

        async def act() -> None:
            await asyncio.sleep(0)
            await other.acknowledge(a.id, "ctl", "on it")
            await other.handle_comment(a.id, "e0", CommentAction.DELETED, "ctl")

        await asyncio.gather(group(), act())
        fresh = RedisStore.from_url(redis_url, prefix="race")
        final = await fresh.get_alert(a.id)
        await fresh.close()
        assert final is not None
        assert final.state is AlertState.ACKNOWLEDGED and final.acked_by == "ctl"
        assert [c.event_id for c in final.comments] == [f"e{n}" for n in range(41)]
        assert final.comments[0].action is CommentAction.DELETED
        assert final.version == 1 + 40 + 2

        # Force the collision: the owner's write lands between the other's read and write.
        read = other_store.get_alert
        forced: list[str] = []

        async def read_then_owner_writes(alert_id: str) -> Alert | None:
            seen = await read(alert_id)
            if not forced:
                forced.append(alert_id)
                await owner.handle(trigger(plan, clock.now(), ids=("late",)))
            return seen

        other_store.get_alert = read_then_owner_writes  # type: ignore[method-assign]
        before = other.conflicts
        done = await other.resolve(a.id, "ctl", "handled")
        assert other.conflicts == before + 1
        assert done.state is AlertState.RESOLVED and done.comments[-1].event_id == "late"
    finally:
        await owner_store.close()
        await other_store.close()


# -- the copy of the open alert held here (AlertStore.peek_open) ---------------------


@pytest.fixture
async def redis_stores(redis_url: str) -> AsyncIterator[Callable[[str], RedisStore]]:
    """Build RedisStores on the shared (flushed) server; all closed after the test."""
    made: list[RedisStore] = []

    def make(prefix: str) -> RedisStore:
        store = RedisStore.from_url(redis_url, prefix=prefix)
        made.append(store)
        return store

    yield make
    for store in made:
        await store.close()


def same_but_id(a: Alert | None, b: Alert | None) -> bool:
    """Alerts equal in everything but their random ids (both None counts too)."""
    if a is None or b is None:
        return a is b
    return a.evolve(id="") == b.evolve(id="")


@pytest.mark.parametrize(
    ("wait", "outcome"),
    [(1, "suppressed by the cooldown"), (5, "reopened"), (25, "a new alert")],
)
async def test_stale_copy_of_a_resolved_alert_is_never_grouped_into(
    redis_stores: Callable[[str], RedisStore], wait: float, outcome: str
) -> None:
    """The owner holds the open alert; another instance resolves it; a new comment comes."""
    clock = ManualClock()
    plan = make_plan()  # cooldown 3, reopen_within 20
    owner_store, other_store = redis_stores("stale"), redis_stores("stale")
    owner = AlertManager(owner_store, clock, [plan])
    other = AlertManager(other_store, clock, [plan])
    a = await owner.handle(trigger(plan, clock.now(), ids=("e1",)))
    assert a is not None
    clock.advance(1)
    grouped = await owner.handle(trigger(plan, clock.now(), ids=("e2",)))
    assert grouped is not None and grouped.version == 2
    resolved = await other.resolve(a.id, "ctl", "handled")
    assert resolved.version == 3
    # The owner's copy is stale now: the path under test starts from it.
    assert owner_store.peek_open(a.fingerprint) == grouped
    conflicts, suppressed = owner.conflicts, owner.suppressed

    clock.advance(wait)
    result = await owner.handle(trigger(plan, clock.now(), ids=("e3",)))

    assert owner.conflicts == conflicts + 1  # the grouping write missed its version
    reader = redis_stores("stale")
    stored_a = await reader.get_alert(a.id)
    assert stored_a is not None
    if outcome == "suppressed by the cooldown":
        assert result is None and owner.suppressed == suppressed + 1
        assert stored_a == resolved
        assert await reader.find_open(a.fingerprint, a.room) is None
    elif outcome == "reopened":
        assert result is not None and result.id == a.id
        assert result.state is AlertState.FIRING and result.resolved_at is None
        assert [c.event_id for c in result.comments] == ["e1", "e2", "e3"]
        assert [h.action for h in result.history] == ["created", "resolved", "reopened"]
        assert result.version == 4
        assert stored_a == result
        assert await reader.find_open(a.fingerprint, a.room) == result
    else:
        assert result is not None and result.id != a.id
        assert result.state is AlertState.FIRING and result.version == 1
        assert [c.event_id for c in result.comments] == ["e3"]
        assert stored_a == resolved  # the resolved alert was left alone
        assert await reader.find_open(a.fingerprint, a.room) == result
    assert owner_store.peek_open(a.fingerprint) == result


@pytest.mark.parametrize("other_did", ["resolve", "acknowledge", "clear"])
async def test_redelivered_comment_is_checked_on_a_fresh_read(
    redis_stores: Callable[[str], RedisStore], other_did: str
) -> None:
    """A trigger that adds nothing to the stale copy does what a manager without it does.

    The same history runs on a second prefix ("ref"), where the trigger then goes to a
    brand-new manager on a brand-new store, which can only read the alert from Redis.
    """
    clock = ManualClock()
    plan = make_plan()  # cooldown 3, reopen_within 20
    owner_store = redis_stores("stale")
    owner = AlertManager(owner_store, clock, [plan])
    other = AlertManager(redis_stores("stale"), clock, [plan])
    ref = AlertManager(redis_stores("ref"), clock, [plan])

    a = await owner.handle(trigger(plan, clock.now(), ids=("e1",)))
    r = await ref.handle(trigger(plan, clock.now(), ids=("e1",)))
    assert a is not None and r is not None
    a_id, ref_id = a.id, r.id
    clock.advance(1)
    grouped = await owner.handle(trigger(plan, clock.now(), ids=("e2",)))
    await ref.handle(trigger(plan, clock.now(), ids=("e2",)))
    clock.advance(1)
    if other_did == "resolve":
        await other.resolve(a_id, "ctl")
        await ref.resolve(ref_id, "ctl")
        clock.advance(4)  # past the cooldown, within reopen_within
    elif other_did == "acknowledge":
        await other.acknowledge(a_id, "ctl")
        await ref.acknowledge(ref_id, "ctl")
    else:
        await other.handle(trigger(plan, clock.now(), firing=False))
        await ref.handle(trigger(plan, clock.now(), firing=False))
    assert owner_store.peek_open(a.fingerprint) == grouped  # stale
    conflicts = owner.conflicts

    clock.advance(1)
    redelivered = trigger(plan, clock.now(), ids=("e2",))
    result = await owner.handle(redelivered)
    expected = await AlertManager(redis_stores("ref"), clock, [plan]).handle(redelivered)

    assert same_but_id(result, expected)
    assert same_but_id(
        await redis_stores("stale").find_latest(a.fingerprint, a.room),
        await redis_stores("ref").find_latest(a.fingerprint, a.room),
    )
    assert owner.conflicts == conflicts  # no write from the stale copy was tried
    assert result is not None and result.id == a_id and result != grouped
    if other_did == "resolve":
        assert result.state is AlertState.FIRING
        assert [h.action for h in result.history][-2:] == ["resolved", "reopened"]
    elif other_did == "acknowledge":
        # Nothing to write: the stored (acknowledged) alert is returned as it is.
        assert result.state is AlertState.ACKNOWLEDGED and result.version == 3
    else:
        # The condition is back: the clear noted by the other instance is cancelled.
        assert result.condition_clear_since is None and result.version == 4
        assert [h.action for h in result.history][-1] == "condition_again"


@pytest.mark.parametrize("other_did", ["acknowledge", "group", "resolve"])
async def test_clear_trigger_after_another_instance_changed_the_alert(
    redis_stores: Callable[[str], RedisStore], other_did: str
) -> None:
    clock = ManualClock()
    plan = make_plan()  # auto-resolve after a 5 s hold
    owner_store = redis_stores("stale")
    owner = AlertManager(owner_store, clock, [plan])
    other = AlertManager(redis_stores("stale"), clock, [plan])
    a = await owner.handle(trigger(plan, clock.now(), ids=("e1",)))
    assert a is not None
    clock.advance(1)
    if other_did == "acknowledge":
        await other.acknowledge(a.id, "ctl")
    elif other_did == "group":
        # The owner saw the condition clear; then the other saw it fire again.
        await owner.handle(trigger(plan, clock.now(), firing=False))
        clock.advance(1)
        await other.handle(trigger(plan, clock.now(), ids=("e2",)))
    else:
        await other.resolve(a.id, "ctl")
    held = owner_store.peek_open(a.fingerprint)
    assert held is not None and held.version == (2 if other_did == "group" else 1)  # stale
    conflicts = owner.conflicts

    clock.advance(1)
    cleared_at = clock.now()
    result = await owner.handle(trigger(plan, cleared_at, firing=False))

    stored = await redis_stores("stale").get_alert(a.id)
    assert stored is not None
    if other_did == "resolve":
        assert result is None  # nothing open to note it on
        assert stored.state is AlertState.RESOLVED and stored.condition_clear_since is None
        assert owner.conflicts == conflicts + 1
        return
    assert result == stored
    assert stored.condition_clear_since == cleared_at
    assert stored.version == held.version + 2
    assert [h.action for h in stored.history][-1] == "condition_clear"
    if other_did == "acknowledge":
        assert stored.state is AlertState.ACKNOWLEDGED and stored.acked_by == "ctl"
        assert owner.conflicts == conflicts + 1  # the write from the stale copy missed
    else:
        assert [c.event_id for c in stored.comments] == ["e1", "e2"]
        assert owner.conflicts == conflicts  # "already clear" was checked on a fresh read
    # And so it auto-resolves after the hold.
    clock.advance(plan.resolve_hold or 0)
    [done] = await owner.tick({plan.id: plan.resolve_hold}.get)
    assert done.id == a.id and done.state is AlertState.RESOLVED
