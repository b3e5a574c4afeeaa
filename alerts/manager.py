"""The one writer of alert state: dedup, group, acknowledge, resolve.

Every change goes through AlertManager, under one lock, and is announced to the
listeners (console feed, escalation, metrics) after it is stored.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from alerts.clock import Clock
from alerts.model import (
    Alert,
    AlertState,
    CommentAction,
    FlaggedComment,
    HistoryEntry,
    fingerprint,
)
from alerts.plans import PlanTrigger
from alerts.store.base import AlertStore

log = logging.getLogger(__name__)

MAX_COMMENTS_PER_ALERT = 200


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
    action: str  # created | grouped | acknowledged | unacknowledged | resolved | condition_clear


Listener = Callable[[AlertChange], Awaitable[None]]


class AlertManager:
    """Apply plan triggers and people's actions to alerts, one at a time."""

    def __init__(self, store: AlertStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._lock = asyncio.Lock()
        self._listeners: list[Listener] = []

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
        await self._store.put_alert(alert)
        await self._emit(AlertChange(alert, previous, action))
        return alert

    async def handle(self, trigger: PlanTrigger) -> Alert | None:
        """Apply a plan trigger: open or group into an alert, or note the condition cleared."""
        async with self._lock:
            fp = fingerprint(trigger.room, trigger.plan.id, trigger.group_key)
            current = await self._store.find_open(fp)
            now = self._clock.now()
            if not trigger.firing:
                if current is None or current.condition_clear_since is not None:
                    return current
                updated = current.evolve(
                    condition_clear_since=trigger.ts, updated_at=now, version=current.version + 1
                )
                return await self._save(updated, current, "condition_clear")
            comments = tuple(
                FlaggedComment(s.event_id, s.ts, s.user, s.text, s.category, s.kind, s.evidence)
                for s in trigger.signals
            )
            if current is None:
                plan = trigger.plan
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
                    summary=trigger.summary,
                    steps=plan.steps,
                    ack_deadline=now + plan.ack_deadline,
                    comments=comments[-MAX_COMMENTS_PER_ALERT:],
                    history=(HistoryEntry(now, "created", "system", trigger.summary),),
                )
                return await self._save(alert, None, "created")
            known = {c.event_id for c in current.comments}
            fresh = tuple(c for c in comments if c.event_id not in known)
            if not fresh and current.condition_clear_since is None:
                return current
            updated = current.evolve(
                comments=(current.comments + fresh)[-MAX_COMMENTS_PER_ALERT:],
                condition_clear_since=None,
                updated_at=now,
                version=current.version + 1,
            )
            return await self._save(updated, current, "grouped")

    async def tick(self, resolve_hold: Callable[[str], float | None]) -> list[Alert]:
        """Auto-resolve alerts whose condition has been clear for their plan's hold time."""
        resolved: list[Alert] = []
        now = self._clock.now()
        for alert in await self._store.list_alerts(
            states=(AlertState.FIRING, AlertState.ACKNOWLEDGED)
        ):
            hold = resolve_hold(alert.plan_id)
            if hold is None or alert.condition_clear_since is None:
                continue
            if now - alert.condition_clear_since >= hold:
                done = await self._transition(
                    alert.id, "resolved", "system", "auto-resolved", allow_any=True
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

    async def handle_comment(
        self, alert_id: str, event_id: str, action: CommentAction, actor: str, note: str = ""
    ) -> Alert:
        """Record how a controller handled one flagged comment of an alert."""
        async with self._lock:
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
                history=(*alert.history, entry),
            )
            return await self._save(updated, alert, "comment_handled")

    async def _transition(
        self, alert_id: str, action: str, actor: str, note: str, *, allow_any: bool = False
    ) -> Alert | None:
        async with self._lock:
            alert = await self._store.get_alert(alert_id)
            if alert is None:
                raise AlertActionError(f"no alert {alert_id!r}", status=404)
            now = self._clock.now()
            entry = HistoryEntry(now, action, actor, note)
            if action == "acknowledged":
                if alert.state is not AlertState.FIRING:
                    raise AlertActionError(f"alert is {alert.state.value}, not firing")
                updated = alert.evolve(state=AlertState.ACKNOWLEDGED, acked_at=now, acked_by=actor)
            elif action == "unacknowledged":
                if alert.state is not AlertState.ACKNOWLEDGED:
                    raise AlertActionError(f"alert is {alert.state.value}, not acknowledged")
                updated = alert.evolve(state=AlertState.FIRING, acked_at=None, acked_by=None)
            elif action == "resolved":
                if alert.state is AlertState.RESOLVED:
                    if allow_any:
                        return None
                    raise AlertActionError("alert is already resolved")
                updated = alert.evolve(
                    state=AlertState.RESOLVED, resolved_at=now, resolved_by=actor
                )
            else:
                raise AlertActionError(f"unknown action {action!r}", status=400)
            updated = updated.evolve(
                updated_at=now, version=alert.version + 1, history=(*alert.history, entry)
            )
            return await self._save(updated, alert, action)
