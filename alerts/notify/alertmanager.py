"""Prometheus Alertmanager: POST /api/v2/alerts; a resolved alert is sent with its endsAt.

An open alert is sent with endsAt = now + 4 x resend_every and re-sent every resend_every
(a "refresh" step of the escalator), so Alertmanager keeps it active exactly while it is
open here, and lets it lapse on its own if roomwatch stops sending (as with Prometheus).

The label `acknowledged` ("true"/"false") carries the acknowledgement so routes and
inhibit rules can use it, and the annotation `acknowledged_by` says who. Labels are an
alert's identity in Alertmanager, so when the acknowledgement changes the alert under
the previous label set is ended in the same request (endsAt = now).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

import orjson

from alerts.notify.base import (
    SEVERITY_ZH,
    Notification,
    Outcome,
    Reason,
    Request,
    judge_http,
    summary,
)
from config.notify import AlertmanagerNotifier

LABEL_NAME = re.compile(r"[^A-Za-z0-9_]")
SEVERITY_EN = {"critical": "Critical", "warning": "Warning", "info": "Info"}


def headline(a: dict[str, object], lang: str) -> str:
    """Return the summary annotation: worded by severity, then the plan, room and why."""
    sev = str(a.get("severity", ""))
    if lang == "zh":
        word = {"critical": "严重告警", "warning": "警告", "info": "提示"}.get(
            sev, SEVERITY_ZH.get(sev, sev)
        )
        why = summary(a)
        where = f"{a.get('plan_name', '')}（直播间 {a.get('room', '')}）"
        return f"{word}：{where}" + (f"：{why}" if why else "")
    why = summary(a, "en")
    return f"{SEVERITY_EN.get(sev, sev)}: {a.get('plan_id', '')} in room {a.get('room', '')}" + (
        f": {why}" if why else ""
    )


def was_acknowledged(a: dict[str, object]) -> bool:
    """Return True when the alert was acknowledged at some point (and may be no more)."""
    history = a.get("history")
    if isinstance(history, list):
        return any(isinstance(h, dict) and h.get("action") == "acknowledged" for h in history)
    return bool(a.get("acked_at"))


def rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


class Alertmanager:
    """Push our alerts into an Alertmanager so its routes and receivers can use them too."""

    type = "alertmanager"
    at_most_once = False  # the same labels again only refresh the alert

    def __init__(self, cfg: AlertmanagerNotifier) -> None:
        self.id = cfg.id
        self.cfg = cfg
        self.url = cfg.url.rstrip("/") + "/api/v2/alerts"

    def alerts(self, n: Notification, now: float) -> list[dict[str, object]]:
        """Return the alert as it is now, and under its previous label set ended now."""
        current = self.alert(n, now)
        a = n.alert
        acked = bool(a.get("acked_at"))
        if n.reason is Reason.RESOLVED or not (acked or was_acknowledged(a)):
            return [current]
        labels = dict(current["labels"])  # type: ignore[call-overload]
        labels["acknowledged"] = "false" if acked else "true"
        ended = {**current, "labels": labels, "endsAt": rfc3339(now)}
        return [current, ended]

    def alert(self, n: Notification, now: float) -> dict[str, object]:
        a = n.alert
        labels = {LABEL_NAME.sub("_", str(k)): str(v) for k, v in (a.get("labels") or {}).items()}
        labels.update(
            alertname=str(a.get("plan_id", "roomwatch")),
            room=str(a.get("room", "")),
            severity=str(a.get("severity", "")),
            alert_id=str(a.get("id", "")),
            acknowledged="true" if a.get("acked_at") else "false",
        )
        if a.get("group_key"):
            labels["group_key"] = str(a["group_key"])
        out: dict[str, object] = {
            "labels": labels,
            "annotations": {
                "summary": headline(a, "zh"),
                "summary_en": headline(a, "en"),
                "description": str(a.get("summary", "")),
                "acknowledged_by": str(a.get("acked_by") or ""),
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
        body = orjson.dumps(self.alerts(n, now))
        return Request(self.url, body, {"Content-Type": "application/json"})

    def judge(self, status: int, body: bytes, headers: Mapping[str, str]) -> Outcome:
        return judge_http(status, headers)
