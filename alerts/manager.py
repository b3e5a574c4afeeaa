"""The one writer of alert state: dedup, group, reopen, acknowledge, resolve, escalate.

Every change goes through AlertManager, under one lock, is stored, and is then announced
to the listeners (console feed, escalation, metrics). Because every change re-reads the
alert inside the lock, races resolve in arrival order: an ack that arrives after the
alert auto-resolved is refused (409), never un-resolving it. Across instances the lock
is the store's compare-and-set on the alert's version: a change computed from a copy
that another instance changed meanwhile is refused by the store and computed again
from the fresh copy, so neither write is lost.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Awaitable, Callable, Container, Iterable
from dataclasses import dataclass, replace
from typing import TypeVar

from alerts.clock import Clock
from alerts.model import (
    Alert,
    AlertState,
    CommentAction,
    FlaggedComment,
    HistoryEntry,
    fingerprint,
)
from alerts.plans import Plan, PlanTrigger
from alerts.silences import SilenceBook
from alerts.store.base import AlertStore, StoreConflict

log = logging.getLogger(__name__)

MAX_COMMENTS_PER_ALERT = 200
MAX_HISTORY = 500
CAS_ATTEMPTS = 10  # a change is recomputed this often when other instances keep winning
CAS_BACKOFF = 0.002  # seconds; the longest wait before attempt n is this x 2**n (capped)
CAS_BACKOFF_CAP = 0.1
T = TypeVar("T")


class AlertActionError(Exception):
    """An action on an alert is not allowed (unknown alert, wrong state)."""

    def __init__(self, message: str, *, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class AlertChange:
    """What happened to an alert: the new state, the previous one and the action."""

    alert: Alert
    previous: Alert | None
    action: str  # created reopened grouped condition_clear acknowledged unacknowledged
    #             resolved escalated comment_handled


Listener = Callable[[AlertChange], Awaitable[None]]


class AlertManager:
    """Apply plan triggers and people's actions to alerts, one at a time."""

    def __init__(self, store: AlertStore, clock: Clock, plans: Iterable[Plan] = ()) -> None:
        self._store = store
        self._clock = clock
        self._lock = asyncio.Lock()  # people's actions, escalation, auto-resolve
        # Plan triggers lock their alert's fingerprint only, so rooms do not wait on each
        # other's store writes; a trigger racing an action is settled by compare-and-set.
        self._key_locks: dict[str, tuple[asyncio.Lock, int]] = {}
        self._listeners: list[Listener] = []
        self._plans = {p.id: p for p in plans}
        self.silences = SilenceBook(store)
        self.suppressed = 0  # triggers muted by a silence or a cooldown
        self.conflicts = 0  # changes recomputed because another instance changed the alert

    def set_plans(self, plans: Iterable[Plan]) -> None:
        """Replace the plan table (deadlines for acks and reopen rules)."""
        self._plans = {p.id: p for p in plans}

    @property
    def clock(self) -> Clock:
        return self._clock

    def plan(self, plan_id: str) -> Plan | None:
        return self._plans.get(plan_id)

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    async def _emit(self, change: AlertChange) -> None:
        for listener in self._listeners:
            try:
                await listener(change)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("alert listener failed for %s", change.alert.id)

    async def _save(self, alert: Alert, previous: Alert | None, action: str) -> Alert:
        expect = previous.version if previous is not None and previous.id == alert.id else 0
        await self._store.put_alert(alert, expect_version=expect)
        await self._emit(AlertChange(alert, previous, action))
        return alert

    async def _atomic(self, change: Callable[[], Awaitable[T]], key: str | None = None) -> T:
        """Run a read-change-write under a lock, again from a fresh read on a conflict."""
        if key is None:
            async with self._lock:
                return await self._attempts(change)
        lock, users = self._key_locks.get(key) or (asyncio.Lock(), 0)
        self._key_locks[key] = (lock, users + 1)
        try:
            async with lock:
                return await self._attempts(change)
        finally:
            lock, users = self._key_locks[key]
            if users == 1:
                del self._key_locks[key]
            else:
                self._key_locks[key] = (lock, users - 1)

    async def _attempts(self, change: Callable[[], Awaitable[T]]) -> T:
        for attempt in range(1, CAS_ATTEMPTS + 1):
            try:
                return await change()
            except StoreConflict as exc:
                self.conflicts += 1
                if attempt == CAS_ATTEMPTS:
                    raise
                log.info("%s; computing the change again (attempt %d)", exc, attempt + 1)
                # A random wait, growing: an owner grouping comments back to back would
                # otherwise win every race against an ack that re-reads at the same pace.
                await asyncio.sleep(
                    random.uniform(0, min(CAS_BACKOFF_CAP, CAS_BACKOFF * 2**attempt))
                )
        raise AssertionError("unreachable")

    @staticmethod
    def _log(alert: Alert, entry: HistoryEntry) -> tuple[HistoryEntry, ...]:
        return (*alert.history, entry)[-MAX_HISTORY:]

    async def handle(self, trigger: PlanTrigger) -> Alert | None:
        """Apply a plan trigger: open, reopen or group into an alert, or note it cleared."""
        self._plans.setdefault(trigger.plan.id, trigger.plan)
        fp = fingerprint(trigger.room, trigger.plan.id, trigger.group_key)
        attempts = 0

        def change() -> Awaitable[Alert | None]:
            nonlocal attempts
            attempts += 1
            return self._handle(trigger, fp, cached=attempts == 1)

        return await self._atomic(change, fp)

    async def _handle(self, trigger: PlanTrigger, fp: str, *, cached: bool) -> Alert | None:
        # The copy of the open alert held here spares a round trip per flagged comment:
        # a write computed from a stale copy fails its compare-and-set and is computed
        # again from a fresh read; an outcome that writes nothing is checked on one.
        current = self._store.peek_open(fp) if cached else None
        if current is None:
            current, cached = await self._store.find_open(fp, trigger.room), False
        now = self._clock.now()
        if not trigger.firing:
            if current is None or current.condition_clear_since is not None:
                return await self._handle(trigger, fp, cached=False) if cached else current
            updated = current.evolve(
                condition_clear_since=trigger.ts,
                updated_at=now,
                version=current.version + 1,
                history=self._log(current, HistoryEntry(now, "condition_clear", "system")),
            )
            return await self._save(updated, current, "condition_clear")
        comments = tuple(
            FlaggedComment(s.event_id, s.ts, s.user, s.text, s.category, s.kind, s.evidence)
            for s in trigger.signals
        )
        if current is not None:
            grouped = await self._group(current, comments, now)
            if grouped is None:  # nothing new: true of the stored alert too?
                return await self._handle(trigger, fp, cached=False) if cached else current
            return grouped
        return await self._open(trigger, fp, comments, now)

    async def _group(
        self, current: Alert, comments: tuple[FlaggedComment, ...], now: float
    ) -> Alert | None:
        """Add the comments not yet in `current`; None when that changes nothing."""
        known = {c.event_id for c in current.comments}
        fresh = tuple(c for c in comments if c.event_id not in known)
        if not fresh and current.condition_clear_since is None:
            return None
        history = current.history
        if current.condition_clear_since is not None:
            history = self._log(current, HistoryEntry(now, "condition_again", "system"))
        updated = current.evolve(
            comments=(current.comments + fresh)[-MAX_COMMENTS_PER_ALERT:],
            condition_clear_since=None,
            updated_at=now,
            version=current.version + 1,
            history=history,
        )
        return await self._save(updated, current, "grouped")

    async def _open(
        self,
        trigger: PlanTrigger,
        fp: str,
        comments: tuple[FlaggedComment, ...],
        now: float,
    ) -> Alert | None:
        plan = trigger.plan
        silence = await self.silences.matching(trigger.room, plan.id, now)
        if silence is not None:
            self.suppressed += 1
            return None
        latest = await self._store.find_latest(fp, trigger.room)
        summary = trigger.summary or f"{plan.name}"
        if latest is not None and latest.resolved_at is not None:
            since = now - latest.resolved_at
            if since < plan.cooldown:
                self.suppressed += 1
                return None
            if since < plan.reopen_within:
                entry = HistoryEntry(now, "reopened", "system", summary)
                held = {c.event_id for c in latest.comments}  # a redelivered event: once
                comments = tuple(c for c in comments if c.event_id not in held)
                reopened = latest.evolve(
                    state=AlertState.FIRING,
                    acked_at=None,
                    acked_by=None,
                    resolved_at=None,
                    resolved_by=None,
                    ack_deadline=now + plan.ack_deadline,
                    resolve_deadline=None,
                    escalation_level=0,
                    condition_clear_since=None,
                    comments=(latest.comments + comments)[-MAX_COMMENTS_PER_ALERT:],
                    updated_at=now,
                    version=latest.version + 1,
                    history=self._log(latest, entry),
                )
                return await self._save(reopened, latest, "reopened")
        alert = Alert(
            id=uuid.uuid4().hex[:12],
            fingerprint=fp,
            room=trigger.room,
            plan_id=plan.id,
            plan_name=plan.name,
            severity=plan.severity,
            group_key=trigger.group_key,
            state=AlertState.FIRING,
            started_at=now,
            updated_at=now,
            summary=summary,
            summary_data=trigger.summary_data,
            steps=plan.steps,
            labels=dict(plan.labels),
            ack_deadline=now + plan.ack_deadline,
            comments=comments[-MAX_COMMENTS_PER_ALERT:],
            history=(HistoryEntry(now, "created", "system", summary),),
        )
        return await self._save(alert, None, "created")

    async def tick(
        self, resolve_hold: Callable[[str], float | None], rooms: Container[str] | None = None
    ) -> list[Alert]:
        """Auto-resolve alerts whose condition has been clear for their plan's hold time.

        `rooms` limits it to the rooms this instance processes (cluster mode).
        """
        resolved: list[Alert] = []
        now = self._clock.now()
        for alert in await self._store.list_alerts(
            states=(AlertState.FIRING, AlertState.ACKNOWLEDGED), limit=100_000
        ):
            if rooms is not None and alert.room not in rooms:
                continue
            hold = resolve_hold(alert.plan_id)
            if hold is None or alert.condition_clear_since is None:
                continue
            if now - alert.condition_clear_since >= hold:
                done = await self._transition(
                    alert.id, "resolved", "system", "auto-resolved", auto=True
                )
                if done is not None:
                    resolved.append(done)
        return resolved

    async def acknowledge(self, alert_id: str, actor: str, note: str = "") -> Alert:
        alert = await self._transition(alert_id, "acknowledged", actor, note)
        assert alert is not None
        return alert

    async def unacknowledge(self, alert_id: str, actor: str, note: str = "") -> Alert:
        alert = await self._transition(alert_id, "unacknowledged", actor, note)
        assert alert is not None
        return alert

    async def resolve(self, alert_id: str, actor: str, note: str = "") -> Alert:
        alert = await self._transition(alert_id, "resolved", actor, note)
        assert alert is not None
        return alert

    async def escalate(
        self,
        alert_id: str,
        level: int,
        reason: str,
        *,
        code: str = "",
        args: dict[str, str | int | float] | None = None,
        step: str = "",
    ) -> Alert | None:
        """Record that an escalation step was taken (level only grows); None when closed.

        `reason` is the step's text ("level 2: not acknowledged for 300s …"); `code` and
        `args` say the same for the console to word in its language. `step` is the step's
        key: a step already recorded under it is not recorded again (two instances noting
        the same step, or a note whose bookkeeping was lost to a store error).
        """

        async def change() -> Alert | None:
            alert = await self._store.get_alert(alert_id)
            if alert is None or not alert.is_open:
                return None
            if step and any(h.ref == step for h in alert.history):
                return alert
            now = self._clock.now()
            entry = HistoryEntry(now, "escalated", "system", reason, code, dict(args or {}), step)
            updated = alert.evolve(
                escalation_level=max(alert.escalation_level, level),
                updated_at=now,
                version=alert.version + 1,
                history=self._log(alert, entry),
            )
            return await self._save(updated, alert, "escalated")

        return await self._atomic(change)

    async def handle_comment(
        self, alert_id: str, event_id: str, action: CommentAction, actor: str, note: str = ""
    ) -> Alert:
        """Record how a controller handled one flagged comment of an alert."""
        return await self._atomic(
            lambda: self._handle_comment(alert_id, event_id, action, actor, note)
        )

    async def _handle_comment(
        self, alert_id: str, event_id: str, action: CommentAction, actor: str, note: str
    ) -> Alert:
        alert = await self._store.get_alert(alert_id)
        if alert is None:
            raise AlertActionError(f"no alert {alert_id!r}", status=404)
        now = self._clock.now()
        comments = list(alert.comments)
        for i, c in enumerate(comments):
            if c.event_id == event_id:
                if c.action is not None:
                    raise AlertActionError(f"comment already handled as {c.action.value}")
                comments[i] = replace(c, action=action, handled_at=now, handled_by=actor)
                break
        else:
            raise AlertActionError(f"no flagged comment {event_id!r} in this alert", status=404)
        entry = HistoryEntry(now, f"comment_{action.value}", actor, note or event_id)
        updated = alert.evolve(
            comments=tuple(comments),
            updated_at=now,
            version=alert.version + 1,
            history=self._log(alert, entry),
        )
        return await self._save(updated, alert, "comment_handled")

    async def _transition(
        self, alert_id: str, action: str, actor: str, note: str, *, auto: bool = False
    ) -> Alert | None:
        return await self._atomic(lambda: self._change_state(alert_id, action, actor, note, auto))

    async def _change_state(
        self, alert_id: str, action: str, actor: str, note: str, auto: bool
    ) -> Alert | None:
        alert = await self._store.get_alert(alert_id)
        if alert is None:
            raise AlertActionError(f"no alert {alert_id!r}", status=404)
        now = self._clock.now()
        plan = self._plans.get(alert.plan_id)
        if action == "acknowledged":
            if alert.state is not AlertState.FIRING:
                raise AlertActionError(f"alert is {alert.state.value}, not firing")
            within = plan.resolve_deadline if plan is not None else None
            updated = alert.evolve(
                state=AlertState.ACKNOWLEDGED,
                acked_at=now,
                acked_by=actor,
                resolve_deadline=now + within if within else None,
            )
        elif action == "unacknowledged":
            if alert.state is not AlertState.ACKNOWLEDGED:
                raise AlertActionError(f"alert is {alert.state.value}, not acknowledged")
            # The ack clock restarts: someone must take it again within the deadline.
            ack_within = plan.ack_deadline if plan is not None else 120.0
            updated = alert.evolve(
                state=AlertState.FIRING,
                acked_at=None,
                acked_by=None,
                ack_deadline=now + ack_within,
                resolve_deadline=None,
            )
        elif action == "resolved":
            if alert.state is AlertState.RESOLVED:
                if auto:
                    return None
                raise AlertActionError("alert is already resolved")
            if auto and alert.condition_clear_since is None:
                return None  # the condition came back between the scan and the lock
            updated = alert.evolve(state=AlertState.RESOLVED, resolved_at=now, resolved_by=actor)
        else:
            raise AlertActionError(f"unknown action {action!r}", status=400)
        entry = HistoryEntry(now, action, actor, note)
        updated = updated.evolve(
            updated_at=now, version=alert.version + 1, history=self._log(alert, entry)
        )
        return await self._save(updated, alert, action)
