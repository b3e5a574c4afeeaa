"""Deliver notifications: one lane per destination, within its budget, from the outbox.

A slow, dead or throttling receiver only holds up its own lane. Each lane spends a
budget (its robot's documented limits); when more is waiting than the budget lets go
one by one (half of a minute's budget is kept for digests), a robot lane sends one
digest message naming them all instead. A throttle
answer (errcode with HTTP 200, or 429 with Retry-After) pauses that lane for the window
it announced; the message waits and is not counted as a failed attempt.

The lanes work from the outbox kept in the store (alerts/notify/outbox.py): what is in
memory is only what this instance is about to send, and a periodic sweep puts back
anything the memory queue lost and adopts the entries of instances that are gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from alerts.clock import Clock
from alerts.metrics import AlertMetrics
from alerts.notify.base import Notification, Notifier, Outcome, Request
from alerts.notify.budget import Budget
from alerts.notify.outbox import OUTBOX, Outbox, new_instance_id
from alerts.notify.registry import build_notifiers
from alerts.store.base import AlertStore, StoreError
from alerts.tasks import stop_tasks
from config.notify import NotifierConfig, RetryConfig

log = logging.getLogger(__name__)

__all__ = ["DEAD_LETTERS", "DEAD_LETTER_LOG", "OUTBOX", "Dispatcher", "backoff_delay"]

DEAD_LETTERS = "dead_letters"
DEAD_LETTER_LOG = "dead_letter_log"
SWEEP_EVERY = 5.0  # seconds between outbox sweeps (and heartbeats)
DRAIN = 5.0  # on close, how long posts already on the wire may take to finish
DIGEST_MAX = 500  # notifications taken into one round of digests
UNCERTAIN = "may have reached the robot (in flight at a timeout or a restart); not posted again"
Sleep = Callable[[float], Awaitable[None]]


def backoff_delay(retry: RetryConfig, attempt: int, rng: random.Random) -> float:
    """Return the wait before attempt `attempt + 1`: exponential, capped, with ± jitter."""
    base = min(retry.max_delay, retry.base_delay * 2.0**attempt)
    return max(0.0, base * (1.0 + retry.jitter * (2.0 * rng.random() - 1.0)))


class _Lane:
    """One destination's waiting notifications, budget and worker."""

    def __init__(self, notifier: Notifier, cfg: NotifierConfig) -> None:
        self.notifier = notifier
        self.cfg = cfg
        self.budget = Budget.from_config(cfg.budget)
        self.pending: deque[Notification] = deque()
        self.wake = asyncio.Event()
        self.idle = asyncio.Event()  # set while no post is on the wire
        self.idle.set()
        self.task: asyncio.Task[None] | None = None

    @property
    def digests(self) -> bool:
        return self.budget.limited and hasattr(self.notifier, "digest")


class Dispatcher:
    """Queue notifications per destination and deliver them within budget, with retries."""

    def __init__(
        self,
        configs: list[NotifierConfig],
        store: AlertStore,
        metrics: AlertMetrics,
        clock: Clock,
        *,
        seed: int | None = None,
        sleep: Sleep = asyncio.sleep,
        instance: str | None = None,
        sweep_every: float = SWEEP_EVERY,
    ) -> None:
        self._lanes = {nid: _Lane(n, c) for nid, (n, c) in build_notifiers(configs).items()}
        self._store = store
        self._metrics = metrics
        self._clock = clock
        self._sleep = sleep
        self._rng = random.Random(seed)
        self._sweep_every = sweep_every
        self.instance = instance or new_instance_id()
        self.outbox = Outbox(store, clock, self.instance, lease=3 * sweep_every)
        self._known: set[str] = set()  # keys queued or being sent here
        self._session: aiohttp.ClientSession | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._closing = False
        self.delivered: list[tuple[str, str]] = []  # (notifier, key), newest last; bounded

    @property
    def notifier_ids(self) -> list[str]:
        return list(self._lanes)

    def refresh_interval(self, notifier_id: str) -> float:
        """How often an open alert is re-sent to this notifier (0: never; Alertmanager only)."""
        lane = self._lanes.get(notifier_id)
        return float(getattr(lane.cfg, "resend_every", 0.0)) if lane is not None else 0.0

    def paused_until(self, notifier_id: str) -> float:
        """Return until when a destination is paused by a throttle answer (0: not paused)."""
        lane = self._lanes.get(notifier_id)
        return lane.budget.paused_until if lane is not None else 0.0

    async def start(self) -> None:
        """Open the HTTP session, start one worker per destination, then sweep the outbox."""
        if self._session is not None:
            return
        self._closing = False
        self._session = aiohttp.ClientSession()
        for nid, lane in self._lanes.items():
            lane.task = asyncio.create_task(self._work(lane), name=f"notify:{nid}")
        try:
            await self.sweep()
        except StoreError:
            log.exception("outbox sweep at start failed; the next sweep tries again")
        self._sweeper = asyncio.create_task(self._sweep_loop(), name="notify:sweep")
        await self._count_dead_letters()

    async def close(self, drain: float = DRAIN) -> None:
        """Stop sending: posts on the wire may finish (within `drain`), the rest stays queued."""
        self._closing = True
        for lane in self._lanes.values():
            lane.wake.set()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(drain):
                for lane in self._lanes.values():
                    await lane.idle.wait()
        tasks = [lane.task for lane in self._lanes.values() if lane.task is not None]
        await stop_tasks([*tasks, *([self._sweeper] if self._sweeper else [])])
        self._sweeper = None
        for lane in self._lanes.values():
            lane.task = None
            lane.pending.clear()
        self._known.clear()
        try:
            await self.outbox.leave()
        except StoreError:
            log.warning("could not remove this instance's heartbeat; its entries wait for it")
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -- queueing ---------------------------------------------------------------
    async def submit(self, n: Notification) -> bool:
        """Write to the outbox and queue for delivery; False for an unknown notifier."""
        if n.notifier not in self._lanes:
            log.warning("notification %s names unknown notifier %s", n.key, n.notifier)
            return False
        await self.outbox.put(n)
        self.queued([n])
        return True

    def entry(self, n: Notification) -> dict[str, Any]:
        """Return the outbox entry of a notification this instance will send."""
        return self.outbox.entry(n)

    def queued(self, ns: list[Notification]) -> None:
        """Queue notifications whose outbox entries were written (by the escalator, atomically)."""
        for n in ns:
            if n.notifier in self._lanes and n.key not in self._known:
                self._enqueue(n)

    def _enqueue(self, n: Notification) -> None:
        lane = self._lanes[n.notifier]
        if len(lane.pending) >= lane.cfg.queue_size:
            # Far behind: the outbox keeps it; a sweep queues it once there is room.
            self._metrics.notification_failures.labels(n.notifier).inc()
            log.error("notifier %s queue full; %s waits in the outbox", n.notifier, n.key)
            return
        self._known.add(n.key)
        lane.pending.append(n)
        lane.wake.set()
        self._metrics.notification_queue.labels(n.notifier).set(len(lane.pending))

    async def sweep(self) -> int:
        """Heartbeat, then queue outbox entries this instance lost or adopted; return how many."""
        await self.outbox.heartbeat()
        policy = {nid: lane.notifier.at_most_once for nid, lane in self._lanes.items()}
        found = await self.outbox.sweep(self._known, policy)
        for n in found.uncertain:
            self._metrics.notification_uncertain.labels(n.notifier).inc()
            await self._dead_letter(n, UNCERTAIN, 1)
        self.queued(found.send)
        return len(found.send)

    async def _sweep_loop(self) -> None:
        while True:
            await self._sleep(self._sweep_every)
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox sweep failed")

    # -- sending ----------------------------------------------------------------
    async def _work(self, lane: _Lane) -> None:
        while not self._closing:
            if not lane.pending:
                lane.wake.clear()
                await lane.wake.wait()
                continue
            wait = lane.budget.wait(self._clock.now())
            if wait > 0:
                await self._sleep(wait)
                continue
            spare = lane.budget.spare(self._clock.now())
            if lane.digests and len(lane.pending) > 1 and len(lane.pending) > spare:
                batch = [lane.pending.popleft() for _ in range(min(len(lane.pending), DIGEST_MAX))]
            else:
                batch = [lane.pending.popleft()]
            self._metrics.notification_queue.labels(lane.cfg.id).set(len(lane.pending))
            try:
                await self._deliver(lane, batch, digest=len(batch) > 1)
            except asyncio.CancelledError:
                raise
            except Exception:
                # Left in the outbox: the next sweep queues it again (or, for a robot
                # message that may have been posted, makes it a dead letter).
                log.exception("delivery to %s failed", lane.cfg.id)
                self._known.difference_update(n.key for n in batch)

    async def _deliver(self, lane: _Lane, batch: list[Notification], *, digest: bool) -> None:
        if not digest:
            await self._post(lane, batch, None)
            return
        digester: Any = lane.notifier
        by_key = {n.key: n for n in batch}
        groups = [[by_key[k] for k in keys] for _, keys in digester.digest(batch, time.time())]
        for i, group in enumerate(groups):
            if self._closing:
                lane.pending.extendleft(reversed([n for g in groups[i:] for n in g]))
                return
            while (wait := lane.budget.wait(self._clock.now())) > 0:
                await self._sleep(wait)

            def build(now: float, group: list[Notification] = group) -> Request:
                request: Request = digester.digest(group, now)[0][0]
                return request

            if not await self._post(lane, group, build):
                # Throttled: everything after this group waits with it, in order.
                lane.pending.extendleft(reversed([n for g in groups[i + 1 :] for n in g]))
                return

    async def _post(
        self, lane: _Lane, group: list[Notification], build: Callable[[float], Request] | None
    ) -> bool:
        """Post one message (one notification, or a digest of `group`) with retries.

        Returns False when throttled (the group went back to the front of the lane).
        """
        retry = lane.cfg.retry
        failures = 0
        queued = time.monotonic()
        once = lane.notifier.at_most_once
        while True:
            while (wait := lane.budget.wait(self._clock.now())) > 0:
                await self._sleep(wait)
            if once:
                await self.outbox.mark_inflight(group)
            now = time.time()
            request = build(now) if build is not None else lane.notifier.build(group[0], now)
            lane.budget.spend(self._clock.now())
            lane.idle.clear()
            try:
                outcome, maybe_arrived = await self._attempt(lane, request)
            finally:
                lane.idle.set()
            if outcome.ok:
                await self._delivered(lane, group, queued, digest=build is not None)
                return True
            if outcome.throttled:
                until = lane.budget.pause(self._clock.now(), outcome.retry_after)
                self._metrics.notification_throttled.labels(lane.cfg.id).inc()
                log.warning(
                    "%s throttled us (%s); paused for %.0fs",
                    lane.cfg.id,
                    outcome.error,
                    until - self._clock.now(),
                )
                if once:
                    await self.outbox.clear_inflight(group)
                lane.pending.extendleft(reversed(group))
                return False
            failures += 1
            self._metrics.notification_failures.labels(lane.cfg.id).inc()
            log.warning("notify %s attempt %d: %s", lane.cfg.id, failures, outcome.error)
            if once and maybe_arrived:
                self._metrics.notification_uncertain.labels(lane.cfg.id).inc()
                for n in group:
                    await self._dead_letter(n, f"{outcome.error}: {UNCERTAIN}", failures)
                return True
            if once:
                await self.outbox.clear_inflight(group)
            if not outcome.retry or failures >= retry.attempts:
                for n in group:
                    await self._dead_letter(n, outcome.error, failures)
                return True
            await self._sleep(backoff_delay(retry, failures - 1, self._rng))

    async def _attempt(self, lane: _Lane, req: Request) -> tuple[Outcome, bool]:
        """POST once; return the outcome and whether the request may have arrived unanswered."""
        assert self._session is not None
        timeout = aiohttp.ClientTimeout(total=lane.cfg.timeout)
        try:
            async with self._session.post(
                req.url, data=req.body, headers=req.headers, timeout=timeout
            ) as resp:
                body = await resp.read()
                return lane.notifier.judge(resp.status, body, resp.headers), False
        except TimeoutError:
            return Outcome(False, True, f"timed out after {lane.cfg.timeout:g}s"), True
        except aiohttp.ClientConnectorError as exc:  # never connected: nothing was sent
            return Outcome(False, True, f"{type(exc).__name__}: {exc}"), False
        except aiohttp.ClientError as exc:
            return Outcome(False, True, f"{type(exc).__name__}: {exc}"), True

    async def _delivered(
        self, lane: _Lane, group: list[Notification], queued: float, *, digest: bool
    ) -> None:
        latency = time.monotonic() - queued
        if digest:
            self._metrics.notification_digests.labels(lane.cfg.id).inc()
        for n in group:
            self._metrics.notifications.labels(n.notifier, n.reason.value).inc()
            self._metrics.notification_latency.labels(n.notifier).observe(latency)
            self.delivered = [*self.delivered[-999:], (n.notifier, n.key)]
        await self.outbox.remove(n.key for n in group)
        self._known.difference_update(n.key for n in group)

    # -- dead letters -------------------------------------------------------------
    async def _dead_letter(self, n: Notification, error: str, attempts: int) -> None:
        record: dict[str, Any] = {
            "notification": n.to_dict(),
            "error": error,
            "attempts": attempts,
            "failed_at": self._clock.now(),
        }
        await self._store.put_item(DEAD_LETTERS, n.key, record)
        await self._store.append_record(DEAD_LETTER_LOG, {"key": n.key, **record})
        await self._store.delete_item(OUTBOX, n.key)
        self._known.discard(n.key)
        await self._count_dead_letters()
        log.error("gave up on %s to %s after %d attempt(s): %s", n.key, n.notifier, attempts, error)

    async def _count_dead_letters(self) -> None:
        self._metrics.dead_letters.set(len(await self._store.get_items(DEAD_LETTERS)))

    async def dead_letters(self) -> list[dict[str, Any]]:
        """Return the dead letters, oldest first, each with its key."""
        items = await self._store.get_items(DEAD_LETTERS)
        out = [{"key": k, **v} for k, v in items.items()]
        return sorted(out, key=lambda d: float(d.get("failed_at", 0.0)))

    async def replay(self, key: str) -> bool:
        """Queue a dead letter again (same idempotency key); False when unknown."""
        items = await self._store.get_items(DEAD_LETTERS)
        record = items.get(key)
        if record is None:
            return False
        n = Notification.from_dict(record["notification"])
        if not await self.submit(n):
            return False
        await self._store.delete_item(DEAD_LETTERS, key)
        await self._count_dead_letters()
        return True
