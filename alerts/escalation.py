"""Escalation: SLA deadlines and ladders, durable across restarts, each step exactly once.

Two deadlines start a ladder: not acknowledged by `ack_deadline`, and acknowledged but
not resolved by `resolve_deadline`. From the breached deadline T, level i notifies at
T + levels[i].after, then the last level repeats with back-off. Each step has a stable
key (alert, phase, T, step index). Claiming that key, queueing the step's notifications
in the outbox, moving the ladder's progress and noting the step for the alert's history
happen in one atomic store call, so a step is either not taken (and taken at the next
check) or taken with its sends queued: two instances or a restart never send it twice
and a store error never loses it. Progress lives in the store, so deadlines that passed
while the service was down fire at the next start: every level that came due, in
order, each marked late; missed repeats of the last level collapse into one. A step's
history entry carries its key, so two instances that both read its mark note it once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from alerts.audience import Directory
from alerts.clock import Clock
from alerts.manager import AlertChange, AlertManager
from alerts.metrics import AlertMetrics
from alerts.model import Alert, AlertState, alert_to_dict
from alerts.notify.base import Notification, Reason
from alerts.notify.dispatch import OUTBOX, Dispatcher
from alerts.notify.render import LATE_AFTER
from alerts.store.base import AlertStore, StoreError
from config.notify import EscalationConfig, LadderConfig, LadderLevel, RepeatConfig, RouteConfig

log = logging.getLogger(__name__)

# A history code and its values (see STEP_CODES).
Said = tuple[str, dict[str, str | int | float]]

PROGRESS = "escalation"
MARKS = "escalation_marks"  # steps taken whose history entry is still to be written
CLAIM_TTL = 7 * 86_400.0
# History codes of escalation steps (HistoryEntry.code), worded by the console per language:
#   at_once      {level, severity}                      a plan that notifies on opening
#   not_acked    {step, n, level, waited[, late]}       past the ack deadline
#   not_resolved {step, n, level, by, since[, late]}    acknowledged, past the resolve deadline
# `step` is "level" (n = the level) or "repeat" (n = which repeat); `late` is how long after
# its time the step was taken, when that was LATE_AFTER or more.
STEP_CODES = ("at_once", "not_acked", "not_resolved")
AT_ONCE_ZH = {"critical": "严重告警立即通知", "warning": "警告立即通知", "info": "提示立即通知"}


@dataclass(frozen=True, slots=True)
class Step:
    """One escalation step: when, which level, why, and whom to notify."""

    index: int
    at: float
    level: int
    reason: Reason
    notify: tuple[str, ...]
    mention: tuple[str, ...] = ()
    people: tuple[str, ...] = ()


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
            return Step(
                index, breach + lv.after, index + 1, Reason.ESCALATION, tuple(lv.notify),
                tuple(lv.mention), tuple(lv.people),
            )  # fmt: skip
        k = index - n
        if k >= self.repeat.max_times:
            return None
        at = breach + self.levels[-1].after
        for j in range(k + 1):
            at += min(self.repeat.every * self.repeat.backoff**j, self.repeat.max_interval)
        last = self.levels[-1]
        return Step(
            index, at, n, Reason.REPEAT, tuple(last.notify), tuple(last.mention),
            tuple(last.people),
        )  # fmt: skip

    def due_steps(self, breach: float, start: int, now: float) -> list[Step]:
        """Return every level due by `now` from index `start`, in order; missed repeats of
        the last level collapse into the latest one (a person needs one reminder, not ten)."""
        due: list[Step] = []
        repeat: Step | None = None
        index = start
        while (step := self.step(breach, index)) is not None and step.at <= now:
            if step.reason is Reason.REPEAT:
                repeat = step
            else:
                due.append(step)
            index += 1
        return [*due, *([repeat] if repeat is not None else [])]

    def first_level(self) -> LadderLevel:
        return self.levels[0]


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
    """Walk every open alert's ladder on a tick; queue notifications for the dispatcher."""

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
        directory: Directory | None = None,
    ) -> None:
        self._store = store
        self._manager = manager
        self._dispatcher = dispatcher
        self._router = router
        self._clock = clock
        self._metrics = metrics
        self._interval = interval
        self._directory = directory or Directory()
        self._kick = asyncio.Event()
        self._refreshed: dict[tuple[str, str], int] = {}  # (alert, notifier) -> last period
        self._ack_sent: dict[tuple[str, str], str] = {}  # (alert, notifier) -> ack state sent

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
        for memo in [k for k in self._ack_sent if k[0] not in open_ids]:
            del self._ack_sent[memo]
        for alert_id, raw in progress.items():
            closed = await self._store.get_alert(alert_id)
            if closed is None or closed.is_open:
                continue
            taken += await self._check_resolved(closed, Progress.from_dict(raw))
        # History notes of the steps taken now, and of earlier ones the store refused.
        await self._write_marks()
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
            sev = alert.severity.value
            detail = f"level 1: {sev} plan: notify at once ({AT_ONCE_ZH.get(sev, '立即通知')})"
            said: Said = ("at_once", {"level": 1, "severity": sev})
            lv = ladder.first_level()
            first = Step(
                -1, now, 1, Reason.FIRST_FIRE, tuple(lv.notify), tuple(lv.mention),
                tuple(lv.people),
            )  # fmt: skip
            prog.fired = epoch
            if await self._take(alert, prog, first, key, detail, now, said):
                taken += 1
            else:
                await self._save(alert.id, prog)
        if alert.state is AlertState.FIRING:
            phase, breach = "ack", alert.ack_deadline
        else:
            phase, breach = "resolve", alert.resolve_deadline
        if breach is None or now < breach:
            return taken
        if (prog.phase, prog.breach) != (phase, breach):
            prog.phase, prog.breach, prog.next = phase, breach, 0
        steps = ladder.due_steps(breach, prog.next, now)
        for step in steps:
            key = f"esc:{alert.id}:{phase}:{breach:.3f}:{step.index}"
            prog.next = step.index + 1
            detail, said = self._detail(alert, phase, step, now)
            if await self._take(alert, prog, step, key, detail, now, said):
                taken += 1
        if steps:
            await self._save(alert.id, prog)
        return taken

    async def _refresh(self, alert: Alert, prog: Progress, now: float) -> int:
        """Re-send an open alert to the notifiers that want it kept alive (Alertmanager).

        One send per notifier per period since the alert opened, and one when its
        acknowledgement changed, claimed in the store so several instances send it once.
        """
        sent = 0
        opened = opened_at(alert)
        for nid in prog.notified:
            every = self._dispatcher.refresh_interval(nid)
            if every <= 0:
                continue
            acks = sum(1 for h in alert.history if h.action in ("acknowledged", "unacknowledged"))
            state = f"{acks}"
            if acks and self._ack_sent.get((alert.id, nid)) != state:
                self._ack_sent[(alert.id, nid)] = state
                key = f"esc:{alert.id}:ackstate:{opened:.3f}:{nid}:{state}"
                who = alert.acked_by or ""
                detail = (
                    f"acknowledged by {who} (已确认)"
                    if alert.acked_at
                    else "unacknowledged (已取消确认)"
                )
                step = Step(-4, now, alert.escalation_level, Reason.REFRESH, (nid,))
                if await self._queue(alert, step, key, detail, now):
                    sent += 1
            period = int((now - opened) // every)
            if period < 1 or self._refreshed.get((alert.id, nid)) == period:
                continue
            self._refreshed[(alert.id, nid)] = period
            key = f"esc:{alert.id}:refresh:{opened:.3f}:{nid}:{period}"
            step = Step(-3, now, alert.escalation_level, Reason.REFRESH, (nid,))
            if await self._queue(alert, step, key, "still open (告警仍未恢复)", now):
                sent += 1
        return sent

    def _detail(self, alert: Alert, phase: str, step: Step, now: float) -> tuple[str, Said]:
        """Return a step's detail text (notifications, logs) and its history code and values."""
        args: dict[str, str | int | float] = {"level": step.level}
        if phase == "ack":
            code = "not_acked"
            args["waited"] = waited = round(now - alert.started_at)
            why = f"not acknowledged for {waited}s (超过时限未确认)"
        else:
            code = "not_resolved"
            args["since"] = since = round(now - (alert.acked_at or alert.started_at))
            args["by"] = by = alert.acked_by or ""
            why = f"acknowledged by {by} {since}s ago, not resolved (确认后未处理)"
        late = now - step.at
        if late >= LATE_AFTER:
            args["late"] = round(late)
            why += f"; late by {late:.0f}s (延迟送达)"
        if step.reason is Reason.REPEAT:
            args["step"], args["n"] = "repeat", step.index - step.level + 1
        else:
            args["step"], args["n"] = "level", step.level
        return f"{args['step']} {args['n']}: {why}", (code, args)

    async def _check_resolved(self, alert: Alert, prog: Progress) -> int:
        ladder = self._ladder(alert)
        taken = 0
        if ladder.notify_resolved and prog.notified:
            key = f"esc:{alert.id}:resolved:{alert.resolved_at}"
            detail = f"resolved by {alert.resolved_by} (已恢复)"
            step = Step(-2, alert.resolved_at or 0.0, 0, Reason.RESOLVED, prog.notified)
            if await self._queue(alert, step, key, detail, self._clock.now()):
                taken = 1
        await self._store.delete_item(PROGRESS, alert.id)
        return taken

    def _notifications(
        self, alert: Alert, step: Step, key: str, detail: str, now: float
    ) -> list[Notification]:
        snapshot = alert_to_dict(alert)
        mentions, everyone = self._directory.mentions(alert, step.mention, step.people)
        late = now - step.at if step.index >= 0 and now - step.at >= LATE_AFTER else 0.0
        return [
            Notification(
                f"{key}:{nid}",
                nid,
                step.reason,
                step.level,
                detail,
                now,
                snapshot,
                mentions,
                everyone,
                late,
            )
            for nid in _known(step.notify, self._dispatcher.notifier_ids)
        ]

    async def _queue(
        self,
        alert: Alert,
        step: Step,
        key: str,
        detail: str,
        now: float,
        extra: list[tuple[str, str, dict[str, Any]]] | None = None,
    ) -> bool:
        """Claim a step and queue its notifications in one atomic write; False when taken."""
        ns = self._notifications(alert, step, key, detail, now)
        items = [(OUTBOX, n.key, self._dispatcher.entry(n)) for n in ns] + (extra or [])
        if not await self._store.claim_with_items(key, CLAIM_TTL, items):
            return False
        self._dispatcher.queued(ns)
        return True

    async def _take(
        self,
        alert: Alert,
        prog: Progress,
        step: Step,
        key: str,
        detail: str,
        now: float,
        said: Said,
    ) -> bool:
        """Take a ladder step: claim, queue its sends, save progress and note it, atomically."""
        # Kept when the step was claimed already: its sends were queued with its claim (by
        # an instance that read the progress before this one), and a progress saved without
        # its notifiers would tell them of no refresh and no resolution.
        prog.notified = tuple(dict.fromkeys((*prog.notified, *step.notify)))
        shown = alert.evolve(escalation_level=max(alert.escalation_level, step.level))
        mark = {
            "alert": alert.id,
            "level": step.level,
            "detail": detail,
            "code": said[0],
            "args": said[1],
            "at": now,
            "step": step.index,
        }
        extra = [(PROGRESS, alert.id, prog.to_dict()), (MARKS, key, mark)]
        if not await self._queue(shown, step, key, detail, now, extra):
            return False
        self._metrics.escalations.labels(alert.room, alert.plan_id, str(step.level)).inc()
        return True

    async def _write_marks(self) -> None:
        """Write the history entries of steps taken (kept until the alert records them)."""
        marks = await self._store.get_items(MARKS)
        # In the order taken: steps of one check share a time, then go by step index.
        for key, mark in sorted(marks.items(), key=_mark_order):
            try:
                args = mark.get("args")
                await self._manager.escalate(
                    str(mark["alert"]),
                    int(mark["level"]),
                    str(mark["detail"]),
                    code=str(mark.get("code") or ""),
                    args=args if isinstance(args, dict) else None,
                    step=key,
                )
                await self._store.delete_item(MARKS, key)
            except StoreError:
                log.warning("could not note escalation step %s yet; trying again", key)
                return

    async def _save(self, alert_id: str, prog: Progress) -> None:
        await self._store.put_item(PROGRESS, alert_id, prog.to_dict())


def _mark_order(item: tuple[str, dict[str, Any]]) -> tuple[float, int]:
    return float(item[1].get("at", 0.0)), int(item[1].get("step", 0))


def _known(ids: Iterable[str], known: list[str]) -> list[str]:
    return [i for i in ids if i in known]
