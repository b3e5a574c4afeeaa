"""DingTalk group robot: markdown message; 加签 puts timestamp and sign on the URL.

A mention pings only when the mobile is both in `at.atMobiles` and written as
`@<mobile>` in the text; `isAtAll` pings everyone. Errors come back as HTTP 200 with an
`errcode`: 130101 is "send too fast" (20 a minute per robot, then 10 minutes refused).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from collections.abc import Mapping

import orjson

from alerts.notify.base import Notification, Outcome, Request, judge_robot
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
from config.notify import DingTalkNotifier

RATE_LIMITED = 130101  # "send too fast, exceed 20 times per minute"
THROTTLE = {RATE_LIMITED: ()}
MAX_BYTES = 20_000  # the markdown text; DingTalk refuses larger messages


def dingtalk_sign(secret: str, timestamp_ms: str) -> str:
    """Return the URL-encoded base64 HMAC-SHA256 of "timestamp\\nsecret" keyed by the secret."""
    mac = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256)
    return urllib.parse.quote_plus(base64.b64encode(mac.digest()).decode())


def _mobile(m: Mapping[str, str]) -> str:
    return m.get("mobile", "")


class DingTalk:
    """Send to a DingTalk custom robot webhook."""

    type = "dingtalk"
    at_most_once = True

    def __init__(self, cfg: DingTalkNotifier) -> None:
        self.id = cfg.id
        self.cfg = cfg

    def _url(self, now: float) -> str:
        url = self.cfg.url
        if self.cfg.secret:
            ts = str(int(now * 1000))
            sep = "&" if "?" in url else "?"
            url = f"{url}{sep}timestamp={ts}&sign={dingtalk_sign(self.cfg.secret, ts)}"
        return url

    def _mobiles(self, ns: list[Notification]) -> list[str]:
        people = [_mobile(m) for n in ns for m in n.mentions]
        return list(dict.fromkeys([*self.cfg.at_mobiles, *(p for p in people if p)]))

    def _tail(self, ns: list[Notification], link: str) -> list[str]:
        tail: list[str] = []
        missed = [name for n in ns for name in unreachable(n, _mobile)]
        if missed:
            tail.append(f"未能@（未配置手机号）: {'、'.join(dict.fromkeys(missed))}")
        if link:
            tail.append(f"[在控制台打开]({link})")
        mobiles = self._mobiles(ns)
        if mobiles:
            tail.append(" ".join(f"@{m}" for m in mobiles))
        return tail

    def _request(self, ns: list[Notification], head: str, text: str, now: float) -> Request:
        body = {
            "msgtype": "markdown",
            "markdown": {"title": head, "text": text},
            "at": {"atMobiles": self._mobiles(ns), "isAtAll": any(n.mention_all for n in ns)},
        }
        return Request(self._url(now), orjson.dumps(body), {"Content-Type": "application/json"})

    def build(self, n: Notification, now: float) -> Request:
        link = alert_link(self.cfg.console_url, str(n.alert.get("id", "")))
        text = fit([f"### {title(n)}", *body_lines(n)], MAX_BYTES, self._tail([n], link))
        return self._request([n], title(n), text, now)

    def _digest_text(self, ns: list[Notification]) -> str:
        lines = [f"### {digest_title(ns)}", *digest_header(ns)]
        lines += [digest_line(n, self.cfg.console_url, link=True) for n in ns]
        return "\n".join([*lines, *self._tail(ns, self.cfg.console_url)])

    def digest(self, ns: list[Notification], now: float) -> list[tuple[Request, list[str]]]:
        ordered = by_severity(ns)
        groups = chunk(ordered, lambda g: len(self._digest_text(g).encode()), MAX_BYTES)
        return [
            (self._request(g, digest_title(g), self._digest_text(g), now), [n.key for n in g])
            for g in groups
        ]

    def judge(self, status: int, body: bytes, headers: Mapping[str, str]) -> Outcome:
        return judge_robot(
            status, body, vendor="DingTalk", keys=("errcode",), throttle=THROTTLE, headers=headers
        )
