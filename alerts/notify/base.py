"""The Notifier interface, the Notification it delivers, and the shared message text."""

from __future__ import annotations

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
    """One message for one notifier; `key` is its idempotency key, stable across retries."""

    key: str
    notifier: str
    reason: Reason
    level: int
    detail: str  # the human reason: "not acknowledged within 60s", ...
    created_at: float
    alert: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["reason"] = self.reason.value
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Notification:
        return cls(
            key=str(d["key"]),
            notifier=str(d["notifier"]),
            reason=Reason(d["reason"]),
            level=int(d.get("level", 0)),
            detail=str(d.get("detail", "")),
            created_at=float(d.get("created_at", 0.0)),
            alert=dict(d.get("alert", {})),
        )


@dataclass(frozen=True, slots=True)
class Request:
    """An HTTP POST ready to send."""

    url: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a delivery attempt went: ok, or failed and whether trying again may help."""

    ok: bool
    retry: bool = False
    error: str = ""


class Notifier(Protocol):
    """Turn a notification into an HTTP request and judge the receiver's answer."""

    id: str
    type: str

    def build(self, n: Notification, now: float) -> Request: ...

    def judge(self, status: int, body: bytes) -> Outcome: ...


def judge_http(status: int) -> Outcome:
    """2xx is delivered; 408, 429 and 5xx are worth retrying; other codes are final."""
    if 200 <= status < 300:
        return Outcome(True)
    retry = status in (408, 425, 429) or status >= 500
    return Outcome(False, retry, f"HTTP {status}")


def judge_robot(
    status: int, body: bytes, *, vendor: str, keys: tuple[str, ...], rate_limited: int
) -> Outcome:
    """Judge a chat robot's answer: HTTP first, then its JSON error code (0 is delivered)."""
    http = judge_http(status)
    if not http.ok:
        return http
    try:
        answer = orjson.loads(body)
        if not isinstance(answer, dict):
            raise TypeError("not a JSON object")
        code = next((int(answer[k]) for k in keys if k in answer), 0)
    except (orjson.JSONDecodeError, TypeError, ValueError):
        return Outcome(False, True, f"unreadable {vendor} answer")
    if code == 0:
        return Outcome(True)
    return Outcome(False, code == rate_limited, f"{vendor} code {code}")


def summary(alert: dict[str, Any], lang: Lang = "zh") -> str:
    """Return why an alert fired, in a language (an alert without summary_data: its summary)."""
    data = alert.get("summary_data")
    text = render(data, lang) if isinstance(data, dict) and data else ""
    return text or (str(alert.get("summary", "")) if lang == "zh" else "")


def title(n: Notification) -> str:
    a = n.alert
    if n.reason is Reason.REVIEW:
        room_name = a.get("labels", {}).get("room_name", "")
        return f"【{REASON_ZH[n.reason]}】{room_name} · {a.get('room', '')}"
    level = f" L{n.level}" if n.level and n.reason is not Reason.RESOLVED else ""
    return f"【{REASON_ZH[n.reason]}{level}】{a.get('plan_name', '')} · {a.get('room', '')}"


def markdown(n: Notification) -> str:
    """Return the Chinese message text shared by the chat robots."""
    a = n.alert
    if n.reason is Reason.REVIEW:
        return f"### {title(n)}\n" + "\n".join(f"- {line}" for line in n.detail.splitlines())
    lines = [
        f"### {title(n)}",
        f"- 直播间: {a.get('room', '')}",
        f"- 级别: {SEVERITY_ZH.get(str(a.get('severity')), a.get('severity', ''))}",
        f"- 状态: {STATE_ZH.get(str(a.get('state')), a.get('state', ''))}",
        f"- 摘要: {summary(a)}",
        f"- 原因: {n.detail}",
    ]
    if a.get("acked_by"):
        lines.append(f"- 确认人: {a['acked_by']}")
    steps = a.get("steps") or []
    if steps and n.reason is not Reason.RESOLVED:
        lines.append("- 处理步骤:")
        lines.extend(f"  {i}. {s}" for i, s in enumerate(steps, 1))
    lines.append(f"- 告警ID: {a.get('id', '')}")
    return "\n".join(lines)
