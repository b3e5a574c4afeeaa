"""The pipeline runtime: bounded queue -> detection -> plans -> alert manager -> outputs.

Events are spread over a few workers by room: one room's events are processed by one
worker, in arrival order (plan windows need that), while another room's events go on
when a worker waits for the store. The queue bound is shared by all workers.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import Protocol

from alerts.clock import Clock
from alerts.manager import AlertManager
from alerts.model import Signal, SignalKind
from alerts.plans import PlanEngine
from alerts.store.base import StoreError
from monitor.detect.allowlist import ScopedAllowlist
from monitor.detect.base import Detector, observe
from monitor.detect.detector import detection_job, to_signals
from monitor.events import AnyEvent, CommentEvent, MetricEvent
from monitor.metrics import ROOM_GAUGE_NAMES, UNKNOWN_SOURCE, LabelCache, ServiceMetrics
from monitor.negative_ratio import NegativeRatio
from monitor.offload import DetectorProcesses, Job

log = logging.getLogger(__name__)

YIELD_EVERY = 32  # events processed between forced yields to the event loop

FlagSink = Callable[[Signal], Awaitable[None]]
# Called once an event has been processed, with the error that stopped it (None: done).
Done = Callable[[BaseException | None], None]
Queued = tuple[AnyEvent, float, Done | None]  # event, when it was queued, its callback
OFFLOAD_BATCH = 256  # events a worker takes at once when detection runs in a child process


class IntakeUnavailable(Exception):
    """Redis could not take events a caller must answer for; `written` of them were stored."""

    def __init__(self, message: str, written: int) -> None:
        super().__init__(message)
        self.written = written


class Intake(Protocol):
    """Where offered events go instead of the local queue (cluster mode: Redis Streams)."""

    def offer(self, event: AnyEvent) -> bool: ...

    async def put(self, event: AnyEvent) -> bool: ...

    async def commit(self, events: Sequence[AnyEvent]) -> int: ...

    def refusal(self, room: str | None = None, *, count: bool = True) -> str | None: ...


class Watcher(Protocol):
    """Sees every processed event with its flags, and is ticked (monitor.supervision)."""

    def observe(self, event: AnyEvent, flags: list[Signal]) -> None: ...

    async def tick(self, now: float, rooms: Collection[str] | None) -> list[Signal]: ...


class Pipeline:
    """Carry events from the sources to the alert manager, one at a time, in order."""

    def __init__(
        self,
        *,
        detector: Detector,
        engine: PlanEngine,
        manager: AlertManager,
        metrics: ServiceMetrics,
        clock: Clock,
        queue_size: int,
        on_flag: FlagSink | None = None,
        negative_ratio: NegativeRatio | None = None,
        workers: int = 1,
    ) -> None:
        self.detector = detector
        self.engine = engine
        self._manager = manager
        self._metrics = metrics
        self._clock = clock
        self._queues: list[asyncio.Queue[Queued]] = [
            asyncio.Queue() for _ in range(max(1, workers))
        ]
        self._capacity = queue_size
        self._depth = 0  # events queued or being processed, over all workers
        self._space = asyncio.Event()
        self._space.set()
        self._on_flag = on_flag
        self._negative_ratio = negative_ratio
        self._accepting = True
        self.router: Intake | None = None
        # Room-scoped allowlist terms from the store (the console's); swapped whole.
        self.allowlist: ScopedAllowlist | None = None
        self.offload: DetectorProcesses | None = None  # detection in child processes
        self.watcher: Watcher | None = None  # questions and broadcasts (monitor.supervision)
        self.platforms: dict[str, str] = {}  # room -> its platform (rooms[].platform)
        self._events = LabelCache(metrics.events)
        self._source_lag = LabelCache(metrics.source_lag)
        self._comments = LabelCache(metrics.comments)
        self._flags = LabelCache(metrics.flags)
        self._room_gauge = LabelCache(metrics.room_gauge)
        # The newest value of each room gauge, (room, name) -> value: the console's room
        # overview reads it for every poll, which a walk over the gauge's series is too slow for.
        self.room_values: dict[tuple[str, str], float] = {}
        # Cluster mode: the rooms this instance processes now (time-based work is theirs only).
        self.tick_rooms: Callable[[], Collection[str]] | None = None
        metrics.queue_capacity.set(queue_size)
        metrics.queue_depth.set_function(lambda: self._depth)

    @property
    def accepting(self) -> bool:
        return self._accepting

    def stop_intake(self) -> None:
        """Refuse new events from now on (the first step of a graceful stop)."""
        self._accepting = False

    def refusal(self, room: str | None = None, *, count: bool = True) -> str | None:
        """Say why an event for `room` (None: for any room) would be refused now, if so.

        Cluster mode refuses while the input streams hold their limit of unprocessed
        events; `count` records the refusal (once per refused batch or event).
        """
        if not self._accepting:
            return "roomwatch is stopping"
        if self.router is not None:
            return self.router.refusal(room, count=count)
        if self._depth >= self._capacity:
            return "the pipeline queue is full"
        return None

    def offer(self, event: AnyEvent) -> bool:
        """Enqueue without waiting; a full queue drops the event and counts it."""
        if not self._accepting:
            return False
        if self.router is not None:
            return self.router.offer(event)
        if self._depth >= self._capacity:
            self._metrics.events_dropped.labels(event.source or UNKNOWN_SOURCE).inc()
            return False
        self._enqueue(event, None)
        return True

    def offer_many(self, events: Sequence[AnyEvent]) -> int:
        """Offer events in order; return how many were taken (the rest were refused)."""
        if self.router is not None or not self._accepting:
            taken = 0
            while taken < len(events) and self.offer(events[taken]):
                taken += 1
            return taken
        queues, n_queues = self._queues, len(self._queues)
        counts: dict[tuple[str, str, str], int] = {}
        newest: dict[str, float] = {}
        taken = 0
        for event in events:
            if self._depth >= self._capacity:
                self._metrics.events_dropped.labels(event.source or UNKNOWN_SOURCE).inc()
                break
            queues[hash(event.room) % n_queues].put_nowait((event, time.perf_counter(), None))
            self._depth += 1
            source = event.source or UNKNOWN_SOURCE
            key = (event.room, source, event.kind.value)
            counts[key] = counts.get(key, 0) + 1
            newest[source] = event.ts
            taken += 1
        # Counted once per batch: the same totals as one increment per event.
        for key, n in counts.items():
            self._events[key].inc(n)
        now = self._clock.now()
        for source, ts in newest.items():
            self._source_lag[(source,)].set(max(0.0, now - ts))
        return taken

    async def commit_many(self, events: Sequence[AnyEvent]) -> int:
        """Take events in order for a caller that answers for them; return how many were taken.

        On the Redis store they are in their rooms' input streams when this returns (a
        kill -9 loses none of them); Redis being unable to take them raises
        IntakeUnavailable. On the memory store this is `offer_many`:
        taken means queued in this process, and lost with it.
        """
        if self.router is not None and self._accepting:
            return await self.router.commit(events)
        return self.offer_many(events)

    async def put(self, event: AnyEvent) -> bool:
        """Enqueue, waiting for room (backpressure for replay and stream consumers)."""
        if not self._accepting:
            return False
        if self.router is not None:
            return await self.router.put(event)
        await self._wait_for_space()
        self._enqueue(event, None)
        return True

    async def submit(self, event: AnyEvent, done: Done) -> None:
        """Enqueue locally (bypassing the router), calling `done` once it is processed."""
        await self._wait_for_space()
        self._enqueue(event, done)

    async def _wait_for_space(self) -> None:
        while self._depth >= self._capacity:
            self._space.clear()
            await self._space.wait()

    def _enqueue(self, event: AnyEvent, done: Done | None) -> None:
        queue = self._queues[hash(event.room) % len(self._queues)]
        queue.put_nowait((event, time.perf_counter(), done))
        self._depth += 1
        self._count_in(event)

    def _count_in(self, event: AnyEvent) -> None:
        source = event.source or UNKNOWN_SOURCE
        self._events[(event.room, source, event.kind.value)].inc()
        self._source_lag[(source,)].set(max(0.0, self._clock.now() - event.ts))

    async def run(self) -> None:
        """Process events until cancelled."""
        await asyncio.gather(*(self._work(k, queue) for k, queue in enumerate(self._queues)))

    async def _work(self, worker: int, queue: asyncio.Queue[Queued]) -> None:
        since_yield = 0
        while True:
            # queue.get() does not suspend while events are waiting, and an in-memory
            # store never does either: yield now and then so HTTP, the feed sockets and
            # the stream consumer keep running under a backlog.
            since_yield += 1
            if since_yield >= YIELD_EVERY:
                since_yield = 0
                await asyncio.sleep(0)
            item = await queue.get()
            if self.offload is None:
                await self._finish(queue, item, None)
                continue
            batch = [item]
            while len(batch) < OFFLOAD_BATCH and not queue.empty():
                batch.append(queue.get_nowait())
            flags = await self._detect_elsewhere(worker, [event for event, _, _ in batch])
            for queued, found in zip(batch, flags, strict=True):
                await self._finish(queue, queued, found)

    async def _detect_elsewhere(
        self, worker: int, events: list[AnyEvent]
    ) -> list[list[Signal] | None]:
        """Return the flags of each event, detected by a detector process."""
        assert self.offload is not None
        out: list[list[Signal] | None] = [[] for _ in events]
        where: list[int] = []
        jobs: list[Job] = []
        for k, event in enumerate(events):
            platform = self.platforms.get(event.room, "")
            if (job := detection_job(event, platform)) is not None:
                where.append(k)
                jobs.append(job)
        if not jobs:
            return out
        try:
            detected = await self.offload.detect(worker, jobs)
        except Exception:
            log.exception("detection in a detector process failed; detecting here")
            return [None] * len(events)  # process() detects each one itself
        for k, found in zip(where, detected.verdicts, strict=True):
            out[k] = to_signals(events[k], found)
        observe_latency = self._metrics.detection_latency.observe
        for spent in detected.seconds:
            observe_latency(spent)
        if detected.errors:
            self._metrics.detection_errors.inc(detected.errors)
        return out

    async def _finish(
        self, queue: asyncio.Queue[Queued], item: Queued, flags: list[Signal] | None
    ) -> None:
        """Process one dequeued event (with its flags when detected elsewhere)."""
        event, enqueued, done = item
        error: BaseException | None = None
        try:
            await self.process(event, flags)
        except asyncio.CancelledError as exc:
            error = exc  # not processed: a stream entry stays pending for redelivery
            raise
        except StoreError as exc:
            # Expected while the store is down: one line naming what was not written.
            error = exc
            log.error(
                "could not store results of event %s of room %s: %s", event.id, event.room, exc
            )
        except Exception as exc:
            error = exc
            log.exception("pipeline failed on event %s of room %s", event.id, event.room)
        finally:
            if done is not None:
                done(error)
            self._depth -= 1
            if self._depth < self._capacity:
                self._space.set()
            queue.task_done()
            self._metrics.pipeline_latency.observe(time.perf_counter() - enqueued)

    async def process(self, event: AnyEvent, flags: list[Signal] | None = None) -> None:
        """Detect (unless `flags` came from a detector process), evaluate plans and hand
        triggers to the alert manager for one event."""
        signals = [observe(event)]
        if flags is None:
            started = time.perf_counter()
            try:
                flags = self.detector.detect(event)
            except Exception:
                self._metrics.detection_errors.inc()
                log.exception("detection failed on event %s", event.id)
                flags = []
            self._metrics.detection_latency.observe(time.perf_counter() - started)
        if flags and self.allowlist is not None:
            flags = self.allowlist.filter(flags)
        if isinstance(event, CommentEvent):
            self._comments[(event.room,)].inc()
            if self._negative_ratio is not None:
                negative = bool(flags) and any(f.kind is SignalKind.NEGATIVE for f in flags)
                self._negative_ratio.add(event.room, negative)
        elif isinstance(event, MetricEvent) and event.name in ROOM_GAUGE_NAMES:
            self._room_gauge[(event.room, event.name)].set(event.value)
            self.room_values[(event.room, event.name)] = event.value
        if self.watcher is not None:
            self.watcher.observe(event, flags)
        writes: list[asyncio.Task[None]] = []
        for flag in flags:
            self._flags[(flag.room, flag.kind.value, flag.category)].inc()
            if self._on_flag is not None and flag.kind in (
                SignalKind.SENSITIVE,
                SignalKind.NEGATIVE,
            ):
                # Written while the plans run and their alerts are stored (the store sends
                # both in one round trip); the event is done once both are.
                writes.append(asyncio.ensure_future(self._on_flag(flag)))
        signals.extend(flags)
        try:
            for signal in signals:
                for trigger in self.engine.observe(signal):
                    await self._manager.handle(trigger)
        finally:
            if writes:
                outcomes = await asyncio.gather(*writes, return_exceptions=True)
        for outcome in outcomes if writes else ():
            if isinstance(outcome, BaseException):
                raise outcome

    async def tick(self) -> None:
        """Evaluate time-based conditions (windows expiring, absences, auto-resolve)."""
        rooms = self.tick_rooms() if self.tick_rooms is not None else None
        for trigger in self.engine.tick(self._clock.now(), rooms):
            await self._manager.handle(trigger)
        if self.watcher is not None:
            for signal in await self.watcher.tick(self._clock.now(), rooms):
                for trigger in self.engine.observe(signal):
                    await self._manager.handle(trigger)
        holds = {p.id: p.resolve_hold for p in self.engine.plans}
        await self._manager.tick(holds.get, rooms)

    async def drain(self, within: float) -> bool:
        """Wait until every queue is empty or `within` seconds pass; True when drained."""
        try:
            await asyncio.wait_for(asyncio.gather(*(q.join() for q in self._queues)), within)
        except TimeoutError:
            log.warning("pipeline drain timed out with %d events left", self._depth)
            return False
        return True
