"""Redis Streams input: one stream per room, read through a consumer group by the room's owner.

Wire format (for producers outside roomwatch): `XADD {prefix}:{<room>}:in * e <event JSON>`
(the braces are literal: the room id is the key's hash tag, alerts/store/keys.py), the JSON
being the documented event schema. Every instance uses the consumer group
`roomwatch` and its instance id as consumer name, and reads only the streams of rooms
it leases (monitor/cluster/leases.py), so a room's events are processed by one instance,
in order. An entry is acknowledged (XACK) only after the pipeline has processed it; when
a room changes owner the new owner first claims (XAUTOCLAIM) the entries its previous
owner read but never acknowledged, so nothing is lost when an instance dies.

On Redis Cluster a command may only name keys of one slot, and every room has a slot of its
own, so the owned streams are read with one XREADGROUP per slot (sent to each shard in one
write) and without BLOCK: while nothing comes the next read waits CLUSTER_POLL, doubling
up to a cap of CLUSTER_POLL_MIN_CAP, or CLUSTER_POLL_PER_ROOM per room read when that is
more (up to CLUSTER_POLL_MAX), and any entry read makes the next read immediate. So an idle
instance makes at most 50 rounds of reads a second, and at most 4,000 reads a second in
all up to 800 rooms (docs/scaling.md has what that costs).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

import orjson
from redis.exceptions import RedisError, ResponseError

from alerts.store.base import StoreError
from alerts.store.connect import RedisClient
from alerts.store.keys import KeyLayout
from alerts.store.resp import RespClient, RespError
from alerts.store.resp_cluster import ClusterRespClient, group_by_slot
from alerts.tasks import stop_tasks
from monitor.cluster.leases import RoomLeases
from monitor.cluster.metrics import ClusterMetrics
from monitor.events import EventError, parse_event
from monitor.pipeline import Pipeline

log = logging.getLogger(__name__)

GROUP = "roomwatch"
FIELD = b"e"
RETRY_IDLE = 30.0  # seconds before any entry pending this long is claimed again (safety net)
RETRY_FIRST = 0.5  # seconds before an entry that failed on a store error is tried again
RETRY_MAX = 8.0  # longest wait between tries of the same entry (doubling from RETRY_FIRST)
DRAIN_WAIT = 1.5  # longest wait for a released room's in-flight events
ACK_DELAY = 0.02  # seconds acks are gathered before one XACK round trip
MAX_INFLIGHT = 5_000  # entries read but not yet processed, across this instance's rooms


@dataclass(frozen=True, slots=True)
class _Retry:
    """An entry that failed on a store error, waiting to be tried again."""

    room: str
    key: str
    entry_id: bytes
    fields: dict[bytes, bytes]
    epoch: int
    tries: int
    due: float


CLUSTER_POLL = 0.001  # seconds after an empty read on Redis Cluster (no BLOCK there) ...
CLUSTER_POLL_PER_ROOM = 0.00025  # ... doubling while reads stay empty, up to this per room
CLUSTER_POLL_MIN_CAP = 0.02  # read (but never less than this cap ...
CLUSTER_POLL_MAX = 0.2  # ... nor more than this)


def stream_key(prefix: str, room: str) -> str:
    """Return the input stream of a room."""
    return KeyLayout(prefix).stream(room)


class RedisStreamConsumer:
    """Read the leased rooms' input streams into the pipeline; acknowledge what it processed."""

    name = "redis-stream"

    def __init__(
        self,
        client: RedisClient,
        *,
        prefix: str,
        leases: RoomLeases,
        pipeline: Pipeline,
        rooms: Iterable[str],
        metrics: ClusterMetrics,
        batch: int = 500,
        block_ms: int = 200,
        reader: RespClient | ClusterRespClient | None = None,
    ) -> None:
        self._client = client
        # Reads (XREADGROUP with BLOCK) on a connection of their own; redis-py's parses each
        # entry into dicts and records its stream lag, a tenth of a core at 10,000 events/s.
        self._reader = reader
        self._prefix = prefix
        self._leases = leases
        self._consumer = leases.instance_id
        self._pipeline = pipeline
        self._rooms = frozenset(rooms)
        self._metrics = metrics
        self._batch = batch
        self._block_ms = block_ms
        self._empty_reads = 0  # empty reads in a row (Redis Cluster's polling backs off)
        # Rooms being read, with the lease tenure (epoch) their pending entries were claimed in.
        self._active: dict[str, int] = {}
        self._grouped: set[str] = set()
        self._inflight: dict[str, int] = defaultdict(int)
        # Entry ids are unique per stream only, so in-flight entries are keyed by (stream, id).
        self._inflight_ids: set[tuple[str, bytes]] = set()
        # Processed entries whose XACK is not sent yet: a claim must not hand them out again.
        self._unacked_ids: set[tuple[str, bytes]] = set()
        self._acks: dict[str, list[bytes]] = defaultdict(list)
        # Entries that failed on a store error, kept to be tried again from memory while the
        # same lease tenure holds their room: (room, key, id, fields, epoch, tries, due).
        self._retries: list[_Retry] = []
        self._retrying: set[tuple[str, bytes]] = set()
        self._ack_wake = asyncio.Event()
        self._reading = asyncio.Lock()
        self._last_retry = time.monotonic()
        leases.on_release = self.drain_room

    @property
    def inflight(self) -> int:
        return sum(self._inflight.values())

    async def run(self, emit: object = None) -> None:
        """Read until cancelled (events go to the pipeline directly, with completion hooks)."""
        acker = asyncio.create_task(self._ack_loop(), name="stream-acks")
        try:
            await self._read_loop()
        finally:
            await stop_tasks([acker])

    async def _read_loop(self) -> None:
        failing = False
        while True:
            try:
                await self._read_once()
                if failing:
                    log.info("stream consumer reconnected to redis")
                failing = False
            except (RedisError, OSError) as exc:
                if isinstance(exc, ResponseError) and "NOGROUP" in str(exc):
                    # Redis lost the groups (restart without persistence): make them again.
                    self._grouped.clear()
                    self._active.clear()
                    continue
                self._metrics.redis_errors.labels("stream").inc()
                if not failing:
                    log.warning("stream consumer cannot reach redis (%s); retrying", exc)
                failing = True
                await asyncio.sleep(0.5)

    async def _read_once(self) -> None:
        leases = self._leases
        held = leases.held
        # A room stays active while the same tenure holds it, even through a late renewal
        # (reading pauses meanwhile); lost and regained means claim its pending entries anew.
        for room, epoch in list(self._active.items()):
            if room not in held or leases.epoch(room) != epoch:
                del self._active[room]
        owned = leases.owned
        for room in sorted(owned - self._active.keys()):
            await self._ensure_group(room)
            await self._claim(room, min_idle_ms=0)
            self._active[room] = leases.epoch(room)
        readable = sorted(owned & self._active.keys())
        if self._retries:
            await self._retry_due()
        if time.monotonic() - self._last_retry > RETRY_IDLE / 2:
            self._last_retry = time.monotonic()
            for room in readable:
                await self._claim(room, min_idle_ms=int(RETRY_IDLE * 1000))
        if not readable:
            await asyncio.sleep(0.1)
            return
        room_left = MAX_INFLIGHT - self.inflight
        if room_left <= 0:
            # The stream holds the backlog, not this process: a short local queue keeps
            # latency, memory and the pending list (what a takeover must re-claim) small.
            await asyncio.sleep(0.005)
            return
        async with self._reading:
            rooms = [r for r in readable if r in self._active]
            if not rooms:
                return  # every readable room was released while waiting for the lock
            # COUNT is per stream: share what may still be in flight among the rooms.
            count = max(1, min(self._batch, room_left // max(1, len(rooms))))
            keys = [stream_key(self._prefix, r) for r in rooms]
            room_of = dict(zip(keys, rooms, strict=True))
            reply: Any
            if self._reader is not None:
                reply = await self._read_raw(keys, count)
            else:
                reply = await self._client.xreadgroup(
                    GROUP, self._consumer, dict.fromkeys(keys, ">"), count=count,
                    block=self._block_ms,
                )  # fmt: skip
            for key, entries in reply or ():
                name = key.decode() if isinstance(key, bytes) else str(key)
                room = room_of[name]
                for entry_id, fields in entries:
                    await self._deliver(room, name, entry_id, fields, "new")

    async def _read_raw(self, keys: list[str], count: int) -> list[Any]:
        """XREADGROUP through the lean reader: [(stream, [(id, {field: value})])]."""
        assert self._reader is not None
        reader = self._reader
        try:
            if isinstance(reader, ClusterRespClient):
                replies = await reader.execute_many(
                    [
                        ("XREADGROUP", "GROUP", GROUP, self._consumer, "COUNT", count,
                         "STREAMS", *group, *([">"] * len(group)))
                        for group in group_by_slot(keys)
                    ],
                    retry=False,
                )  # fmt: skip
                raw = [stream for reply in replies for stream in reply or ()]
                if raw:
                    self._empty_reads = 0
                else:
                    cap = min(
                        CLUSTER_POLL_MAX,
                        max(CLUSTER_POLL_MIN_CAP, len(keys) * CLUSTER_POLL_PER_ROOM),
                    )
                    await asyncio.sleep(min(cap, CLUSTER_POLL * 2**self._empty_reads))
                    self._empty_reads = min(self._empty_reads + 1, 10)
            else:
                raw = await reader.execute(
                    "XREADGROUP", "GROUP", GROUP, self._consumer, "COUNT", count,
                    "BLOCK", self._block_ms, "STREAMS", *keys, *([">"] * len(keys)),
                    retry=False,
                )  # fmt: skip
        except RespError as exc:
            raise ResponseError(str(exc)) from exc  # NOGROUP and the like, as redis-py says
        out: list[Any] = []
        for key, entries in raw or ():
            parsed = []
            for entry_id, flat in entries:
                fields = dict(zip(flat[::2], flat[1::2], strict=True)) if flat else {}
                parsed.append((entry_id, fields))
            out.append((key, parsed))
        return out

    async def _ensure_group(self, room: str) -> None:
        if room in self._grouped:
            return
        try:
            await self._client.xgroup_create(
                stream_key(self._prefix, room), GROUP, id="0", mkstream=True
            )
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._grouped.add(room)

    async def _claim(self, room: str, *, min_idle_ms: int) -> None:
        """Take over entries read but never acknowledged (by a dead owner or a failed try)."""
        key = stream_key(self._prefix, room)
        start: Any = "0-0"
        while True:
            reply: Any = await self._client.xautoclaim(
                key, GROUP, self._consumer, min_idle_ms, start_id=start, count=self._batch
            )
            start, entries = reply[0], reply[1]
            for entry_id, fields in entries:
                busy = (key, entry_id) in self._inflight_ids or (key, entry_id) in self._unacked_ids
                if min_idle_ms and (key, entry_id) in self._retrying:
                    busy = True  # tried again from memory soon; a claim on gain takes it anyway
                if busy or fields is None:
                    continue
                await self._deliver(room, key, entry_id, fields, "claimed")
            if start in (b"0-0", "0-0"):
                return

    async def _retry_due(self) -> None:
        """Hand failed entries whose wait is over to the pipeline again.

        An entry that failed on a store error stays pending in Redis, but waiting for the
        RETRY_IDLE claim would hold it for up to 45 s after the store is back; retried from
        memory it is processed within RETRY_MAX of recovery. An entry whose room was lost
        since is left to the claim of whoever owns the room now.
        """
        now = time.monotonic()
        keep: list[_Retry] = []
        due: list[_Retry] = []
        for item in self._retries:
            if self._active.get(item.room) != item.epoch:
                # Lost (and maybe regained): the claim on gain hands it out again.
                self._retrying.discard((item.key, item.entry_id))
                continue
            (due if item.due <= now else keep).append(item)
        self._retries = keep
        for item in due:
            self._retrying.discard((item.key, item.entry_id))
            if (item.key, item.entry_id) in self._inflight_ids:
                continue
            await self._deliver(
                item.room, item.key, item.entry_id, item.fields, "retried", tries=item.tries
            )

    async def _deliver(
        self,
        room: str,
        key: str,
        entry_id: bytes,
        fields: dict[bytes, bytes],
        how: str,
        *,
        tries: int = 0,
    ) -> None:
        try:
            raw = fields.get(FIELD)
            if raw is None:
                raise EventError("e", "the stream entry has no 'e' field")
            event = parse_event(orjson.loads(raw), rooms=self._rooms)
            if event.room != room:
                raise EventError("room", f"is {event.room!r} but the entry is in {key}")
        except (EventError, orjson.JSONDecodeError) as exc:
            self._metrics.stream_bad.inc()
            log.warning("dropping bad entry %s of %s: %s", entry_id, key, exc)
            self._acks[key].append(entry_id)
            self._ack_wake.set()
            return
        self._metrics.stream_read.labels(how).inc()
        self._inflight[room] += 1
        self._inflight_ids.add((key, entry_id))
        done = partial(self._done, room, key, entry_id, fields, self._active.get(room, -1), tries)
        await self._pipeline.submit(event, done)

    def _done(
        self,
        room: str,
        key: str,
        entry_id: bytes,
        fields: dict[bytes, bytes],
        epoch: int,
        tries: int,
        error: BaseException | None,
    ) -> None:
        self._inflight[room] -= 1
        self._inflight_ids.discard((key, entry_id))
        if isinstance(error, StoreError | asyncio.CancelledError):
            # Not durably processed: it stays pending in Redis, and is tried again from here.
            self._metrics.stream_retried.inc()
            if isinstance(error, StoreError):
                wait = min(RETRY_MAX, RETRY_FIRST * 2**tries)
                due = time.monotonic() + wait
                self._retries.append(_Retry(room, key, entry_id, fields, epoch, tries + 1, due))
                self._retrying.add((key, entry_id))
            return
        self._acks[key].append(entry_id)
        self._unacked_ids.add((key, entry_id))
        self._ack_wake.set()

    async def _ack_loop(self) -> None:
        while True:
            await self._ack_wake.wait()
            # Acks are not on anyone's critical path: gather a few ms worth into one round trip.
            await asyncio.sleep(ACK_DELAY)
            self._ack_wake.clear()
            if not await self.flush_acks():
                await asyncio.sleep(0.5)
                self._ack_wake.set()

    async def flush_acks(self) -> bool:
        """Acknowledge every processed entry; False (and kept for later) when Redis fails."""
        if not self._acks:
            return True
        acks, self._acks = self._acks, defaultdict(list)
        try:
            if isinstance(self._reader, ClusterRespClient):
                # One XACK per stream, each shard's in one write: redis-py's cluster
                # pipeline costs several times the CPU per command.
                await self._reader.execute_many(
                    [("XACK", key, GROUP, *ids) for key, ids in acks.items()]
                )
            else:
                async with self._client.pipeline(transaction=False) as pipe:
                    for key, ids in acks.items():
                        pipe.xack(key, GROUP, *ids)
                    await pipe.execute()
        except (RedisError, RespError, OSError) as exc:
            self._metrics.redis_errors.labels("acks").inc()
            log.warning("could not acknowledge %d entries (%s)", sum(map(len, acks.values())), exc)
            for key, ids in acks.items():
                self._acks[key][:0] = ids
            return False
        self._unacked_ids.difference_update((k, i) for k, ids in acks.items() for i in ids)
        self._metrics.stream_acked.inc(sum(len(ids) for ids in acks.values()))
        return True

    async def drain_room(self, room: str) -> None:
        """Stop reading a room and wait (briefly) for its in-flight events to be processed."""
        self._active.pop(room, None)
        async with self._reading:
            pass  # a read that included the room has now been dispatched
        deadline = time.monotonic() + DRAIN_WAIT
        # Polling is fine here: it runs only when a room moves, for at most DRAIN_WAIT.
        while self._inflight[room] > 0 and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        await self.flush_acks()

    async def flush_acks_quietly(self) -> None:
        """Acknowledge what was processed during the drain (teardown step)."""
        await self.flush_acks()
