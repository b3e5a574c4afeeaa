"""Generic webhook: versioned JSON body, HMAC-SHA256 over timestamp and body, idempotency key."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

import orjson

from alerts.notify.base import BODY_VERSION, Notification, Outcome, Request, judge_http, summary
from alerts.notify.render import alert_link
from config.notify import WebhookNotifier

ALERT_FIELDS = (
    "id", "fingerprint", "room", "plan_id", "plan_name", "severity", "group_key", "state",
    "summary", "summary_data", "steps", "labels", "started_at", "acked_at", "acked_by",
    "resolved_at", "resolved_by", "ack_deadline", "resolve_deadline", "escalation_level",
)  # fmt: skip


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Return `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


class Webhook:
    """POST the notification as JSON to any receiver."""

    type = "webhook"
    at_most_once = False  # receivers drop a repeat by its Idempotency-Key

    def __init__(self, cfg: WebhookNotifier) -> None:
        self.id = cfg.id
        self.cfg = cfg

    def body(self, n: Notification, now: float) -> bytes:
        alert = {k: n.alert.get(k) for k in ALERT_FIELDS}
        alert["summary_data"] = alert["summary_data"] or {}
        alert["summary_en"] = summary(n.alert, "en")
        alert["comments"] = list(n.alert.get("comments", []))[-10:]
        return orjson.dumps(
            {
                "version": BODY_VERSION,
                "idempotency_key": n.key,
                "reason": n.reason.value,
                "detail": n.detail,
                "level": n.level,
                "notifier": self.id,
                "created_at": n.created_at,
                "sent_at": now,
                "alert": alert,
                "late": n.late,
                "mentions": [dict(m) for m in n.mentions],
                "mention_all": n.mention_all,
                "link": alert_link(self.cfg.console_url, str(n.alert.get("id", ""))),
            }
        )

    def build(self, n: Notification, now: float) -> Request:
        body = self.body(n, now)
        ts = str(int(now))
        headers = {
            **self.cfg.headers,
            "Content-Type": "application/json",
            "Idempotency-Key": n.key,
            "X-Roomwatch-Timestamp": ts,
            "X-Roomwatch-Reason": n.reason.value,
        }
        if self.cfg.secret:
            headers[self.cfg.signature_header] = sign(self.cfg.secret, ts, body)
        return Request(self.cfg.url, body, headers)

    def judge(self, status: int, body: bytes, headers: Mapping[str, str]) -> Outcome:
        return judge_http(status, headers)
