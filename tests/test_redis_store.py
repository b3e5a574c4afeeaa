"""Redis-only behaviour of RedisStore: outages surface as StoreError, restarts are ridden out."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable

import orjson
import pytest

from alerts.model import AlertState, alert_to_dict
from alerts.store.base import StoreConflict, StoreError
from alerts.store.redis import RedisStore
from tests.contract.test_store_contract import make_alert
from tests.redis_server import RedisServer


async def test_outage_raises_store_error_then_recovers(
    redis_factory: Callable[..., RedisServer],
) -> None:
    server = redis_factory()
    store = RedisStore.from_url(server.url, prefix="t")
    try:
        first = await store.append_feed("flag", "room-a", 1.0, {"i": 1})
        await asyncio.to_thread(server.kill)
        assert await store.ping() is False
        with pytest.raises(StoreError, match="append_feed"):
            await store.append_feed("flag", "room-a", 2.0, {"i": 2})
        await asyncio.to_thread(server.start)
        # Without persistence the data is gone, but the client reconnects by itself.
        assert await store.ping() is True
        again = await store.append_feed("flag", "room-a", 3.0, {"i": 3})
        assert again.seq >= 1 and first.seq == 1
    finally:
        await store.close()


async def test_appendonly_restart_keeps_alert_state_and_seq(
    redis_factory: Callable[..., RedisServer],
) -> None:
    server = redis_factory(appendonly=True)
    store = RedisStore.from_url(server.url, prefix="t")
    try:
        items = [await store.append_feed("flag", "room-a", float(i), {"i": i}) for i in range(5)]
        await store.append_record("audit", {"n": 1})
        # A graceful restart flushes the append-only file; the seq keeps counting up.
        await asyncio.to_thread(server.restart)
        assert await store.read_feed(0) == items
        nxt = await store.append_feed("flag", "room-a", 9.0, {"i": 9})
        assert nxt.seq == items[-1].seq + 1
        assert await store.read_records("audit") == [{"n": 1}]
    finally:
        await store.close()


async def test_prefixes_isolate_deployments(redis_url: str) -> None:
    a = RedisStore.from_url(redis_url, prefix="blue")
    b = RedisStore.from_url(redis_url, prefix="green")
    try:
        await a.put_item("silence", "s1", {"x": 1})
        assert await b.get_items("silence") == {}
        assert await a.claim("k", 10) and await b.claim("k", 10)
    finally:
        await a.close()
        await b.close()


async def test_feed_seq_never_goes_back_after_redis_lost_its_newest_writes(
    redis_factory: Callable[..., RedisServer],
) -> None:
    # A restart without persistence stands for a failover that lost the newest writes:
    # seqs already shown must not be handed out again.
    server = redis_factory()
    store = RedisStore.from_url(server.url, prefix="t")
    try:
        for i in range(5):
            last = await store.append_feed("flag", "room-a", float(i), {"i": i})
        assert last.seq == 5
        store.saw_feed_seq(7)  # an item another instance appended, seen on the feed bus
        await asyncio.to_thread(server.restart, hard=True)
        after = await store.append_feed("flag", "room-a", 9.0, {"i": 9})
        assert after.seq == 8
    finally:
        await store.close()


async def test_feed_seq_never_goes_back_while_connected(redis_url: str) -> None:
    # On a cluster no reconnection raises the counter (and a lost write need not drop this
    # connection): each append checks the seq against the highest this instance has seen.
    store = RedisStore.from_url(redis_url, prefix="t")
    seq_key = store.keys.shared("feed", "seq")
    try:
        for i in range(5):
            await store.append_feed("flag", "room-a", float(i), {"i": i})
        await store.resp.execute("SET", seq_key, 4)  # the counter lost its newest write
        assert (await store.append_feed("flag", "room-a", 5.0, {})).seq == 6
        await store.resp.execute("SET", seq_key, 2)
        assert (await store.append_feed("flag", "room-a", 6.0, {})).seq == 7
        assert await store.resp.execute("GET", seq_key) == b"7"
        assert [i.seq for i in await store.read_feed(0)] == [1, 2, 3, 4, 5, 6, 7]
    finally:
        await store.close()


async def test_the_rooms_feed_logs_are_trimmed_with_the_global_one(redis_url: str) -> None:
    # Reads of a room's log skip what the global log dropped, so only the room logs' size
    # tells whether they are trimmed: on one Redis, by each append to the room's log, to the
    # global log's floor (a room that gets no more items keeps its last ones, at most
    # the capacity).
    store = RedisStore.from_url(redis_url, prefix="t", feed_capacity=3)
    try:
        for i, room in enumerate(["room-a", "room-a", "room-b", "room-b", "room-a"]):
            await store.append_feed("flag", room, float(i), {"i": i})
        for room, seqs in (("room-a", [b"5"]), ("room-b", [b"3", b"4"])):
            key = store.keys.room(room, "feed")
            found = await store.resp.execute("ZRANGEBYSCORE", key, "-inf", "+inf", "WITHSCORES")
            assert found[1::2] == seqs
    finally:
        await store.close()


async def test_a_reconnecting_instance_raises_the_seq_for_every_instance(
    redis_factory: Callable[..., RedisServer],
) -> None:
    # The seq this instance showed is written back when it reconnects, so an instance that
    # never saw it (its first connection comes after the loss) does not hand it out again.
    server = redis_factory()
    shown = RedisStore.from_url(server.url, prefix="t")
    other = RedisStore.from_url(server.url, prefix="t")
    try:
        first = await shown.append_feed("flag", "room-a", 1.0, {"i": 1})
        assert first.seq == 1
        await asyncio.to_thread(server.restart, hard=True)
        assert await shown.read_feed(0) == []  # reconnected: the log is gone, the seq is not
        after = await other.append_feed("flag", "room-a", 2.0, {"i": 2})
        assert after.seq == 2
    finally:
        await shown.close()
        await other.close()


async def test_an_unchanged_alert_is_not_sent_again(redis_url: str) -> None:
    # While the store holds an alert's current version, Redis answers a read with the
    # version only and the copy held is returned, also after the room's other alerts change.
    store = RedisStore.from_url(redis_url, prefix="t")
    try:
        held = make_alert(1)
        await store.put_alert(held)
        other = make_alert(2, group="g2")
        await store.put_alert(other.evolve(comments=()))  # its comments replaced by none
        assert await store.get_alert(held.id) is held
        assert await store.find_open(held.fingerprint, held.room) is held
        assert await store.find_latest(held.fingerprint, held.room) is held
        assert await store.list_alerts(rooms=[held.room]) == [other.evolve(comments=()), held]
        assert (await store.list_alerts(rooms=[held.room]))[1] is held
        # Another instance opens a new alert of the same fingerprint, at the same version
        # as the copy held here: the new one is read, not taken for the held one.
        other_store = RedisStore.from_url(redis_url, prefix="t")
        try:
            closed = held.evolve(state=AlertState.RESOLVED, version=2)
            await store.put_alert(closed, expect_version=1)
            newer = make_alert(3).evolve(version=2)
            assert newer.fingerprint == held.fingerprint
            await other_store.put_alert(newer)
        finally:
            await other_store.close()
        assert await store.find_open(held.fingerprint, held.room) == newer
        assert await store.find_latest(held.fingerprint, held.room) == newer
    finally:
        await store.close()


async def test_the_open_indexes_hold_only_open_alerts(redis_url: str) -> None:
    # Lists filter what they read, so a closed alert left in an open index would not show;
    # it would cost a read on every list of open alerts, for good.
    store = RedisStore.from_url(redis_url, prefix="t")
    try:
        alert = make_alert(1)
        await store.put_alert(alert, expect_version=0)
        await store.put_alert(alert.evolve(state=AlertState.RESOLVED, version=2), expect_version=1)
        k = store.keys
        for index in (k.room(alert.room, "open"), k.shared("alerts", "ix:open")):
            assert await store.resp.execute("ZRANGE", index, 0, -1) == []
        for index in (k.room(alert.room, "all"), k.shared("alerts", "ix:all")):
            assert await store.resp.execute("ZRANGE", index, 0, -1) == [alert.id.encode()]
        # The version the cross-room index is at (order-safe writes on a cluster, where the
        # migration takes these keys).
        assert await store.resp.execute("HGET", k.shared("alerts", "ix:ver"), alert.id) == b"2"
        assert await store.resp.execute("HGET", k.shared("alerts", "ids"), alert.id) == b"room-a"
    finally:
        await store.close()


@pytest.mark.parametrize(("stored", "current"), [(3, 3), (None, 1)])
async def test_a_record_from_before_the_versions_hash_keeps_its_version(
    redis_url: str, stored: int | None, current: int
) -> None:
    # Alerts written before the room's versions hash existed have only their JSON (which
    # said version 1 by leaving it out); a compare-and-set reads the version there.
    store = RedisStore.from_url(redis_url, prefix="t")
    try:
        alert = make_alert(1)
        header = alert_to_dict(alert)
        if stored is None:
            del header["version"]
        else:
            header["version"] = stored
        key = store.keys.room(alert.room, "alert", alert.id)
        await store.resp.execute("SET", key, orjson.dumps(header))
        await store.resp.execute("HSET", store.keys.shared("alerts", "ids"), alert.id, alert.room)
        assert await store.get_alert(alert.id) == alert.evolve(version=current)
        with pytest.raises(StoreConflict) as info:
            await store.put_alert(alert.evolve(version=current + 1), expect_version=current + 1)
        assert info.value.found == current
        await store.put_alert(alert.evolve(version=current + 1), expect_version=current)
    finally:
        await store.close()


def test_a_forked_test_process_starts_its_own_servers() -> None:
    """Mutation testing runs each mutant's tests in a fork of a process that already started
    servers: the fork must start its own instead of waiting on a spawner thread it lacks."""
    with RedisServer() as server:
        assert server.ping()  # the spawner thread of this process exists now
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through its exit code only
        code = 1
        try:
            with RedisServer() as forked:
                code = 0 if forked.ping() else 2
        finally:
            os._exit(code)
    deadline = time.monotonic() + 30
    while (done := os.waitpid(child, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    if done[0] == 0:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        pytest.fail("the forked process could not start a redis-server within 30 s")
    assert os.waitstatus_to_exitcode(done[1]) == 0
