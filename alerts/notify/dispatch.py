"""Deliver notifications: one queue and worker per notifier, retries, dead letters, outbox.

A slow or dead receiver only fills its own queue; the pipeline and the other receivers
never wait for it. Each notification is written to the outbox before it is queued and
removed once delivered or dead-lettered, so a restart resends what was in flight (with
the same idempotency key, so receivers can drop a duplicate).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from typing import Any

import aiohttp

from alerts.clock import Clock
from alerts.metrics import AlertMetrics
from alerts.notify.base import Notification, Notifier, Outcome
from alerts.notify.registry import build_notifiers
from alerts.store.base import AlertStore
from alerts.tasks import stop_tasks
from config.notify import NotifierConfig, RetryConfig

log = logging.getLogger(__name__)

OUTBOX = "notify_outbox"
DEAD_LETTERS = "dead_letters"
DEAD_LETTER_LOG = "dead_letter_log"


def backoff_delay(retry: RetryConfig, attempt: int, rng: random.Random) -> float:
    """Return the wait before attempt `attempt + 1`: exponential, capped, with ± jitter."""
    base = min(retry.max_delay, retry.base_delay * 2.0**attempt)
    return max(0.0, base * (1.0 + retry.jitter * (2.0 * rng.random() - 1.0)))


class _Lane:
    """One notifier's queue and worker."""

    def __init__(self, notifier: Notifier, cfg: NotifierConfig) -> None:
        self.notifier = notifier
        self.cfg = cfg
        self.queue: asyncio.Queue[tuple[Notification, float]] = asyncio.Queue(cfg.queue_size)
        self.task: asyncio.Task[None] | None = None


class Dispatcher:
    """Queue notifications per notifier and deliver them with retries."""

    def __init__(
        self,
        configs: list[NotifierConfig],
        store: AlertStore,
        metrics: AlertMetrics,
        clock: Clock,
        *,
        seed: int | None = None,
    ) -> None:
        self._lanes = {nid: _Lane(n, c) for nid, (n, c) in build_notifiers(configs).items()}
        self._store = store
        self._metrics = metrics
        self._clock = clock
        self._rng = random.Random(seed)
        self._session: aiohttp.ClientSession | None = None
        self.delivered: list[tuple[str, str]] = []  # (notifier, key), newest last; bounded

    @property
    def notifier_ids(self) -> list[str]:
        return list(self._lanes)

    def refresh_interval(self, notifier_id: str) -> float:
        """How often an open alert is re-sent to this notifier (0: never; Alertmanager only)."""
        lane = self._lanes.get(notifier_id)
        return float(getattr(lane.cfg, "resend_every", 0.0)) if lane is not None else 0.0

    async def start(self) -> None:
        """Open the HTTP session, start one worker per notifier, resend the outbox."""
        if self._session is not None:
            return
        self._session = aiohttp.ClientSession()
        for nid, lane in self._lanes.items():
            lane.task = asyncio.create_task(self._work(lane), name=f"notify:{nid}")
        for raw in (await self._store.get_items(OUTBOX)).values():
            n = Notification.from_dict(raw)
            if n.notifier in self._lanes:
                self._enqueue(n)
        await self._count_dead_letters()

    async def close(self) -> None:
        """Stop the workers (what is queued stays in the outbox) and close the session."""
        await stop_tasks([lane.task for lane in self._lanes.values() if lane.task is not None])
        for lane in self._lanes.values():
            lane.task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def submit(self, n: Notification) -> bool:
        """Persist to the outbox and queue for delivery; False for an unknown notifier."""
        if n.notifier not in self._lanes:
            log.warning("notification %s names unknown notifier %s", n.key, n.notifier)
            return False
        await self._store.put_item(OUTBOX, n.key, n.to_dict())
        self._enqueue(n)
        return True

    def _enqueue(self, n: Notification) -> None:
        lane = self._lanes[n.notifier]
        try:
            lane.queue.put_nowait((n, time.monotonic()))
            self._metrics.notification_queue.labels(n.notifier).set(lane.queue.qsize())
        except asyncio.QueueFull:
            # The receiver is far behind; the outbox keeps it for the operator and a restart.
            self._metrics.notification_failures.labels(n.notifier).inc()
            log.error("notifier %s queue full; %s waits in the outbox", n.notifier, n.key)

    async def _work(self, lane: _Lane) -> None:
        while True:
            n, queued = await lane.queue.get()
            self._metrics.notification_queue.labels(n.notifier).set(lane.queue.qsize())
            try:
                await self._deliver(lane, n, queued)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("delivery of %s to %s failed", n.key, n.notifier)

    async def _deliver(self, lane: _Lane, n: Notification, queued: float) -> None:
        retry = lane.cfg.retry
        outcome = Outcome(False, True, "not tried")
        for attempt in range(retry.attempts):
            if attempt:
                await asyncio.sleep(backoff_delay(retry, attempt - 1, self._rng))
            outcome = await self._attempt(lane, n)
            if outcome.ok:
                self._metrics.notifications.labels(n.notifier, n.reason.value).inc()
                latency = time.monotonic() - queued
                self._metrics.notification_latency.labels(n.notifier).observe(latency)
                self.delivered = [*self.delivered[-999:], (n.notifier, n.key)]
                await self._store.delete_item(OUTBOX, n.key)
                return
            self._metrics.notification_failures.labels(n.notifier).inc()
            log.warning("notify %s attempt %d: %s", n.notifier, attempt + 1, outcome.error)
            if not outcome.retry:
                break
        await self._dead_letter(n, outcome.error, attempt + 1)

    async def _attempt(self, lane: _Lane, n: Notification) -> Outcome:
        assert self._session is not None
        req = lane.notifier.build(n, time.time())
        timeout = aiohttp.ClientTimeout(total=lane.cfg.timeout)
        try:
            async with self._session.post(
                req.url, data=req.body, headers=req.headers, timeout=timeout
            ) as resp:
                body = await resp.read()
                return lane.notifier.judge(resp.status, body)
        except TimeoutError:
            return Outcome(False, True, f"timed out after {lane.cfg.timeout:g}s")
        except aiohttp.ClientError as exc:
            return Outcome(False, True, f"{type(exc).__name__}: {exc}")

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
