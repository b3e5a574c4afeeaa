"""Alerting metrics: open alerts, transitions, escalations, notifications, response times."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

RESPONSE_BUCKETS = (5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600)


class AlertMetrics:
    """Every metric of alerts/, registered on the registry the app passes in."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.open_alerts = Gauge(
            "roomwatch_alerts_open",
            "Open alerts (firing or acknowledged).",
            ["room", "plan", "severity", "state"],
            registry=registry,
        )
        self.transitions = Counter(
            "roomwatch_alert_transitions_total",
            "Alert state changes.",
            ["room", "plan", "action"],
            registry=registry,
        )
        self.time_to_ack = Histogram(
            "roomwatch_time_to_acknowledge_seconds",
            "From an alert firing to its acknowledgement.",
            ["room", "plan", "controller"],
            buckets=RESPONSE_BUCKETS,
            registry=registry,
        )
        self.time_to_resolve = Histogram(
            "roomwatch_time_to_resolve_seconds",
            "From an alert firing to its resolution.",
            ["room", "plan", "controller"],
            buckets=RESPONSE_BUCKETS,
            registry=registry,
        )
        self.time_to_handle = Histogram(
            "roomwatch_time_to_handle_comment_seconds",
            "From a flagged comment to a controller handling it.",
            ["room", "category", "controller"],
            buckets=RESPONSE_BUCKETS,
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
            "Notifications delivered.",
            ["notifier", "reason"],
            registry=registry,
        )
        self.notification_failures = Counter(
            "roomwatch_notification_failures_total",
            "Notification attempts that failed.",
            ["notifier"],
            registry=registry,
        )
        self.dead_letters = Gauge(
            "roomwatch_dead_letters",
            "Notifications given up on, waiting for an operator.",
            registry=registry,
        )
