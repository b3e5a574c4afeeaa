"""Feishu/Lark custom bot: interactive card; timestamp and sign travel in the body.

The card has a header coloured by severity (green once resolved), the room, why the
alert fired, the plan's steps, the people it pings (`<at id=open_id></at>`, `<at
id=all></at>`) and a button that opens the alert in the console. A custom bot takes 5
messages a second and 100 a minute and answers HTTP 200 with a `code`: 11232 is its
frequency limit, 9499 with "too many request" too (9499 is also its "Bad Request");
bodies over 20 KB are refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

import orjson

from alerts.notify.base import Notification, Outcome, Reason, Request, judge_robot
from alerts.notify.render import (
    alert_link,
    body_lines,
    by_severity,
    chunk,
    digest_header,
    digest_line,
    digest_title,
    fit,
    title,
    unreachable,
)
from config.notify import FeishuNotifier

RATE_LIMITED = 11232
THROTTLE = {RATE_LIMITED: (), 9499: ("too many", "frequency")}
MAX_BYTES = 20_000  # the whole request body
TEXT_BYTES = 16_000  # the card's text, leaving room for the rest of the card
COLOURS = {"critical": "red", "warning": "orange", "info": "blue"}


def feishu_sign(secret: str, timestamp: str) -> str:
    """Return base64 HMAC-SHA256 with key "timestamp\\nsecret" over an empty message."""
    mac = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def _handle(m: Mapping[str, str]) -> str:
    return m.get("feishu_open_id") or m.get("feishu_user_id", "")


def colour(ns: list[Notification]) -> str:
    """Return the header template: green when all resolved, else the worst severity's."""
    if all(n.reason is Reason.RESOLVED for n in ns):
        return "green"
    worst = by_severity(ns)[0]
    return COLOURS.get(str(worst.alert.get("severity")), "blue")


class Feishu:
    """Send to a Feishu/Lark custom bot webhook."""

    type = "feishu"
    at_most_once = True

    def __init__(self, cfg: FeishuNotifier) -> None:
        self.id = cfg.id
        self.cfg = cfg

    def _mentions(self, ns: list[Notification]) -> list[str]:
        ats = [
            f"<at id={h}></at>"
            for h in dict.fromkeys(_handle(m) for n in ns for m in n.mentions)
            if h
        ]
        if any(n.mention_all for n in ns):
            ats.append("<at id=all></at>")
        missed = [name for n in ns for name in unreachable(n, _handle)]
        out = [" ".join(ats)] if ats else []
        if missed:
            out.append(f"未能@（未配置飞书 open_id/user_id）: {'、'.join(dict.fromkeys(missed))}")
        return out

    def _card(
        self, ns: list[Notification], head: str, lines: list[str], link: str
    ) -> dict[str, Any]:
        elements: list[dict[str, Any]] = [
            {"tag": "markdown", "content": fit(lines, TEXT_BYTES, self._mentions(ns))}
        ]
        if link:
            button = {
                "tag": "button",
                "text": {"tag": "plain_text", "content": "在控制台打开"},
                "type": "primary",
                "url": link,
            }
            elements.append({"tag": "action", "actions": [button]})
        return {
            "config": {"wide_screen_mode": True},
            "header": {"title": {"tag": "plain_text", "content": head}, "template": colour(ns)},
            "elements": elements,
        }

    def _request(self, card: dict[str, Any], now: float) -> Request:
        body: dict[str, object] = {"msg_type": "interactive", "card": card}
        if self.cfg.secret:
            ts = str(int(now))
            body = {"timestamp": ts, "sign": feishu_sign(self.cfg.secret, ts), **body}
        return Request(self.cfg.url, orjson.dumps(body), {"Content-Type": "application/json"})

    def build(self, n: Notification, now: float) -> Request:
        link = alert_link(self.cfg.console_url, str(n.alert.get("id", "")))
        return self._request(self._card([n], title(n), body_lines(n), link), now)

    def _digest_lines(self, ns: list[Notification]) -> list[str]:
        return [*digest_header(ns), *(digest_line(n, self.cfg.console_url, link=True) for n in ns)]

    def digest(self, ns: list[Notification], now: float) -> list[tuple[Request, list[str]]]:
        ordered = by_severity(ns)
        size = lambda g: len("\n".join(self._digest_lines(g)).encode())  # noqa: E731
        groups = chunk(ordered, size, TEXT_BYTES - 1_000)
        return [
            (
                self._request(
                    self._card(g, digest_title(g), self._digest_lines(g), self.cfg.console_url), now
                ),
                [n.key for n in g],
            )
            for g in groups
        ]

    def judge(self, status: int, body: bytes, headers: Mapping[str, str]) -> Outcome:
        return judge_robot(
            status,
            body,
            vendor="Feishu",
            keys=("code", "StatusCode"),
            throttle=THROTTLE,
            headers=headers,
        )
