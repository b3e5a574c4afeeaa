"""The Notifier interface, the Notification it delivers, and the shared message text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Protocol

import orjson

from alerts.summary import Lang, render

BODY_VERSION = "1"


class Reason(StrEnum):
    """Why a notification was sent; every notification carries one."""

    FIRST_FIRE = "first_fire"
    ESCALATION = "escalation"
    REPEAT = "repeat"
    RESOLVED = "resolved"
    REFRESH = "refresh"  # still open: re-sent so Alertmanager keeps it active
    REVIEW = "review"  # a broadcast's review is ready (the "alert" is the review's summary)


REASON_ZH = {
    Reason.FIRST_FIRE: "新告警",
    Reason.ESCALATION: "告警升级",
    Reason.REPEAT: "重复提醒",
    Reason.RESOLVED: "告警已恢复",
    Reason.REFRESH: "告警仍未恢复",
    Reason.REVIEW: "直播复盘",
}
STATE_ZH = {"firing": "未确认", "acknowledged": "已确认未处理", "resolved": "已恢复"}
SEVERITY_ZH = {"info": "提示", "warning": "警告", "critical": "严重"}


@dataclass(frozen=True, slots=True)
class Notification:
    """One message for one notifier; `key` is its idempotency key, stable across retries.

    `mentions` are the people the message pings, each a dict of the handles known for
    them (name, mobile, wecom_userid, feishu_open_id, feishu_user_id); `mention_all`
    pings everyone in the group. `late` is how many seconds after its due time the step
    was taken (an outage), 0 when on time.
    """

    key: str
    notifier: str
    reason: Reason
    level: int
    detail: str  # the human reason: "not acknowledged within 60s", ...
    created_at: float
    alert: dict[str, Any] = field(default_factory=dict)
    mentions: tuple[dict[str, str], ...] = ()
    mention_all: bool = False
    late: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["reason"] = self.reason.value
        d["mentions"] = [dict(m) for m in self.mentions]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Notification:
        mentions = d.get("mentions") or ()
        return cls(
            key=str(d["key"]),
            notifier=str(d["notifier"]),
            reason=Reason(d["reason"]),
            level=int(d.get("level", 0)),
            detail=str(d.get("detail", "")),
            created_at=float(d.get("created_at", 0.0)),
            alert=dict(d.get("alert", {})),
            mentions=tuple(
                {str(k): str(v) for k, v in m.items()} for m in mentions if isinstance(m, dict)
            ),
            mention_all=bool(d.get("mention_all", False)),
            late=float(d.get("late", 0.0)),
        )


@dataclass(frozen=True, slots=True)
class Request:
    """An HTTP POST ready to send."""

    url: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a delivery attempt went: ok, or failed and whether trying again may help.

    `throttled` says the receiver refused because we send too fast: the destination is
    paused (for `retry_after` seconds when it said how long) and the message waits; it
    is not a failed attempt.
    """

    ok: bool
    retry: bool = False
    error: str = ""
    throttled: bool = False
    retry_after: float | None = None


class Notifier(Protocol):
    """Turn a notification into an HTTP request and judge the receiver's answer.

    `at_most_once`: the receiver cannot drop a repeated message (chat robots), so a
    message is never posted again once a post of it may have reached the receiver.
    `digest` is None for receivers that take one message per alert (webhook,
    Alertmanager); robots merge what their budget cannot send one by one.
    """

    id: str
    type: str
    at_most_once: bool

    def build(self, n: Notification, now: float) -> Request: ...

    def judge(self, status: int, body: bytes, headers: Mapping[str, str]) -> Outcome: ...


class Digester(Protocol):
    """A notifier that can merge several notifications into digest messages."""

    def digest(self, ns: list[Notification], now: float) -> list[tuple[Request, list[str]]]:
        """Return digest requests, each with the keys of the notifications it names."""
        ...


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Return the wait a 429 asks for (Retry-After seconds or Feishu's x-ogw-ratelimit-reset)."""
    for name in ("Retry-After", "x-ogw-ratelimit-reset"):
        raw = headers.get(name)
        if raw is None:
            continue
        try:
            value = float(raw)
        except ValueError:
            continue  # an HTTP date: fall back to the configured pause
        if 0 <= value <= 86_400:
            return value
    return None


def judge_http(status: int, headers: Mapping[str, str] | None = None) -> Outcome:
    """2xx is delivered; 429 throttles; 408, 425 and 5xx are worth retrying; others are final."""
    if 200 <= status < 300:
        return Outcome(True)
    if status == 429:
        wait = retry_after(headers or {})
        return Outcome(False, True, "HTTP 429", throttled=True, retry_after=wait)
    retry = status in (408, 425) or status >= 500
    return Outcome(False, retry, f"HTTP {status}")


def judge_robot(
    status: int,
    body: bytes,
    *,
    vendor: str,
    keys: tuple[str, ...],
    throttle: Mapping[int, tuple[str, ...]],
    headers: Mapping[str, str] | None = None,
    retry_codes: frozenset[int] = frozenset(),
) -> Outcome:
    """Judge a chat robot's answer: HTTP first, then its JSON error code (0 is delivered).

    Robots answer HTTP 200 with an error code in the body; a code in `throttle` means
    "sending too fast" (a vendor that reuses a code for other errors lists words of which
    one must appear in the message too; an empty tuple: the code alone).
    """
    http = judge_http(status, headers)
    if not http.ok:
        return http
    try:
        answer = orjson.loads(body)
        if not isinstance(answer, dict):
            raise TypeError("not a JSON object")
        code = next((int(answer[k]) for k in keys if k in answer), 0)
        msg = str(answer.get("msg") or answer.get("errmsg") or answer.get("StatusMessage") or "")
    except (orjson.JSONDecodeError, TypeError, ValueError):
        return Outcome(False, True, f"unreadable {vendor} answer")
    if code == 0:
        return Outcome(True)
    error = f"{vendor} code {code}" + (f": {msg[:200]}" if msg else "")
    words = throttle.get(code)
    if words is not None and (not words or any(w in msg.lower() for w in words)):
        return Outcome(False, True, error, throttled=True)
    return Outcome(False, code in retry_codes, error)


def summary(alert: dict[str, Any], lang: Lang = "zh") -> str:
    """Return why an alert fired, in a language (an alert without summary_data: its summary)."""
    data = alert.get("summary_data")
    text = render(data, lang) if isinstance(data, dict) and data else ""
    return text or (str(alert.get("summary", "")) if lang == "zh" else "")
