"""Response-time metrics: time to acknowledge, to resolve, and to handle a flagged comment.

A listener on AlertManager: it sees every stored change and observes the durations into
AlertMetrics' histograms (by controller, and by room; their labels depend on
`server.metrics_response_detail`).
"""

from __future__ import annotations

from alerts.manager import AlertChange
from alerts.metrics import AlertMetrics


class ResponseTimes:
    """Observe response durations from alert changes into the Prometheus histograms."""

    def __init__(self, metrics: AlertMetrics) -> None:
        self._metrics = metrics

    async def on_change(self, change: AlertChange) -> None:
        alert = change.alert
        if change.action == "acknowledged" and alert.acked_at is not None:
            # Only the first acknowledgement counts; an unack + re-ack is not a new response.
            if sum(1 for h in alert.history if h.action == "acknowledged") > 1:
                return
            self._metrics.observe_ack(
                alert, alert.acked_by or "unknown", max(0.0, alert.acked_at - alert.started_at)
            )
        elif change.action == "resolved" and alert.resolved_at is not None:
            controller = alert.resolved_by or "unknown"
            if controller == "system" and alert.acked_by:
                controller = alert.acked_by  # auto-resolved: credit whoever took the alert
            self._metrics.observe_resolve(
                alert, controller, max(0.0, alert.resolved_at - alert.started_at)
            )
        elif change.action == "comment_handled" and change.previous is not None:
            before = {c.event_id: c for c in change.previous.comments}
            for c in alert.comments:
                old = before.get(c.event_id)
                if c.handled_at is None or old is None or old.handled_at is not None:
                    continue
                self._metrics.observe_handle(
                    alert.room,
                    c.category or "none",
                    c.handled_by or "unknown",
                    max(0.0, c.handled_at - c.ts),
                )
