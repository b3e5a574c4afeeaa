"""WeCom (企业微信) group robot: markdown message; the robot key is in the URL.

Markdown content may hold 4,096 bytes and pings with `<@userid>` only; a text message
(2,048 bytes) pings by `mentioned_list` (userids, "@all") and `mentioned_mobile_list`.
So a message that must ping someone known only by a mobile, or everyone, goes as text.
Errors come back as HTTP 200 with an `errcode`: 45009 is the frequency limit (20 a minute).
"""

from __future__ import annotations

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
from config.notify import WeComNotifier

RATE_LIMITED = 45009  # "api freq out of limit"
THROTTLE = {RATE_LIMITED: ()}
MARKDOWN_BYTES = 4_096
TEXT_BYTES = 2_048


def _reachable(m: Mapping[str, str]) -> str:
    return m.get("wecom_userid") or m.get("mobile", "")


class WeCom:
    """Send to a WeCom group robot webhook."""

    type = "wecom"
    at_most_once = True

    def __init__(self, cfg: WeComNotifier) -> None:
        self.id = cfg.id
        self.cfg = cfg

    def _as_text(self, ns: list[Notification]) -> bool:
        by_mobile = any(
            m.get("mobile") and not m.get("wecom_userid") for n in ns for m in n.mentions
        )
        return by_mobile or any(n.mention_all for n in ns) or bool(self.cfg.mentioned_mobiles)

    def _request(self, ns: list[Notification], lines: list[str], link: str) -> Request:
        missed = [name for n in ns for name in unreachable(n, _reachable)]
        tail = (
            [f"未能@（未配置企业微信账号或手机号）: {'、'.join(dict.fromkeys(missed))}"]
            if missed
            else []
        )
        userids = list(
            dict.fromkeys(
                m["wecom_userid"] for n in ns for m in n.mentions if m.get("wecom_userid")
            )
        )
        if not self._as_text(ns):
            if link:
                tail.append(f"[在控制台打开]({link})")
            if userids:
                tail.append(" ".join(f"<@{u}>" for u in userids))
            body: dict[str, object] = {
                "msgtype": "markdown",
                "markdown": {"content": fit(lines, MARKDOWN_BYTES, tail)},
            }
        else:
            plain = [line.removeprefix("### ") for line in lines]
            if link:
                tail.append(f"控制台: {link}")
            mobiles = [
                m["mobile"]
                for n in ns
                for m in n.mentions
                if m.get("mobile") and not m.get("wecom_userid")
            ]
            mentioned = [*userids, *(["@all"] if any(n.mention_all for n in ns) else [])]
            body = {
                "msgtype": "text",
                "text": {
                    "content": fit(plain, TEXT_BYTES, tail),
                    "mentioned_list": mentioned,
                    "mentioned_mobile_list": list(
                        dict.fromkeys([*self.cfg.mentioned_mobiles, *mobiles])
                    ),
                },
            }
        return Request(self.cfg.url, orjson.dumps(body), {"Content-Type": "application/json"})

    def build(self, n: Notification, now: float) -> Request:
        link = alert_link(self.cfg.console_url, str(n.alert.get("id", "")))
        return self._request([n], [f"### {title(n)}", *body_lines(n)], link)

    def _digest_lines(self, ns: list[Notification]) -> list[str]:
        lines = [f"### {digest_title(ns)}", *digest_header(ns)]
        return lines + [digest_line(n, self.cfg.console_url, link=False) for n in ns]

    def digest(self, ns: list[Notification], now: float) -> list[tuple[Request, list[str]]]:
        ordered = by_severity(ns)
        # Leave room for the link and mentions: the whole message must not be cut.
        limit = (TEXT_BYTES if self._as_text(ordered) else MARKDOWN_BYTES) - 600
        groups = chunk(ordered, lambda g: len("\n".join(self._digest_lines(g)).encode()), limit)
        return [
            (self._request(g, self._digest_lines(g), self.cfg.console_url), [n.key for n in g])
            for g in groups
        ]

    def judge(self, status: int, body: bytes, headers: Mapping[str, str]) -> Outcome:
        return judge_robot(
            status, body, vendor="WeCom", keys=("errcode",), throttle=THROTTLE, headers=headers
        )
