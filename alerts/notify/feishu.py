"""Feishu/Lark custom bot: text message; timestamp and sign travel in the body."""

from __future__ import annotations

import base64
import hashlib
import hmac

import orjson

from alerts.notify.base import Notification, Outcome, Request, judge_robot, markdown
from config.notify import FeishuNotifier

RATE_LIMITED = 11232


def feishu_sign(secret: str, timestamp: str) -> str:
    """Return base64 HMAC-SHA256 with key "timestamp\\nsecret" over an empty message."""
    mac = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


class Feishu:
    """Send to a Feishu/Lark custom bot webhook."""

    type = "feishu"

    def __init__(self, cfg: FeishuNotifier) -> None:
        self.id = cfg.id
        self.cfg = cfg

    def build(self, n: Notification, now: float) -> Request:
        body: dict[str, object] = {"msg_type": "text", "content": {"text": markdown(n)}}
        if self.cfg.secret:
            ts = str(int(now))
            body = {"timestamp": ts, "sign": feishu_sign(self.cfg.secret, ts), **body}
        return Request(self.cfg.url, orjson.dumps(body), {"Content-Type": "application/json"})

    def judge(self, status: int, body: bytes) -> Outcome:
        return judge_robot(
            status, body, vendor="Feishu", keys=("code", "StatusCode"), rate_limited=RATE_LIMITED
        )
