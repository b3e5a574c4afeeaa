"""WeCom (企业微信) group robot: markdown message; the robot key is in the URL."""

from __future__ import annotations

import orjson

from alerts.notify.base import Notification, Outcome, Request, judge_robot, markdown
from config.notify import WeComNotifier

RATE_LIMITED = 45009


class WeCom:
    """Send to a WeCom group robot webhook."""

    type = "wecom"

    def __init__(self, cfg: WeComNotifier) -> None:
        self.id = cfg.id
        self.cfg = cfg

    def build(self, n: Notification, now: float) -> Request:
        text = markdown(n)
        if self.cfg.mentioned_mobiles:
            text += "\n" + " ".join(f"<@{m}>" for m in self.cfg.mentioned_mobiles)
        body = {"msgtype": "markdown", "markdown": {"content": text}}
        return Request(self.cfg.url, orjson.dumps(body), {"Content-Type": "application/json"})

    def judge(self, status: int, body: bytes) -> Outcome:
        return judge_robot(
            status, body, vendor="WeCom", keys=("errcode",), rate_limited=RATE_LIMITED
        )
