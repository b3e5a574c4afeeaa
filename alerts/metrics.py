"""Alerting metrics: open alerts, transitions, escalations, notifications, response times.

`AlertMetrics.on_alert_change` is an AlertManager listener: it keeps the open-alerts gauge
in step with every change and counts state transitions; `resync_forever` re-reads the
open alerts from the store every few seconds, so that with several instances on one Redis
every instance reports the same, complete gauge (dashboards take `max` across instances).
The escalation ladder counts `escalations` (alerts/escalation.py), the dispatcher counts
`notifications` and `notification_failures` and sets `dead_letters`
(alerts/notify/dispatch.py), and the response-time histograms are observed by
alerts/response.py, since each of them alone knows the outcome. Each metric has exactly one
writer, so nothing is counted twice.

Response times come at one of two levels of detail (`server.metrics_response_detail`).
`bounded`, the default, keeps them per controller and per room but not their product:
histograms by controller, and a count and sum of acknowledgement time by room, so a scrape
grows by two series per room. `full` adds room and plan (or category) to the controller
histograms: eleven series per room x plan x controller, for a few rooms only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Summary

from alerts.manager import AlertChange
from alerts.model import Alert, AlertState
from alerts.store.base import AlertStore

# Eight buckets, not more: with the `full` detail these histograms carry room x plan x
# controller labels, so each bucket costs a series per combination on every scrape
# (bench/bench_metrics_scrape.py).
RESPONSE_BUCKETS = (10, 30, 60, 120, 300, 600, 1800, 3600)

ResponseDetail = Literal["bounded", "full"]
# Labels of the per-person response-time histograms at each detail level.
ACK_LABELS: dict[str, tuple[str, ...]] = {
    "bounded": ("controller",),
    "full": ("room", "plan", "controller"),
}
HANDLE_LABELS: dict[str, tuple[str, ...]] = {
    "bounded": ("controller",),
    "full": ("room", "category", "controller"),
}

log = logging.getLogger(__name__)

RESYNC_INTERVAL = 10.0
NOTIFY_REASONS = ("first_fire", "escalation", "repeat", "resolved", "refresh")


class AlertMetrics:
    """Every metric of alerts/, registered on the registry the app passes in."""

    def __init__(
        self,
        registry: CollectorRegistry,
        controllers_by_room: Mapping[str, Sequence[str]] | None = None,
        detail: ResponseDetail = "bounded",
    ) -> None:
        self._controllers_by_room = dict(controllers_by_room or {})
        self.detail: ResponseDetail = detail
        self._open_keys: set[tuple[str, str, str, str]] = set()
        # Open alerts by room and severity, kept with the gauge: the consoles' rooms
        # overview reads it on every poll instead of listing alerts from the store.
        self._room_open: dict[str, dict[str, int]] = {}
        self.open_alerts = Gauge(
            "roomwatch_alerts_open",
            "Open alerts (firing or acknowledged).",
            ["room", "plan", "severity", "state"],
            registry=registry,
        )
        self.transitions = Counter(
            "roomwatch_alert_transitions_total",
            "Alert state changes: created, reopened, acknowledged, unacknowledged, resolved.",
            ["room", "plan", "action"],
            registry=registry,
        )
        self.time_to_ack = Histogram(
            "roomwatch_time_to_acknowledge_seconds",
            "From an alert firing to its acknowledgement, by who acknowledged it.",
            ACK_LABELS[detail],
            buckets=RESPONSE_BUCKETS,
            registry=registry,
        )
        self.time_to_resolve = Histogram(
            "roomwatch_time_to_resolve_seconds",
            "From an alert firing to its resolution, by who resolved it.",
            ACK_LABELS[detail],
            buckets=RESPONSE_BUCKETS,
            registry=registry,
        )
        self.time_to_handle = Histogram(
            "roomwatch_time_to_handle_comment_seconds",
            "From a flagged comment to a controller handling it, by who handled it.",
            HANDLE_LABELS[detail],
            buckets=RESPONSE_BUCKETS,
            registry=registry,
        )
        self.room_time_to_ack = Summary(
            "roomwatch_room_time_to_acknowledge_seconds",
            "From an alert firing to its acknowledgement, by room (count and sum).",
            ["room"],
            registry=registry,
        )
        self.escalations = Counter(
            "roomwatch_escalations_total",
            "Escalation steps taken.",
            ["room", "plan", "level"],
            registry=registry,
        )
        self.notifications = Counter(
            "roomwatch_notifications_total",
            "Notifications delivered; reason: first_fire, escalation, repeat, resolved or refresh.",
            ["notifier", "reason"],
            registry=registry,
        )
        self.notification_failures = Counter(
            "roomwatch_notification_failures_total",
            "Notification attempts that failed.",
            ["notifier"],
            registry=registry,
        )
        self.notification_latency = Histogram(
            "roomwatch_notification_delivery_seconds",
            "From queuing a notification to the receiver accepting it (retries included).",
            ["notifier"],
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
            registry=registry,
        )
        self.notification_queue = Gauge(
            "roomwatch_notification_queue_depth",
            "Notifications waiting in a notifier's queue.",
            ["notifier"],
            registry=registry,
        )
        self.notification_throttled = Counter(
            "roomwatch_notification_throttled_total",
            "Answers that said we send too fast (the destination is paused, nothing is lost).",
            ["notifier"],
            registry=registry,
        )
        self.notification_digests = Counter(
            "roomwatch_notification_digests_total",
            "Digest messages sent because more was due than a destination's budget allows.",
            ["notifier"],
            registry=registry,
        )
        self.notification_uncertain = Counter(
            "roomwatch_notification_uncertain_total",
            "Robot messages not posted again because an earlier post may have arrived.",
            ["notifier"],
            registry=registry,
        )
        self.dead_letters = Gauge(
            "roomwatch_dead_letters",
            "Notifications given up on, waiting for an operator.",
            registry=registry,
        )

    def init_notifiers(self, notifiers: Iterable[str]) -> None:
        """Create the per-notifier series at zero so a quiet notifier still shows up."""
        for name in notifiers:
            self.notification_failures.labels(name)
            self.notification_queue.labels(name)
            self.notification_throttled.labels(name)
            self.notification_digests.labels(name)
            self.notification_uncertain.labels(name)
            for reason in NOTIFY_REASONS:
                self.notifications.labels(name, reason)

    async def sync(self, store: AlertStore) -> None:
        """Set the open-alerts gauge from the store (restarts, other instances' changes)."""
        open_states = (AlertState.FIRING, AlertState.ACKNOWLEDGED)
        counts: dict[tuple[str, str, str, str], int] = {}
        for alert in await store.list_alerts(states=open_states, limit=1_000_000):
            key = (alert.room, alert.plan_id, alert.severity.value, alert.state.value)
            counts[key] = counts.get(key, 0) + 1
            self._init_responses(alert)
        # Set values in place (no clear) so a scrape never sees a half-built gauge, and
        # label sets that emptied stay at 0 rather than vanishing from the dashboards.
        for key in self._open_keys - counts.keys():
            self.open_alerts.labels(*key).set(0)
        for key, count in counts.items():
            self.open_alerts.labels(*key).set(count)
        self._open_keys |= counts.keys()
        by_room: dict[str, dict[str, int]] = {}
        for (room, _, severity, _), count in counts.items():
            per = by_room.setdefault(room, {})
            per[severity] = per.get(severity, 0) + count
        self._room_open = by_room

    def open_by_room(self, rooms: Iterable[str]) -> dict[str, dict[str, int]]:
        """Return the open alerts of each room by severity (as the gauge counts them)."""
        return {room: dict(self._room_open.get(room, {})) for room in rooms}

    def _count_open(self, alert: Alert, delta: int) -> None:
        self._open(alert).inc(delta)
        per = self._room_open.setdefault(alert.room, {})
        left = per.get(alert.severity.value, 0) + delta
        if left > 0:
            per[alert.severity.value] = left
        else:
            per.pop(alert.severity.value, None)

    async def resync_forever(self, store: AlertStore, interval: float = RESYNC_INTERVAL) -> None:
        """Re-read the open alerts every `interval` s: with several instances on one Redis,
        the others open and close alerts this instance's listener never sees."""
        while True:
            await asyncio.sleep(interval)
            try:
                await self.sync(store)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("open-alerts gauge resync failed: %s", exc)

    def _init_responses(self, alert: Alert) -> None:
        # Response-time and first-escalation series are created at zero when an alert
        # opens, so that increase() over a dashboard range sees the first occurrence.
        self.escalations.labels(alert.room, alert.plan_id, "1")
        self.room_time_to_ack.labels(alert.room)
        for controller in self._controllers_by_room.get(alert.room, ()):
            if self.detail == "bounded":
                self.time_to_ack.labels(controller)
                self.time_to_resolve.labels(controller)
                self.time_to_handle.labels(controller)
                continue
            self.time_to_ack.labels(alert.room, alert.plan_id, controller)
            self.time_to_resolve.labels(alert.room, alert.plan_id, controller)
            for category in {c.category or "none" for c in alert.comments}:
                self.time_to_handle.labels(alert.room, category, controller)

    def observe_ack(self, alert: Alert, controller: str, seconds: float) -> None:
        """Record the time an alert took to be acknowledged."""
        self.room_time_to_ack.labels(alert.room).observe(seconds)
        if self.detail == "bounded":
            self.time_to_ack.labels(controller).observe(seconds)
        else:
            self.time_to_ack.labels(alert.room, alert.plan_id, controller).observe(seconds)

    def observe_resolve(self, alert: Alert, controller: str, seconds: float) -> None:
        """Record the time an alert took to be resolved."""
        if self.detail == "bounded":
            self.time_to_resolve.labels(controller).observe(seconds)
        else:
            self.time_to_resolve.labels(alert.room, alert.plan_id, controller).observe(seconds)

    def observe_handle(self, room: str, category: str, controller: str, seconds: float) -> None:
        """Record the time a flagged comment waited to be handled."""
        if self.detail == "bounded":
            self.time_to_handle.labels(controller).observe(seconds)
        else:
            self.time_to_handle.labels(room, category, controller).observe(seconds)

    def _open(self, alert: Alert) -> Gauge:
        key = (alert.room, alert.plan_id, alert.severity.value, alert.state.value)
        self._open_keys.add(key)
        return self.open_alerts.labels(*key)

    async def on_alert_change(self, change: AlertChange) -> None:
        """Record one alert change (an AlertManager listener)."""
        alert, previous = change.alert, change.previous
        state_changed = previous is None or previous.state is not alert.state
        if state_changed or (previous is not None and previous.severity is not alert.severity):
            if previous is not None and previous.is_open:
                self._count_open(previous, -1)
            if alert.is_open:
                self._count_open(alert, 1)
        if alert.is_open and change.action in ("created", "reopened", "grouped"):
            self._init_responses(alert)
        if state_changed:
            self.transitions.labels(alert.room, alert.plan_id, change.action).inc()
