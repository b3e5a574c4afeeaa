"""Room leases: each room is processed by exactly one live instance at a time.

Instances announce themselves in a membership set (scored by Redis time + ttl). Each
room's preferred owner is picked by rendezvous hashing over the live instances, so
rooms spread evenly and move only when an instance joins or leaves. A lease is a key
`{prefix}:{<room>}:lease` holding the owner's id with a TTL; the owner renews it every
ttl/3 from a task of its own, so rebalancing (which waits for a released room's events)
never delays a renewal. When an instance dies its leases and membership expire and the
survivors take its rooms within about one TTL.

A renewal that comes late because the event loop was busy is late, not lost: while local
time is past the last renewal's validity the instance reads nothing new (`owned` is empty),
but when the renewal then succeeds the compare-and-expire has proven that no one else held
the lease in between, so the rooms are kept as they were (no re-claim, no state reset).
Only a renewal that Redis refuses, or an outage that outlasts the validity, loses rooms.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from redis.asyncio.cluster import RedisCluster
from redis.exceptions import RedisError

from alerts.store.connect import RedisClient
from alerts.store.keys import KeyLayout
from alerts.store.resp_cluster import ClusterRespClient
from alerts.tasks import stop_tasks
from monitor.cluster.metrics import ClusterMetrics
from monitor.cluster.slots import PerKeyScript

log = logging.getLogger(__name__)

# A free room whose preferred owner has not taken it after this many passes is fair game.
ORPHAN_PASSES = 2

_HEARTBEAT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZRANGE', KEYS[1], 0, -1)
"""

_ACQUIRE = """
local out = {}
for i, key in ipairs(KEYS) do
  out[i] = redis.call('SET', key, ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0
end
return out
"""

_RENEW = """
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
"""

_RELEASE = """
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('DEL', key)
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
"""


def preferred_owner(room: str, instances: Iterable[str]) -> str | None:
    """Return the instance that should own a room (highest rendezvous hash), if any."""
    best: tuple[bytes, str] | None = None
    for inst in instances:
        h = hashlib.blake2b(f"{room}\x1f{inst}".encode(), digest_size=8).digest()
        if best is None or (h, inst) > best:
            best = (h, inst)
    return best[1] if best else None


class RoomLeases:
    """Acquire, renew, rebalance and release this instance's room leases."""

    name = "cluster-leases"

    def __init__(
        self,
        client: RedisClient,
        *,
        prefix: str,
        instance_id: str,
        rooms: Iterable[str],
        ttl: float,
        metrics: ClusterMetrics,
        fast: ClusterRespClient | None = None,
    ) -> None:
        self._client = client
        self._prefix = prefix
        self.instance_id = instance_id
        self.rooms = tuple(dict.fromkeys(rooms))
        self.ttl = ttl
        self._metrics = metrics
        self._owned: set[str] = set()
        self._releasing: set[str] = set()
        self._failing: set[str] = set()  # loops in an outage (logged once each way)
        self._valid_until = 0.0
        self._last_renewed = 0.0
        self._epochs: defaultdict[str, int] = defaultdict(int)
        self._free_passes: dict[str, int] = {}
        self.live: list[str] = []
        # Called before a room is given up voluntarily: finish its in-flight events.
        self.on_release: Callable[[str], Awaitable[None]] | None = None
        # Called once a room is this instance's no more (released or lost), and when one
        # is gained: per-room state kept elsewhere (plan windows) follows the lease.
        self.on_gone: list[Callable[[str], None]] = []
        self.on_gained: list[Callable[[str], None]] = []
        # Awaited with the rooms just acquired before they are read, and with the rooms
        # being released once their events are done, before the leases go (window handover).
        self.before_gain: Callable[[list[str]], Awaitable[None]] | None = None
        self.before_release: Callable[[list[str]], Awaitable[None]] | None = None
        self._heartbeat = client.register_script(_HEARTBEAT)
        self._acquire = PerKeyScript(client, _ACQUIRE, fast)
        self._renew = PerKeyScript(client, _RENEW, fast)
        self._release = PerKeyScript(client, _RELEASE, fast)
        self._keys = KeyLayout(prefix)

    @property
    def interval(self) -> float:
        return self.ttl / 3

    @property
    def owned(self) -> frozenset[str]:
        """Rooms this instance may process now (none while renewals are overdue)."""
        if time.monotonic() >= self._valid_until:
            return frozenset()
        return frozenset(self._owned)

    @property
    def held(self) -> frozenset[str]:
        """Rooms this instance holds, even while a late renewal has not confirmed them yet."""
        return frozenset(self._owned)

    def epoch(self, room: str) -> int:
        """Return how many times this instance has acquired a room (a new one: a new tenure)."""
        return self._epochs[room]

    def lease_key(self, room: str) -> str:
        return self._keys.lease(room)

    @property
    def members_key(self) -> str:
        return self._keys.members()

    async def run(self, emit: object = None) -> None:
        """Renew (own task) and rebalance until cancelled; Redis errors retry every interval."""
        await self._guarded("renew", self.renew)
        await self._guarded("rebalance", self.rebalance)
        keeper = asyncio.create_task(self._every_interval("renew", self.renew), name="lease-renew")
        try:
            await self._every_interval("rebalance", self.rebalance)
        finally:
            await stop_tasks([keeper])

    async def _every_interval(self, what: str, step: Callable[[], Awaitable[None]]) -> None:
        while True:
            await asyncio.sleep(self.interval)
            await self._guarded(what, step)

    async def _guarded(self, what: str, step: Callable[[], Awaitable[None]]) -> None:
        try:
            await step()
            if what in self._failing:
                self._failing.discard(what)
                log.info("lease %s reconnected to redis; %d rooms owned", what, len(self._owned))
        except (RedisError, OSError) as exc:
            self._metrics.redis_errors.labels("leases").inc()
            if what not in self._failing:
                self._failing.add(what)
                log.warning("lease %s cannot reach redis (%s); retrying", what, exc)
            if what == "renew" and time.monotonic() >= self._valid_until and self._owned:
                log.warning("leases on %d rooms lapsed during the outage", len(self._owned))
                self._metrics.lease_changes.labels("lost").inc(len(self._owned))
                self._lose(sorted(self._owned))
        except Exception:
            # Anything else (a reply of an unexpected shape, a hook that raised) is logged with
            # its trace and retried at the next interval: the loop that keeps and balances the
            # rooms must not end, or this instance would stop renewing while still running.
            log.exception("lease %s failed; retrying at the next interval", what)

    async def step(self) -> None:
        """One pass: heartbeat and renew, then rebalance."""
        await self.renew()
        await self.rebalance()

    async def renew(self) -> None:
        """Heartbeat and extend every lease held (and those being released)."""
        ttl_ms = int(self.ttl * 1000)
        started = time.monotonic()
        raw = await self._heartbeat(keys=[self.members_key], args=[self.instance_id, ttl_ms])
        self.live = sorted(m.decode() if isinstance(m, bytes) else str(m) for m in raw)
        self._metrics.instances.set(len(self.live))
        mine = sorted(self._owned)
        going = sorted(self._releasing - self._owned)
        if mine or going:
            kept = await self._renew(
                [self.lease_key(r) for r in [*mine, *going]], [self.instance_id, ttl_ms]
            )
            lost = [r for r, ok in zip(mine, kept[: len(mine)], strict=True) if not ok]
            lost = [r for r in lost if r in self._owned]  # not released meanwhile
            if lost:
                log.warning("lost the lease on %d rooms: %s", len(lost), ", ".join(lost[:10]))
                self._metrics.lease_changes.labels("lost").inc(len(lost))
                self._lose(lost)
        if self._last_renewed and started >= self._valid_until and self._owned:
            # The loop was busy past the validity; Redis confirmed the leases were still ours.
            self._metrics.renewals_late.inc()
            log.warning(
                "lease renewal ran %.1fs after the last one (event loop busy); leases kept",
                started - self._last_renewed,
            )
        self._last_renewed = started
        # Renewed rooms stay valid for a little less than the TTL measured from before the call.
        self._valid_until = started + self.ttl * 0.8

    def _lose(self, rooms: list[str]) -> None:
        self._owned.difference_update(rooms)
        self._metrics.leases_owned.set(len(self._owned))
        for room in rooms:
            for hook in self.on_gone:
                hook(room)

    async def rebalance(self) -> None:
        """Give up rooms that belong elsewhere, take free ones."""
        ttl_ms = int(self.ttl * 1000)
        prefer = {r: preferred_owner(r, self.live) for r in self.rooms}
        leaving = [r for r in self._owned if prefer[r] not in (None, self.instance_id)]
        if leaving:
            await self.release(leaving)
        lease_keys = [self.lease_key(r) for r in self.rooms]
        if isinstance(self._client, RedisCluster):
            holders = await self._client.mget_nonatomic(lease_keys)  # by slot, in order
        else:
            holders = await self._client.mget(lease_keys)
        wanted: list[str] = []
        for room, holder in zip(self.rooms, holders, strict=True):
            if holder is not None or room in self._owned:
                self._free_passes.pop(room, None)
                continue
            passes = self._free_passes.get(room, 0) + 1
            self._free_passes[room] = passes
            if prefer[room] == self.instance_id or passes > ORPHAN_PASSES:
                wanted.append(room)
        if wanted:
            got = await self._acquire(
                [self.lease_key(r) for r in wanted], [self.instance_id, ttl_ms]
            )
            gained = [r for r, ok in zip(wanted, got, strict=True) if ok]
            if gained:
                log.info("acquired %d room leases", len(gained))
                self._metrics.lease_changes.labels("acquired").inc(len(gained))
                for room in gained:
                    self._epochs[room] += 1
                    for hook in self.on_gained:
                        hook(room)
                if self.before_gain is not None:
                    await self.before_gain(gained)
                self._owned.update(gained)
        self._metrics.leases_owned.set(len(self._owned))

    async def release(self, rooms: Iterable[str], *, leave: bool = False) -> None:
        """Give rooms up: stop owning them, let in-flight events finish, delete the leases."""
        rooms = sorted(set(rooms) & self._owned)
        self._owned.difference_update(rooms)
        self._releasing.update(rooms)
        try:
            if self.on_release is not None and rooms:
                drains = asyncio.gather(*(self.on_release(r) for r in rooms))
                await self._renew_while(drains, rooms)
            if self.before_release is not None and rooms:
                await self.before_release(rooms)
            for room in rooms:
                for hook in self.on_gone:
                    hook(room)
            if rooms:
                await self._release([self.lease_key(r) for r in rooms], [self.instance_id])
            if leave:
                await self._client.zrem(self.members_key, self.instance_id)
        finally:
            self._releasing.difference_update(rooms)
        if rooms:
            log.info("released %d room leases", len(rooms))
            self._metrics.lease_changes.labels("released").inc(len(rooms))
        self._metrics.leases_owned.set(len(self._owned))

    async def _renew_while(self, work: asyncio.Future[Any], releasing: list[str]) -> None:
        """Wait for work, renewing every lease meanwhile (the rooms going too, until it ends).

        A drain can outlast the TTL on a busy instance; without renewals another instance
        would take rooms this one is still processing, and both would handle their events.
        """
        ttl_ms = int(self.ttl * 1000)
        try:
            while not (await asyncio.wait([work], timeout=self.interval))[0]:
                started = time.monotonic()
                mine = sorted(self._owned)
                kept = await self._renew(
                    [self.lease_key(r) for r in [*mine, *releasing]], [self.instance_id, ttl_ms]
                )
                lost = [r for r, ok in zip(mine, kept[: len(mine)], strict=True) if not ok]
                lost = [r for r in lost if r in self._owned]
                if lost:
                    self._metrics.lease_changes.labels("lost").inc(len(lost))
                    self._lose(lost)
                self._valid_until = started + self.ttl * 0.8
        finally:
            await stop_tasks([work])
        work.result()

    async def release_all(self) -> None:
        """Give up every room and leave the membership set (graceful stop)."""
        try:
            await self.release(list(self._owned), leave=True)
        except (RedisError, OSError) as exc:
            log.warning(
                "could not release leases on stop (%s); they expire in %.1fs", exc, self.ttl
            )
