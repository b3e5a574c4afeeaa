"""Escalation: SLA deadlines and ladders, durable across restarts, each step exactly once.

Two deadlines start a ladder: not acknowledged by `ack_deadline`, and acknowledged but
not resolved by `resolve_deadline`. From the breached deadline T, level i notifies at
T + levels[i].after, then the last level repeats with back-off. Each step has a stable
key (alert, phase, T, step index) that is claimed in the store before anything is sent,
so two instances or a restart never send it twice. Progress lives in the store, so a
deadline that passed while the service was down fires at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from alerts.clock import Clock
from alerts.manager import AlertChange, AlertManager
from alerts.metrics import AlertMetrics
from alerts.model import Alert, AlertState, alert_to_dict
from alerts.notify.base import Notification, Reason
from alerts.notify.dispatch import Dispatcher
from alerts.store.base import AlertStore
from config.notify import EscalationConfig, LadderConfig, LadderLevel, RepeatConfig, RouteConfig

log = logging.getLogger(__name__)

PROGRESS = "escalation"
CLAIM_TTL = 7 * 86_400.0


@dataclass(frozen=True, slots=True)
class Step:
    """One escalation step: when, which level, why, and whom to notify."""

    index: int
    at: float
    level: int
    reason: Reason
    notify: tuple[str, ...]


class EscalationLadder:
    """The rungs and repeats of one ladder, as pure arithmetic over a breach time."""

    def __init__(self, cfg: LadderConfig) -> None:
        self.id = cfg.id
        self.levels = list(cfg.levels)
        self.repeat = cfg.repeat
        self.at_once = frozenset(cfg.at_once)
        self.notify_resolved = cfg.notify_resolved

    def step(self, breach: float, index: int) -> Step | None:
        """Return step `index` of a ladder that started at `breach` (None past the end)."""
        n = len(self.levels)
        if index < n:
            lv = self.levels[index]
            reason = Reason.ESCALATION
            return Step(index, breach + lv.after, index + 1, reason, tuple(lv.notify))
        k = index - n
        if k >= self.repeat.max_times:
            return None
        at = breach + self.levels[-1].after
        for j in range(k + 1):
            at += min(self.repeat.every * self.repeat.backoff**j, self.repeat.max_interval)
        return Step(index, at, n, Reason.REPEAT, tuple(self.levels[-1].notify))

    def next_step(self, breach: float, start: int, now: float) -> Step | None:
        """Return the latest step due by `now` from index `start` (missed repeats collapse)."""
        due: Step | None = None
        index = start
        while (step := self.step(breach, index)) is not None and step.at <= now:
            due = step
            index += 1
        return due

    def first_level(self) -> tuple[str, ...]:
        return tuple(self.levels[0].notify)


DEFAULT_LADDER = LadderConfig(
    id="default",
    levels=[LadderLevel(after=0.0), LadderLevel(after=120.0)],
    repeat=RepeatConfig(max_times=0),
)


class Router:
    """Pick the ladder of an alert: the plan's own, else the first matching route."""

    def __init__(self, cfg: EscalationConfig) -> None:
        ladders = cfg.ladders or [DEFAULT_LADDER.model_copy(update={"id": cfg.default_ladder})]
        self.ladders = {lc.id: EscalationLadder(lc) for lc in ladders}
        self.default = cfg.default_ladder
        self.routes: list[RouteConfig] = list(cfg.routes)

    def ladder_for(self, alert: Alert, plan_ladder: str = "") -> EscalationLadder:
        if plan_ladder in self.ladders:
            return self.ladders[plan_ladder]
        for route in self.routes:
            m = route.match
            if m.rooms and alert.room not in m.rooms:
                continue
            if m.teams and alert.labels.get("team", "") not in m.teams:
                continue
            if m.severities and alert.severity.value not in m.severities:
                continue
            if m.plans and alert.plan_id not in m.plans:
                continue
            if any(alert.labels.get(k) != v for k, v in m.labels.items()):
                continue
            return self.ladders[route.ladder]
        return self.ladders[self.default]


@dataclass(slots=True)
class Progress:
    """How far an alert's escalation went (kept in the store)."""

    phase: str = ""
    breach: float = 0.0
    next: int = 0
    fired: str = ""  # the opening this alert's at-once notification was sent for
    notified: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Progress:
        return cls(
            str(d.get("phase", "")),
            float(d.get("breach", 0.0)),
            int(d.get("next", 0)),
            str(d.get("fired", "")),
            tuple(d.get("notified", ())),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "breach": self.breach,
            "next": self.next,
            "fired": self.fired,
            "notified": list(self.notified),
        }


def opened_at(alert: Alert) -> float:
    """Return when the alert was last created or reopened (an escalation epoch)."""
    for entry in reversed(alert.history):
        if entry.action in ("created", "reopened"):
            return entry.ts
    return alert.started_at


# Alert changes that start, move or stop a ladder (state, deadlines, severity, epoch).
LADDER_ACTIONS = frozenset({"created", "reopened", "acknowledged", "unacknowledged", "resolved"})
# Shortest time between two checks woken by changes: a check reads every open alert, and
# a wave of new alerts (one per repeat offender) must not make that one read per alert.
KICK_GAP = 0.2


class Escalator:
    """Walk every open alert's ladder on a tick; notify through the dispatcher."""

    def __init__(
        self,
        store: AlertStore,
        manager: AlertManager,
        dispatcher: Dispatcher,
        router: Router,
        clock: Clock,
        metrics: AlertMetrics,
        *,
        interval: float = 1.0,
    ) -> None:
        self._store = store
        self._manager = manager
        self._dispatcher = dispatcher
        self._router = router
        self._clock = clock
        self._metrics = metrics
        self._interval = interval
        self._kick = asyncio.Event()
        self._refreshed: dict[tuple[str, str], int] = {}  # (alert, notifier) -> last period

    async def on_alert_change(self, change: AlertChange) -> None:
        """Wake the loop when something that moves a ladder happened (a listener).

        Grouping another comment, handling one or a condition clearing changes no state or
        deadline, and waking on them made every flagged comment re-read every open alert.
        """
        if change.action in LADDER_ACTIONS:
            self._kick.set()

    async def run(self) -> None:
        """Check at start (deadlines passed while down fire now), then on every tick or kick."""
        while True:
            try:
                await self.check()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("escalation check failed")
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancel that
            # lands as the kick fires, and this loop would then never stop.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._interval):
                    await self._kick.wait()
                    # Woken by a change: let the changes of the next moment join this check.
                    await asyncio.sleep(min(KICK_GAP, self._interval))
            self._kick.clear()

    async def check(self) -> int:
        """Take every due step of every alert; return how many were taken."""
        now = self._clock.now()
        silences = [s for s in await self._manager.silences.all() if s.active(now)]
        progress = await self._store.get_items(PROGRESS)
        taken = 0
        open_alerts = await self._store.list_alerts(
            states=(AlertState.FIRING, AlertState.ACKNOWLEDGED), limit=1_000_000
        )
        for alert in open_alerts:
            if any(s.matches(alert.room, alert.plan_id) for s in silences):
                continue  # muted: the ladder waits; deadlines keep counting
            prog = Progress.from_dict(progress.pop(alert.id, {}))
            taken += await self._check_open(alert, prog, now)
            taken += await self._refresh(alert, prog, now)
        open_ids = {a.id for a in open_alerts}
        for memo in [k for k in self._refreshed if k[0] not in open_ids]:
            del self._refreshed[memo]
        for alert_id, raw in progress.items():
            closed = await self._store.get_alert(alert_id)
            if closed is None or closed.is_open:
                continue
            taken += await self._check_resolved(closed, Progress.from_dict(raw))
        return taken

    def _ladder(self, alert: Alert) -> EscalationLadder:
        plan = self._manager.plan(alert.plan_id)
        return self._router.ladder_for(alert, plan.escalation if plan is not None else "")

    async def _check_open(self, alert: Alert, prog: Progress, now: float) -> int:
        ladder = self._ladder(alert)
        taken = 0
        epoch = f"{opened_at(alert):.3f}"
        if alert.severity.value in ladder.at_once and prog.fired != epoch:
            key = f"esc:{alert.id}:fire:{epoch}"
            if await self._store.claim(key, CLAIM_TTL):
                detail = f"{alert.severity.value} plan: notify at once (严重告警立即通知)"
                first = Step(-1, now, 1, Reason.FIRST_FIRE, ladder.first_level())
                await self._take(alert, prog, first, key, detail)
                taken += 1
            prog.fired = epoch
            await self._save(alert.id, prog)
        if alert.state is AlertState.FIRING:
            phase, breach = "ack", alert.ack_deadline
        else:
            phase, breach = "resolve", alert.resolve_deadline
        if breach is None or now < breach:
            return taken
        if (prog.phase, prog.breach) != (phase, breach):
            prog.phase, prog.breach, prog.next = phase, breach, 0
        step = ladder.next_step(breach, prog.next, now)
        if step is None:
            return taken
        key = f"esc:{alert.id}:{phase}:{breach:.3f}:{step.index}"
        if await self._store.claim(key, CLAIM_TTL):
            await self._take(alert, prog, step, key, self._detail(alert, phase, step, now))
            taken += 1
        prog.next = step.index + 1
        await self._save(alert.id, prog)
        return taken

    async def _refresh(self, alert: Alert, prog: Progress, now: float) -> int:
        """Re-send an open alert to the notifiers that want it kept alive (Alertmanager).

        One send per notifier per period since the alert opened, claimed in the store so
        several instances send it once.
        """
        sent = 0
        opened = opened_at(alert)
        for nid in prog.notified:
            every = self._dispatcher.refresh_interval(nid)
            if every <= 0:
                continue
            period = int((now - opened) // every)
            if period < 1 or self._refreshed.get((alert.id, nid)) == period:
                continue
            self._refreshed[(alert.id, nid)] = period
            key = f"esc:{alert.id}:refresh:{opened:.3f}:{nid}:{period}"
            if await self._store.claim(key, CLAIM_TTL):
                step = Step(-3, now, alert.escalation_level, Reason.REFRESH, (nid,))
                await self._send(alert, step, key, "still open (告警仍未恢复)")
                sent += 1
        return sent

    def _detail(self, alert: Alert, phase: str, step: Step, now: float) -> str:
        if phase == "ack":
            waited = now - alert.started_at
            why = f"not acknowledged for {waited:.0f}s (超过时限未确认)"
        else:
            since = now - (alert.acked_at or alert.started_at)
            why = f"acknowledged by {alert.acked_by} {since:.0f}s ago, not resolved (确认后未处理)"
        if step.reason is Reason.REPEAT:
            return f"repeat {step.index - step.level + 1}: {why}"
        return f"level {step.level}: {why}"

    async def _check_resolved(self, alert: Alert, prog: Progress) -> int:
        ladder = self._ladder(alert)
        taken = 0
        if ladder.notify_resolved and prog.notified:
            key = f"esc:{alert.id}:resolved:{alert.resolved_at}"
            if await self._store.claim(key, CLAIM_TTL):
                detail = f"resolved by {alert.resolved_by} (已恢复)"
                step = Step(-2, alert.resolved_at or 0.0, 0, Reason.RESOLVED, prog.notified)
                await self._send(alert, step, key, detail)
                taken = 1
        await self._store.delete_item(PROGRESS, alert.id)
        return taken

    async def _take(self, alert: Alert, prog: Progress, step: Step, key: str, detail: str) -> None:
        updated = await self._manager.escalate(alert.id, step.level, detail)
        self._metrics.escalations.labels(alert.room, alert.plan_id, str(step.level)).inc()
        await self._send(updated or alert, step, key, detail)
        prog.notified = tuple(dict.fromkeys((*prog.notified, *step.notify)))

    async def _send(self, alert: Alert, step: Step, key: str, detail: str) -> None:
        snapshot = alert_to_dict(alert)
        for nid in _known(step.notify, self._dispatcher.notifier_ids):
            n = Notification(
                f"{key}:{nid}", nid, step.reason, step.level, detail, self._clock.now(), snapshot
            )
            await self._dispatcher.submit(n)

    async def _save(self, alert_id: str, prog: Progress) -> None:
        await self._store.put_item(PROGRESS, alert_id, prog.to_dict())


def _known(ids: Iterable[str], known: list[str]) -> list[str]:
    return [i for i in ids if i in known]
