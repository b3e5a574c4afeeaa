"""Console sessions: expiry to the second, digests in the store, other instances' changes.

The store is the memory one and both clocks are controlled: the session clock (expiry) is a
ManualClock, the reload clock (how often another instance's logins and logouts are read) is
the module's `time` replaced by a counter the test moves.
"""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import pytest

from alerts.clock import ManualClock
from alerts.store.memory import MemoryStore
from monitor.access import sessions
from monitor.access.sessions import SESSION_KIND, Session, SessionStore

TTL = 3600.0


class Monotonic:
    """Stands in for time.monotonic in the sessions module."""

    def __init__(self) -> None:
        self.t = 1000.0

    def monotonic(self) -> float:
        return self.t


@pytest.fixture
def mono(monkeypatch: pytest.MonkeyPatch) -> Monotonic:
    m = Monotonic()
    monkeypatch.setattr(sessions, "time", SimpleNamespace(monotonic=m.monotonic))
    return m


def digest(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


async def test_a_session_is_stored_by_digest_and_ends_at_its_ttl(mono: Monotonic) -> None:
    store, clock = MemoryStore(), ManualClock()
    one = SessionStore(store, clock, TTL)
    assert one.ttl == TTL
    sid = await one.create("li")
    other = await one.create("li")
    assert sid != other and len(sid) == 43  # 32 random bytes, URL-safe base64
    assert SessionStore.key(sid) == digest(sid)
    stored = await store.get_items(SESSION_KIND)
    assert stored[digest(sid)] == {"user": "li", "expires": clock.now() + TTL}
    assert sid not in str(stored)  # the store never holds a live cookie
    assert await one.lookup(sid) == Session("li", clock.now() + TTL)
    assert one.alive(digest(sid))
    clock.advance(TTL - 0.5)
    assert await one.lookup(sid) == Session("li", clock.now() + 0.5)
    assert one.alive(digest(sid))
    clock.advance(0.5)  # exactly at expiry: over
    assert await one.lookup(sid) is None
    assert not one.alive(digest(sid))
    assert not one.alive(digest("never-made"))


async def test_expired_sessions_are_pruned_when_a_new_one_is_made(mono: Monotonic) -> None:
    store, clock = MemoryStore(), ManualClock()
    one = SessionStore(store, clock, TTL)
    old = await one.create("li")
    clock.advance(TTL - 1)
    young = await one.create("wang")
    assert set(await store.get_items(SESSION_KIND)) == {digest(old), digest(young)}
    clock.advance(1)  # old ends exactly now; young has TTL - 1 left
    newest = await one.create("zhao")
    assert set(await store.get_items(SESSION_KIND)) == {digest(young), digest(newest)}
    assert not one.alive(digest(old)) and one.alive(digest(young))
    # An item without an expiry (damaged) counts as expired.
    await store.put_item(SESSION_KIND, "damaged", {"user": "x"})
    await one.create("zhao")
    assert "damaged" not in await store.get_items(SESSION_KIND)


async def test_pruning_drops_the_ended_session_from_the_cache_too(mono: Monotonic) -> None:
    store, clock = MemoryStore(), ManualClock()
    one = SessionStore(store, clock, TTL)
    old = await one.create("li")
    await one.reload()  # read just now: the next lookups use the cache
    # The stored record says it ended (an instance with a shorter ttl wrote it); this
    # instance's cached copy says otherwise. Pruning trusts the store.
    await store.put_item(SESSION_KIND, digest(old), {"user": "li", "expires": clock.now()})
    await one.create("wang")
    assert await one.lookup(old) is None
    assert not one.alive(digest(old))


async def test_sessions_made_or_ended_elsewhere_are_read_on_a_schedule(mono: Monotonic) -> None:
    store, clock = MemoryStore(), ManualClock()
    here, there = SessionStore(store, clock, TTL), SessionStore(store, clock, TTL)
    assert await here.lookup("no-such-session") is None  # reads the store once: empty
    sid = await there.create("li")
    mono.t += sessions.RELOAD_EVERY - 0.25
    assert await here.lookup(sid) is None  # a miss re-reads at most once a RELOAD_EVERY
    mono.t += 0.25
    assert await here.lookup(sid) == Session("li", clock.now() + TTL)
    assert here.alive(digest(sid))
    # Ended on the other instance: this one's cached copy is re-checked every RECHECK_EVERY.
    await there.end(sid)
    mono.t += sessions.RECHECK_EVERY - 0.25
    assert await here.lookup(sid) is not None
    mono.t += 0.25
    assert await here.lookup(sid) is None
    assert not here.alive(digest(sid))


async def test_reload_reads_every_session_now(mono: Monotonic) -> None:
    store, clock = MemoryStore(), ManualClock()
    here, there = SessionStore(store, clock, TTL), SessionStore(store, clock, TTL)
    sid = await there.create("li")
    assert not here.alive(digest(sid))
    await here.reload()
    assert here.alive(digest(sid))
    assert await here.lookup(sid) == Session("li", clock.now() + TTL)
    # A reload counts as the last read: a miss right after it does not read again.
    other = await there.create("wang")
    assert await here.lookup(other) is None
    await there.end(sid)
    await here.reload()
    assert not here.alive(digest(sid)) and here.alive(digest(other))


async def test_ending_sessions_tells_the_listeners(mono: Monotonic) -> None:
    store, clock = MemoryStore(), ManualClock()
    one = SessionStore(store, clock, TTL)
    told: list[str] = []
    one.listeners.append(lambda: told.append("a"))
    one.listeners.append(lambda: told.append("b"))
    li1, li2, wang = await one.create("li"), await one.create("li"), await one.create("wang")
    assert told == []  # creating is not ending
    await one.end(li1)
    assert told == ["a", "b"]
    assert await one.lookup(li1) is None and not one.alive(digest(li1))
    assert digest(li1) not in await store.get_items(SESSION_KIND)
    assert one.alive(digest(li2))
    # Every session of one user, and no one else's.
    await one.end_user("li")
    assert told == ["a", "b", "a", "b"]
    assert not one.alive(digest(li2)) and await one.lookup(li2) is None
    assert set(await store.get_items(SESSION_KIND)) == {digest(wang)}
    assert await one.lookup(wang) is not None


async def test_a_user_is_logged_out_of_sessions_made_on_other_instances(
    mono: Monotonic,
) -> None:
    store, clock = MemoryStore(), ManualClock()
    here, there = SessionStore(store, clock, TTL), SessionStore(store, clock, TTL)
    await here.reload()
    elsewhere = await there.create("li")  # not in this instance's cache yet
    mine = await here.create("li")
    await here.end_user("li")
    assert await store.get_items(SESSION_KIND) == {}
    assert not here.alive(digest(mine))
    await there.reload()
    assert await there.lookup(elsewhere) is None
