"""DingTalk group robot: markdown message; 加签 puts timestamp and sign on the URL."""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse

import orjson

from alerts.notify.base import Notification, Outcome, Request, judge_robot, markdown, title
from config.notify import DingTalkNotifier

RATE_LIMITED = 130101  # "send too fast": worth a retry


def dingtalk_sign(secret: str, timestamp_ms: str) -> str:
    """Return the URL-encoded base64 HMAC-SHA256 of "timestamp\\nsecret" keyed by the secret."""
    mac = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256)
    return urllib.parse.quote_plus(base64.b64encode(mac.digest()).decode())


class DingTalk:
    """Send to a DingTalk custom robot webhook."""

    type = "dingtalk"

    def __init__(self, cfg: DingTalkNotifier) -> None:
        self.id = cfg.id
        self.cfg = cfg

    def build(self, n: Notification, now: float) -> Request:
        url = self.cfg.url
        if self.cfg.secret:
            ts = str(int(now * 1000))
            sep = "&" if "?" in url else "?"
            url = f"{url}{sep}timestamp={ts}&sign={dingtalk_sign(self.cfg.secret, ts)}"
        body = {
            "msgtype": "markdown",
            "markdown": {"title": title(n), "text": markdown(n)},
            "at": {"atMobiles": list(self.cfg.at_mobiles), "isAtAll": False},
        }
        return Request(url, orjson.dumps(body), {"Content-Type": "application/json"})

    def judge(self, status: int, body: bytes) -> Outcome:
        return judge_robot(
            status, body, vendor="DingTalk", keys=("errcode",), rate_limited=RATE_LIMITED
        )
