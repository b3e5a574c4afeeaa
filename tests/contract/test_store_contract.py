"""The AlertStore contract: every test runs against MemoryStore and RedisStore alike.

RedisStore runs it twice: on one Redis, and on a local 3-master Redis Cluster (where each
room's keys and the shared ones sit on different shards).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest

from alerts.model import (
    Alert,
    AlertState,
    CommentAction,
    Evidence,
    FlaggedComment,
    HistoryEntry,
    Severity,
    SignalKind,
    fingerprint,
)
from alerts.store.base import AlertStore, StoreConflict
from alerts.store.connect import RedisTarget
from alerts.store.memory import MemoryStore
from alerts.store.redis import RedisStore
from config.store import RedisClusterConfig
from tests.support import wait_for

StoreFactory = Callable[..., Awaitable[AlertStore]]


@pytest.fixture(params=["memory", "redis", "redis-cluster"])
async def make_store(request: pytest.FixtureRequest) -> AsyncIterator[StoreFactory]:
    """Build stores of the parametrised kind; Redis ones share one flushed server or cluster."""
    made: list[AlertStore] = []
    url = request.getfixturevalue("redis_url") if request.param == "redis" else ""
    nodes: list[str] = []
    if request.param == "redis-cluster":
        cluster = request.getfixturevalue("redis_cluster")
        nodes = [f"{host}:{port}" for host, port in cluster.startup_nodes]

    async def make(**kwargs: Any) -> AlertStore:
        store: AlertStore
        if request.param == "memory":
            store = made[0] if made and not kwargs else MemoryStore(**kwargs)
        elif nodes:
            target = RedisTarget(cluster=RedisClusterConfig(nodes=nodes))
            store = RedisStore.from_target(target, prefix="rwtest", **kwargs)
        else:
            store = RedisStore.from_url(url, prefix="rwtest", **kwargs)
        made.append(store)
        return store

    yield make
    for store in made:
        await store.close()


@pytest.fixture
async def store(make_store: StoreFactory) -> AlertStore:
    return await make_store()


def make_alert(
    n: int,
    *,
    room: str = "room-a",
    plan: str = "p1",
    group: str = "",
    state: AlertState = AlertState.FIRING,
    started: float | None = None,
) -> Alert:
    started = 1_700_000_000.0 + n if started is None else started
    return Alert(
        id=f"a{n:05d}",
        fingerprint=fingerprint(room, plan, group),
        room=room,
        plan_id=plan,
        plan_name="敏感词",
        severity=Severity.CRITICAL,
        group_key=group,
        state=state,
        started_at=started,
        updated_at=started,
        summary="3 条敏感评论 / 3 sensitive comments",
        summary_data={"kind": "count", "signal": "sensitive", "n": 3, "window": 60.0, "min": 3},
        steps=("删除评论", "禁言"),
        labels={"team": "美妆"},
        ack_deadline=started + 60.5,
        comments=(
            FlaggedComment(
                "e1",
                started - 1.25,
                "用户1",
                "加我微信 abc",
                "contact_diversion",
                SignalKind.SENSITIVE,
                (Evidence("contact_diversion", "微信", 2, 4),),
                CommentAction.DELETED,
                started,
                "ctl",
            ),
        ),
        history=(HistoryEntry(started, "created", "system", "首次触发"),),
    )


async def test_ping(store: AlertStore) -> None:
    assert await store.ping() is True


async def test_alert_round_trips_exactly(store: AlertStore) -> None:
    alert = make_alert(1)
    await store.put_alert(alert)
    assert await store.get_alert(alert.id) == alert
    assert await store.get_alert("missing") is None


async def test_put_replaces_and_keeps_latest_version(store: AlertStore) -> None:
    alert = make_alert(1)
    await store.put_alert(alert)
    acked = alert.evolve(state=AlertState.ACKNOWLEDGED, acked_by="张三", version=2)
    await store.put_alert(acked)
    assert await store.get_alert(alert.id) == acked
    assert await store.find_open(alert.fingerprint, alert.room) == acked
    assert len(await store.list_alerts()) == 1


async def test_open_index_follows_resolve_and_reopen(store: AlertStore) -> None:
    first = make_alert(1)
    await store.put_alert(first)
    assert await store.find_open(first.fingerprint, first.room) == first
    resolved = first.evolve(state=AlertState.RESOLVED, resolved_at=5.0, version=2)
    await store.put_alert(resolved)
    assert await store.find_open(first.fingerprint, first.room) is None
    open_states = [AlertState.FIRING, AlertState.ACKNOWLEDGED]
    assert await store.list_alerts(rooms=[first.room], states=open_states) == []
    assert await store.find_latest(first.fingerprint, first.room) == resolved
    second = make_alert(2)
    assert second.fingerprint == first.fingerprint
    await store.put_alert(second)
    assert await store.find_open(first.fingerprint, first.room) == second
    assert await store.find_latest(first.fingerprint, first.room) == second
    assert await store.list_alerts(rooms=[first.room], states=open_states) == [second]
    assert await store.list_alerts(rooms=[first.room]) == [second, resolved]


async def test_resolving_an_older_alert_keeps_the_newer_open_one(store: AlertStore) -> None:
    old, new = make_alert(1), make_alert(2)
    await store.put_alert(old)
    await store.put_alert(new)
    await store.put_alert(old.evolve(state=AlertState.RESOLVED, version=2))
    assert await store.find_open(new.fingerprint, new.room) == new


async def test_rewriting_an_alert_leaves_the_rooms_other_alerts_alone(store: AlertStore) -> None:
    # Rewriting replaces that alert's own comments (here with none) and nothing else.
    kept = make_alert(1)
    other = replace(make_alert(2, group="g2"), comments=())
    await store.put_alert(kept)
    await store.put_alert(make_alert(2, group="g2"))
    await store.put_alert(other.evolve(version=2), expect_version=1)
    await store.put_alert(other.evolve(state=AlertState.RESOLVED, version=3))
    assert await store.find_open(kept.fingerprint, kept.room) == kept
    assert await store.find_latest(kept.fingerprint, kept.room) == kept
    assert await store.get_alert(kept.id) == kept
    assert await store.find_latest(other.fingerprint, other.room) == other.evolve(
        state=AlertState.RESOLVED, version=3
    )


def flagged(n: int) -> FlaggedComment:
    return FlaggedComment(
        f"c{n}", 1_700_000_000.0 + n, f"观众{n}", f"第{n}条 加薇 {n}", "contact_diversion",
        SignalKind.SENSITIVE, (Evidence("contact_diversion", "加薇", 4, 6),),
    )  # fmt: skip


async def test_compare_and_set_refuses_a_stale_version(make_store: StoreFactory) -> None:
    mine, theirs = await make_store(), await make_store()
    alert = make_alert(1)
    await mine.put_alert(alert, expect_version=0)
    with pytest.raises(StoreConflict) as info:
        await mine.put_alert(alert, expect_version=0)
    assert (info.value.expected, info.value.found) == (0, 1)
    seen = await theirs.get_alert(alert.id)
    assert seen == alert
    acked = alert.evolve(state=AlertState.ACKNOWLEDGED, acked_by="张三", version=2)
    await theirs.put_alert(acked, expect_version=1)
    grouped = alert.evolve(comments=(*alert.comments, flagged(2)), version=2)
    with pytest.raises(StoreConflict):
        await mine.put_alert(grouped, expect_version=1)
    assert await mine.get_alert(alert.id) == acked
    assert await theirs.find_open(alert.fingerprint, alert.room) == acked


async def test_grouping_comment_by_comment_reads_back_exactly(make_store: StoreFactory) -> None:
    writer, reader = await make_store(), await make_store()
    current = make_alert(1)
    await writer.put_alert(current, expect_version=0)
    for n in range(2, 260):  # past the 200-comment window: the oldest fall off
        base = await writer.get_alert(current.id)
        assert base is not None
        current = base.evolve(comments=(*base.comments, flagged(n))[-200:], version=n)
        await writer.put_alert(current, expect_version=n - 1)
        if n % 50 == 0:
            assert await reader.get_alert(current.id) == current
    assert [c.event_id for c in current.comments] == [f"c{n}" for n in range(60, 260)]
    assert await reader.get_alert(current.id) == current
    # One comment handled in the middle, then a change that leaves the comments alone.
    changed = list(current.comments)
    changed[77] = replace(changed[77], action=CommentAction.MUTED, handled_by="ctl")
    handled = current.evolve(comments=tuple(changed), version=current.version + 1)
    await writer.put_alert(handled, expect_version=current.version)
    acked = handled.evolve(state=AlertState.ACKNOWLEDGED, version=handled.version + 1)
    await writer.put_alert(acked, expect_version=handled.version)
    assert await reader.get_alert(acked.id) == acked
    assert (await reader.list_alerts())[0] == acked
    assert await (await make_store()).find_latest(acked.fingerprint, acked.room) == acked
    assert await writer.find_open(acked.fingerprint, acked.room) == acked


async def test_racing_writers_lose_nothing(make_store: StoreFactory) -> None:
    """Two writers group comments into one alert, each retrying on a conflict."""
    a, b = await make_store(), await make_store()
    first = make_alert(1)
    await a.put_alert(first, expect_version=0)

    async def group(store: AlertStore, numbers: range) -> None:
        for n in numbers:
            while True:
                cur = await store.get_alert(first.id)
                assert cur is not None
                new = cur.evolve(comments=(*cur.comments, flagged(n)), version=cur.version + 1)
                try:
                    await store.put_alert(new, expect_version=cur.version)
                    break
                except StoreConflict:
                    await asyncio.sleep(0)

    await asyncio.gather(group(a, range(100, 140)), group(b, range(200, 240)))
    final = await (await make_store()).get_alert(first.id)
    assert final is not None and final.version == 81
    ids = [c.event_id for c in final.comments]
    assert sorted(ids) == sorted(["e1", *(f"c{n}" for n in (*range(100, 140), *range(200, 240)))])


async def test_unknown_fingerprint(store: AlertStore) -> None:
    assert await store.find_open("nope", "room-a") is None
    assert await store.find_latest("nope", "room-a") is None


async def test_peek_open_follows_this_stores_writes(store: AlertStore) -> None:
    first = make_alert(1)
    assert store.peek_open(first.fingerprint) is None
    assert store.peek_open("nope") is None
    await store.put_alert(first, expect_version=0)
    assert store.peek_open(first.fingerprint) == first
    grouped = first.evolve(comments=(*first.comments, flagged(2)), version=2)
    await store.put_alert(grouped, expect_version=1)
    assert store.peek_open(first.fingerprint) == grouped
    resolved = grouped.evolve(state=AlertState.RESOLVED, resolved_at=5.0, version=3)
    await store.put_alert(resolved, expect_version=2)
    assert store.peek_open(first.fingerprint) is None
    # A new alert on the same fingerprint is the open one from then on.
    second = make_alert(2)
    await store.put_alert(second, expect_version=0)
    assert store.peek_open(first.fingerprint) == second
    assert store.peek_open(make_alert(3, room="room-b").fingerprint) is None


async def test_list_alerts_newest_first_with_filters(store: AlertStore) -> None:
    alerts = [
        make_alert(1, room="room-a", plan="p1"),
        make_alert(2, room="room-b", plan="p1"),
        make_alert(3, room="room-a", plan="p2", state=AlertState.ACKNOWLEDGED),
        make_alert(4, room="room-c", plan="p1", state=AlertState.RESOLVED),
        make_alert(5, room="room-a", plan="p3", state=AlertState.RESOLVED),
    ]
    for a in alerts:
        await store.put_alert(a)
    ids = lambda xs: [a.id for a in xs]  # noqa: E731
    assert ids(await store.list_alerts()) == ["a00005", "a00004", "a00003", "a00002", "a00001"]
    assert ids(await store.list_alerts(rooms=["room-a"])) == ["a00005", "a00003", "a00001"]
    assert ids(await store.list_alerts(rooms=["room-b", "room-c"])) == ["a00004", "a00002"]
    assert ids(await store.list_alerts(rooms=[])) == []
    assert ids(await store.list_alerts(states=[AlertState.RESOLVED])) == ["a00005", "a00004"]
    open_states = [AlertState.FIRING, AlertState.ACKNOWLEDGED]
    assert ids(await store.list_alerts(states=open_states)) == ["a00003", "a00002", "a00001"]
    assert ids(await store.list_alerts(states=[AlertState.FIRING])) == ["a00002", "a00001"]
    assert ids(await store.list_alerts(since=1_700_000_003.0)) == ["a00005", "a00004", "a00003"]
    assert ids(await store.list_alerts(limit=2)) == ["a00005", "a00004"]
    assert ids(await store.list_alerts(rooms=["room-a"], states=[AlertState.RESOLVED])) == [
        "a00005"
    ]
    # A few rooms' open alerts (read from each room's open index on Redis).
    assert ids(await store.list_alerts(rooms=["room-a"], states=open_states)) == [
        "a00003",
        "a00001",
    ]
    assert ids(await store.list_alerts(rooms=["room-c", "room-b"], states=open_states)) == [
        "a00002"
    ]
    assert await store.list_alerts(limit=0) == []


async def test_list_alerts_of_many_rooms(store: AlertStore) -> None:
    """A supervisor's overview: open alerts of dozens of rooms, filtered and newest first."""
    states = [AlertState.FIRING, AlertState.ACKNOWLEDGED, AlertState.RESOLVED]
    alerts = [
        make_alert(n, room=f"room-{n % 50}", plan=f"p{n}", state=states[n % 3])
        for n in range(1, 301)
    ]
    for a in alerts:
        await store.put_alert(a)
    rooms = [f"room-{r}" for r in range(40)]  # past the Redis store's per-room reads
    open_states = [AlertState.FIRING, AlertState.ACKNOWLEDGED]
    expected = sorted(
        (a for a in alerts if a.room in rooms and a.state in open_states),
        key=lambda a: a.started_at,
        reverse=True,
    )
    got = await store.list_alerts(rooms=rooms, states=open_states, limit=1000)
    assert [a.id for a in got] == [a.id for a in expected]
    limited = await store.list_alerts(rooms=rooms, states=open_states, limit=7)
    assert [a.id for a in limited] == [a.id for a in expected[:7]]
    firing = await store.list_alerts(rooms=rooms, states=[AlertState.FIRING], limit=1000)
    assert [a.id for a in firing] == [a.id for a in expected if a.state is AlertState.FIRING]
    every = await store.list_alerts(rooms=rooms, limit=1000)
    assert [a.id for a in every] == [
        a.id for a in sorted(alerts, key=lambda a: a.started_at, reverse=True) if a.room in rooms
    ]


async def test_list_alerts_ties_and_paging(store: AlertStore) -> None:
    # More alerts than one page of the Redis index, half resolved, equal start times.
    for n in range(450):
        state = AlertState.RESOLVED if n % 2 else AlertState.FIRING
        await store.put_alert(make_alert(n, plan=f"p{n}", state=state, started=100.0 + n // 3))
    everything = await store.list_alerts(limit=1000)
    assert len(everything) == 450
    keys = [(a.started_at, a.id) for a in everything]
    assert keys == sorted(keys, reverse=True)
    firing = await store.list_alerts(states=[AlertState.FIRING], limit=1000)
    assert len(firing) == 225
    assert all(a.state is AlertState.FIRING for a in firing)
    resolved = await store.list_alerts(states=[AlertState.RESOLVED], limit=120)
    assert [a.id for a in resolved] == [a.id for a in everything if a.is_open is False][:120]


async def test_feed_seq_strictly_increases_and_resumes(store: AlertStore) -> None:
    items = [
        await store.append_feed("flag", f"room-{i % 3}", 10.0 + i, {"i": i, "text": "退款"})
        for i in range(30)
    ]
    seqs = [i.seq for i in items]
    assert all(b > a for a, b in itertools.pairwise(seqs))
    assert await store.read_feed(0) == items
    assert await store.read_feed(items[9].seq) == items[10:]
    assert await store.read_feed(items[-1].seq) == []
    assert await store.read_feed(0, limit=5) == items[:5]
    room1 = [i for i in items if i.room == "room-1"]
    assert await store.read_feed(0, rooms=["room-1"]) == room1
    both = [i for i in items if i.room in ("room-0", "room-2")]
    assert (
        await store.read_feed(items[3].seq, rooms=["room-2", "room-0"], limit=4)
        == [i for i in both if i.seq > items[3].seq][:4]
    )
    assert await store.read_feed(0, rooms=[]) == []
    assert await store.read_feed(0, limit=0) == []


async def test_feed_item_data_round_trips(store: AlertStore) -> None:
    data = {"alert": {"id": "x", "nested": [1, 2.5, None, True]}, "text": "假货！🔥", "n": -3}
    item = await store.append_feed("alert", "room-a", 1_700_000_000.125, data)
    (read,) = await store.read_feed(0)
    assert read == item
    assert read.data == data and read.ts == 1_700_000_000.125 and read.type == "alert"


async def test_feed_log_is_bounded(make_store: StoreFactory) -> None:
    store = await make_store(feed_capacity=10)
    items = [await store.append_feed("flag", f"r{i % 2}", float(i), {"i": i}) for i in range(24)]
    assert await store.read_feed(0) == items[-10:]
    items.append(await store.append_feed("flag", "r0", 24.0, {"i": 24}))
    assert await store.read_feed(0) == items[-10:]
    assert await store.read_feed(0, rooms=["r0"]) == [i for i in items[-10:] if i.room == "r0"]
    assert (
        await store.read_feed(0, rooms=["r1"], limit=2)
        == [i for i in items[-10:] if i.room == "r1"][:2]
    )


async def test_concurrent_appends_get_distinct_ordered_seqs(make_store: StoreFactory) -> None:
    a, b = await make_store(), await make_store()
    results = await asyncio.gather(
        *(s.append_feed("flag", "room-a", float(i), {"i": i}) for i in range(40) for s in (a, b))
    )
    seqs = sorted(r.seq for r in results)
    assert len(set(seqs)) == 80
    assert [i.seq for i in await a.read_feed(0, limit=100)] == seqs


async def test_claim_is_exclusive_until_ttl(store: AlertStore) -> None:
    assert await store.claim("escalate:a1:1", 30) is True
    assert await store.claim("escalate:a1:1", 30) is False
    assert await store.claim("escalate:a1:2", 30) is True
    assert await store.claim("short", 0.05) is True
    assert await store.claim("short", 30) is False  # held until its TTL passes ...
    # ... and free after it: the claim that succeeds is the check.
    await wait_for(lambda: store.claim("short", 30), 5, "the short claim to expire")


async def test_a_released_claim_can_be_claimed_again(store: AlertStore) -> None:
    assert await store.claim("dedup:m1", 30) is True
    await store.release_claim("dedup:m1")
    assert await store.claim("dedup:m1", 30) is True
    assert await store.claim("dedup:m1", 30) is False
    await store.release_claim("never-claimed")  # releasing nothing is not an error


async def test_expired_memory_claims_do_not_pile_up() -> None:
    store = MemoryStore()
    for n in range(25_000):
        assert await store.claim(f"m{n}", 0.001) is True
        if n % 5_000 == 0:
            await asyncio.sleep(0.002)
    assert len(store._claims) < 15_000  # swept, not kept forever (Redis expires its own)


async def test_claim_race_has_one_winner(make_store: StoreFactory) -> None:
    stores = [await make_store() for _ in range(4)]
    wins = await asyncio.gather(*(s.claim("once", 10) for s in stores for _ in range(10)))
    assert wins.count(True) == 1


async def test_claim_with_items_writes_the_items_only_with_the_claim(
    make_store: StoreFactory,
) -> None:
    stores = [await make_store() for _ in range(3)]
    items: list[tuple[str, str, dict[str, Any]]] = [
        ("notify_outbox", "k:a", {"key": "k:a", "who": "张三"}),
        ("notify_outbox", "k:b", {"key": "k:b"}),
        ("escalation", "a1", {"next": 2}),
    ]
    wins = await asyncio.gather(
        *(s.claim_with_items("step", 10, [(k, f"{key}", {**v, "by": i}) for k, key, v in items])
          for i, s in enumerate(stores))
    )  # fmt: skip
    assert wins.count(True) == 1
    winner = wins.index(True)
    outbox = await stores[0].get_items("notify_outbox")
    assert outbox == {
        "k:a": {"key": "k:a", "who": "张三", "by": winner},
        "k:b": {"key": "k:b", "by": winner},
    }
    assert await stores[1].get_items("escalation") == {"a1": {"next": 2, "by": winner}}
    # taken: nothing is written again
    assert await stores[2].claim_with_items("step", 10, [("escalation", "a1", {"x": 1})]) is False
    assert (await stores[2].get_items("escalation"))["a1"]["by"] == winner
    assert await stores[0].claim_with_items("empty", 10, []) is True
    assert await stores[0].claim("empty", 10) is False
    # Its TTL is in seconds, like claim's: a short one passes.
    assert await stores[0].claim_with_items("short", 0.05, []) is True
    assert await stores[0].claim("short", 30) is False
    await wait_for(lambda: stores[0].claim("short", 30), 5, "the short claim to expire")


async def test_records_are_ordered_and_bounded(store: AlertStore) -> None:
    for i in range(12):
        await store.append_record("audit", {"i": i, "who": "张三"}, max_len=5)
    assert await store.read_records("audit") == [{"i": i, "who": "张三"} for i in range(7, 12)]
    assert await store.read_records("audit", limit=2) == [
        {"i": 10, "who": "张三"},
        {"i": 11, "who": "张三"},
    ]
    assert await store.read_records("audit", limit=0) == []
    assert await store.read_records("nothing") == []
    await store.append_record("other", {"x": [1, {"y": None}]})
    assert await store.read_records("other") == [{"x": [1, {"y": None}]}]


async def test_returned_records_are_copies(store: AlertStore) -> None:
    await store.append_record("audit", {"i": 1})
    got = await store.read_records("audit")
    got[0]["i"] = 99
    assert await store.read_records("audit") == [{"i": 1}]
    await store.put_item("silence", "s1", {"room": "a"})
    items = await store.get_items("silence")
    items["s1"]["room"] = "b"
    assert await store.get_items("silence") == {"s1": {"room": "a"}}


async def test_keyed_items(store: AlertStore) -> None:
    assert await store.get_items("silence") == {}
    await store.put_item("silence", "s1", {"room": "room-a", "until": 5.5})
    await store.put_item("silence", "s2", {"room": "room-b"})
    await store.put_item("silence", "s1", {"room": "room-c"})
    await store.put_item("people", "s1", {"name": "李四"})
    assert await store.get_items("silence") == {"s1": {"room": "room-c"}, "s2": {"room": "room-b"}}
    assert await store.delete_item("silence", "s1") is True
    assert await store.delete_item("silence", "s1") is False
    assert await store.get_items("silence") == {"s2": {"room": "room-b"}}
    assert await store.get_items("people") == {"s1": {"name": "李四"}}
