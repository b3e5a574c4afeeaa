"""Input-stream backlog: how much ingest may still accept, and trimming what was processed.

An entry stays in its room's stream until the consumer group has acknowledged it: the
owner of a room trims the stream only below the oldest entry still pending (or, with
none pending, below the last one delivered), so nothing accepted is trimmed unprocessed.
What bounds the streams instead is backpressure: every instance polls each room's
unprocessed backlog (entries pending in the group + entries not read yet), and the
router refuses new events for a room whose backlog, or while the total backlog, is at its
bound; ingest then answers 503 with Retry-After. Between polls the instance adds what
it accepted itself (and what it accepted but has not written yet), so one instance cannot
overshoot by more than the other instances accept within one poll interval.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from redis.exceptions import RedisError

from alerts.store.connect import RedisClient
from alerts.store.resp_cluster import ClusterRespClient
from monitor.cluster.leases import RoomLeases
from monitor.cluster.metrics import ClusterMetrics
from monitor.cluster.slots import PerKeyScript
from monitor.collectors.redis_stream import GROUP, stream_key

log = logging.getLogger(__name__)

POLL_EVERY = 0.2  # seconds between backlog polls
TRIM_EVERY = 1.0  # seconds between trims of the streams this instance owns
FORGET_EVERY = 60.0  # seconds between sweeps of the owned streams' idle consumers
# A consumer (one per instance id, so one per process that ever read the stream) with nothing
# pending and idle this long is deleted from the group: restarts would otherwise pile them up.
# One with entries pending is never deleted (its entries would lose their pending state).
CONSUMER_IDLE = 600.0

# KEYS: streams; ARGV[1]: group. Per stream: pending + lag of the group; where the group
# does not exist yet or Redis cannot tell its lag, every entry in the stream.
_BACKLOG = """
local out = {}
for i, key in ipairs(KEYS) do
  local n = 0
  if redis.call('EXISTS', key) == 1 then
    n = false
    for _, g in ipairs(redis.call('XINFO', 'GROUPS', key)) do
      local f = {}
      for j = 1, #g, 2 do f[g[j]] = g[j + 1] end
      if f['name'] == ARGV[1] and f['lag'] then n = f['pending'] + f['lag'] end
    end
    if not n then n = redis.call('XLEN', key) end
  end
  out[i] = n
end
return out
"""

# KEYS: streams; ARGV[1]: group. Trim each stream below the group's oldest pending entry
# (none pending: below its last delivered entry); entries past that were never acked.
_TRIM = """
local out = {}
for i, key in ipairs(KEYS) do
  local trimmed = 0
  if redis.call('EXISTS', key) == 1 then
    local floor = false
    for _, g in ipairs(redis.call('XINFO', 'GROUPS', key)) do
      local f = {}
      for j = 1, #g, 2 do f[g[j]] = g[j + 1] end
      if f['name'] == ARGV[1] then floor = f['last-delivered-id'] end
    end
    if floor then
      local p = redis.call('XPENDING', key, ARGV[1])
      if p[1] > 0 then floor = p[2] end
      trimmed = redis.call('XTRIM', key, 'MINID', '~', floor)
    end
  end
  out[i] = trimmed
end
return out
"""

# KEYS[1]: a stream; ARGV: group, this instance's consumer, min idle ms. Delete the group's
# consumers other than this one with nothing pending and idle that long; return their names.
_FORGET = """
local out = {}
if redis.call('EXISTS', KEYS[1]) == 0 then return out end
local ok, consumers = pcall(redis.call, 'XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
if not ok then return out end
for _, c in ipairs(consumers) do
  local f = {}
  for j = 1, #c, 2 do f[c[j]] = c[j + 1] end
  if f['name'] ~= ARGV[2] and f['pending'] == 0 and f['idle'] >= tonumber(ARGV[3]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], f['name'])
    out[#out + 1] = f['name']
  end
end
return out
"""


class StreamBacklog:
    """Poll every room's unprocessed backlog; trim the owned rooms' streams; admit or refuse."""

    name = "stream-backlog"

    def __init__(
        self,
        client: RedisClient,
        *,
        prefix: str,
        rooms: Iterable[str],
        leases: RoomLeases,
        max_total: int,
        max_room: int,
        metrics: ClusterMetrics,
        fast: ClusterRespClient | None = None,
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._rooms = tuple(dict.fromkeys(rooms))
        self._leases = leases
        self.max_total = max_total
        self.max_room = max_room
        self._metrics = metrics
        self._polled: dict[str, int] = {}
        self._polled_total = 0
        # Accepted here since the last poll began, and since the current one began.
        self._added: defaultdict[str, int] = defaultdict(int)
        self._added_total = 0
        self._next: defaultdict[str, int] = defaultdict(int)
        self._next_total = 0
        # Accepted but not written to Redis yet: a poll cannot see them, so each poll's
        # estimate starts from them. One whose write lands while the poll reads may be counted
        # twice until the next poll: the estimate errs toward refusing (503 + Retry-After),
        # never past the bound.
        self._unwritten: defaultdict[str, int] = defaultdict(int)
        self._unwritten_total = 0
        self._shown: set[str] = set()
        self._round = asyncio.Event()
        self._backlog = PerKeyScript(client, _BACKLOG, fast)
        self._trim = PerKeyScript(client, _TRIM, fast)
        self._forget = client.register_script(_FORGET)
        self._since_forget = 0.0

    def room(self, room: str) -> int:
        """Return a room's unprocessed entries (last poll + what this instance added since)."""
        return self._polled.get(room, 0) + self._added.get(room, 0)

    @property
    def total(self) -> int:
        """Return the unprocessed entries of every room's stream (same estimate)."""
        return self._polled_total + self._added_total

    def check(self, room: str | None = None) -> tuple[str, str] | None:
        """Return (reason code, message) when an event for `room` (None: any) must wait."""
        total = self.total
        if total >= self.max_total:
            return "backlog", (
                f"{total} events are waiting to be processed, at the limit of "
                f"{self.max_total} (cluster.max_backlog)"
            )
        if room is not None:
            n = self.room(room)
            if n >= self.max_room:
                return "room_backlog", (
                    f"room {room!r} has {n} events waiting to be processed, at the limit of "
                    f"{self.max_room} (cluster.max_room_backlog)"
                )
        return None

    def note(self, room: str) -> None:
        """Count an event accepted for a room (until a poll sees it in Redis)."""
        self._added[room] += 1
        self._added_total += 1
        self._next[room] += 1
        self._next_total += 1
        self._unwritten[room] += 1
        self._unwritten_total += 1

    def written(self, rooms: Iterable[str]) -> None:
        """Count events (one room per event) that are now in their streams."""
        for room in rooms:
            self._unwritten[room] -= 1
            self._unwritten_total -= 1

    async def next_poll(self) -> None:
        """Wait until the next poll has finished (or failed)."""
        await self._round.wait()

    async def run(self, emit: object = None) -> None:
        """Poll (and trim) until cancelled; Redis errors keep the last figures and retry."""
        failing = False
        since_trim = TRIM_EVERY
        while True:
            try:
                await self.poll()
                since_trim += POLL_EVERY
                if since_trim >= TRIM_EVERY:
                    since_trim = 0.0
                    await self.trim()
                self._since_forget += POLL_EVERY
                if self._since_forget >= FORGET_EVERY:
                    self._since_forget = 0.0
                    await self.forget_idle_consumers()
                if failing:
                    log.info("backlog poll reconnected to redis; %d events waiting", self.total)
                failing = False
            except (RedisError, OSError) as exc:
                self._metrics.redis_errors.labels("backlog").inc()
                if not failing:
                    log.warning("backlog poll cannot reach redis (%s); retrying", exc)
                failing = True
            finally:
                self._round.set()
                self._round = asyncio.Event()
            await asyncio.sleep(POLL_EVERY)

    async def poll(self) -> None:
        """Read every room's backlog from Redis."""
        self._next = defaultdict(int, {r: n for r, n in self._unwritten.items() if n})
        self._next_total = self._unwritten_total
        reply = await self._backlog([stream_key(self._prefix, r) for r in self._rooms], [GROUP])
        self._polled = {r: int(n) for r, n in zip(self._rooms, reply, strict=True)}
        self._polled_total = sum(self._polled.values())
        self._added, self._added_total = self._next, self._next_total
        owned = self._leases.owned
        for room in self._shown - owned:
            self._metrics.stream_backlog.remove(room)
        for room in owned:
            self._metrics.stream_backlog.labels(room).set(self._polled.get(room, 0))
        self._shown = set(owned)

    async def unprocessed(self) -> int:
        """Return the entries of every room's stream not yet acknowledged (read from Redis now)."""
        reply = await self._backlog([stream_key(self._prefix, r) for r in self._rooms], [GROUP])
        return sum(int(n) for n in reply)

    async def forget_idle_consumers(self, idle: float = CONSUMER_IDLE) -> list[str]:
        """Delete the owned streams' consumers that have nothing pending and sat idle."""
        forgotten: list[str] = []
        for room in sorted(self._leases.owned):
            # One stream per call: the check and the delete are atomic, on one slot.
            names: Any = await self._forget(
                keys=[stream_key(self._prefix, room)],
                args=[GROUP, self._leases.instance_id, int(idle * 1000)],
            )
            forgotten.extend(f"{room}/{n.decode() if isinstance(n, bytes) else n}" for n in names)
        if forgotten:
            log.info("forgot %d idle stream consumers", len(forgotten))
        return forgotten

    async def trim(self) -> int:
        """Trim the owned rooms' streams below what the group has not acknowledged."""
        rooms = sorted(self._leases.owned)
        if not rooms:
            return 0
        reply = await self._trim([stream_key(self._prefix, r) for r in rooms], [GROUP])
        trimmed = sum(int(n) for n in reply)
        self._metrics.stream_trimmed.inc(trimmed)
        return trimmed
