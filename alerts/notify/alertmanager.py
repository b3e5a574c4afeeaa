"""Prometheus Alertmanager: POST /api/v2/alerts; a resolved alert is sent with its endsAt.

An open alert is sent with endsAt = now + 4 x resend_every and re-sent every resend_every
(a "refresh" step of the escalator), so Alertmanager keeps it active exactly while it is
open here, and lets it lapse on its own if roomwatch stops sending (as with Prometheus).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import orjson

from alerts.notify.base import Notification, Outcome, Reason, Request, judge_http, summary
from config.notify import AlertmanagerNotifier

LABEL_NAME = re.compile(r"[^A-Za-z0-9_]")


def rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


class Alertmanager:
    """Push our alerts into an Alertmanager so its routes and receivers can use them too."""

    type = "alertmanager"

    def __init__(self, cfg: AlertmanagerNotifier) -> None:
        self.id = cfg.id
        self.cfg = cfg
        self.url = cfg.url.rstrip("/") + "/api/v2/alerts"

    def alert(self, n: Notification, now: float) -> dict[str, object]:
        a = n.alert
        labels = {LABEL_NAME.sub("_", str(k)): str(v) for k, v in (a.get("labels") or {}).items()}
        labels.update(
            alertname=str(a.get("plan_id", "roomwatch")),
            room=str(a.get("room", "")),
            severity=str(a.get("severity", "")),
            alert_id=str(a.get("id", "")),
        )
        if a.get("group_key"):
            labels["group_key"] = str(a["group_key"])
        out: dict[str, object] = {
            "labels": labels,
            "annotations": {
                "summary": str(a.get("summary", "")),
                "summary_en": summary(a, "en"),
                "plan_name": str(a.get("plan_name", "")),
                "steps": "\n".join(a.get("steps") or []),
                "reason": n.reason.value,
                "detail": n.detail,
                "escalation_level": str(n.level),
            },
            "startsAt": rfc3339(float(a.get("started_at") or now)),
        }
        if n.reason is Reason.RESOLVED:
            out["endsAt"] = rfc3339(float(a.get("resolved_at") or now))
        elif self.cfg.resend_every > 0:
            out["endsAt"] = rfc3339(now + 4 * self.cfg.resend_every)
        if self.cfg.generator_url:
            out["generatorURL"] = f"{self.cfg.generator_url.rstrip('/')}/#alert-{a.get('id', '')}"
        return out

    def build(self, n: Notification, now: float) -> Request:
        body = orjson.dumps([self.alert(n, now)])
        return Request(self.url, body, {"Content-Type": "application/json"})

    def judge(self, status: int, body: bytes) -> Outcome:
        return judge_http(status)
