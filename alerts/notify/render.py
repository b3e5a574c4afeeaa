"""Message text shared by the chat robots: one alert's lines, digests, links and size limits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from alerts.notify.base import (
    REASON_ZH,
    SEVERITY_ZH,
    STATE_ZH,
    Notification,
    Reason,
    summary,
)

SEVERITY_RANK = {"critical": 0, "warning": 1, "info": 2}
# A step taken this long after it fell due is marked late (an outage, not a slow tick).
LATE_AFTER = 5.0
CUT = "…（内容过长，已截断）"
CHINA = timedelta(hours=8)  # the teams read Beijing time
DIGEST_GROUPS = 10  # room/plan count lines in a digest header


def alert_link(console_url: str, alert_id: str) -> str:
    """Return the console deep link that opens one alert ('' without a console URL)."""
    if not console_url or not alert_id:
        return ""
    return f"{console_url.rstrip('/')}/#alert-{alert_id}"


def severity_zh(alert: dict[str, Any]) -> str:
    sev = str(alert.get("severity", ""))
    return SEVERITY_ZH.get(sev, sev)


def clock_text(ts: float) -> str:
    return (datetime.fromtimestamp(ts, UTC) + CHINA).strftime("%H:%M:%S")


def late_text(n: Notification) -> str:
    """Return the late marker of a step taken after an outage ('' when on time)."""
    if n.late < LATE_AFTER:
        return ""
    due = clock_text(n.created_at - n.late)
    return f"延迟送达：应于 {due} 发出，晚了 {n.late:.0f} 秒（服务中断后补发）"


def title(n: Notification) -> str:
    a = n.alert
    if n.reason is Reason.REVIEW:
        room_name = a.get("labels", {}).get("room_name", "")
        return f"【{REASON_ZH[n.reason]}】{room_name} · {a.get('room', '')}"
    level = f" L{n.level}" if n.level and n.reason is not Reason.RESOLVED else ""
    late = "·补发" if late_text(n) else ""
    return f"【{REASON_ZH[n.reason]}{level}{late}】{a.get('plan_name', '')} · {a.get('room', '')}"


def body_lines(n: Notification) -> list[str]:
    """Return the message's fields as markdown list lines (Chinese)."""
    a = n.alert
    if n.reason is Reason.REVIEW:  # a review's summary lines, its link among them
        return [f"- {line}" for line in n.detail.splitlines()]
    lines = [
        f"- 直播间: {a.get('room', '')}",
        f"- 级别: {severity_zh(a)}",
        f"- 状态: {STATE_ZH.get(str(a.get('state')), a.get('state', ''))}",
        f"- 摘要: {summary(a)}",
        f"- 原因: {n.detail}",
    ]
    if late := late_text(n):
        lines.append(f"- {late}")
    if a.get("acked_by"):
        lines.append(f"- 确认人: {a['acked_by']}")
    steps = a.get("steps") or []
    if steps and n.reason is not Reason.RESOLVED:
        lines.append("- 处理步骤:")
        lines.extend(f"  {i}. {s}" for i, s in enumerate(steps, 1))
    lines.append(f"- 告警ID: {a.get('id', '')}")
    return lines


def markdown(n: Notification) -> str:
    """Return the Chinese message text of one notification (no mentions, no link)."""
    return "\n".join([f"### {title(n)}", *body_lines(n)])


def unreachable(n: Notification, handle: Callable[[dict[str, str]], str]) -> list[str]:
    """Return the names of mentioned people this robot has no handle for."""
    return [m.get("name") or m.get("id", "?") for m in n.mentions if not handle(m)]


def fit(lines: list[str], limit: int, tail: list[str] | None = None) -> str:
    """Join lines within `limit` UTF-8 bytes; when cut, end with a marker and keep `tail`."""
    tail = tail or []
    text = "\n".join([*lines, *tail])
    if len(text.encode()) <= limit:
        return text
    keep: list[str] = []
    used = len("\n".join([CUT, *tail]).encode()) + 1
    for line in lines:
        size = len(line.encode()) + 1
        if used + size > limit:
            break
        keep.append(line)
        used += size
    out = "\n".join([*keep, CUT, *tail])
    if len(out.encode()) > limit:  # the tail alone is too long: cut bytes, keep valid UTF-8
        out = out.encode()[:limit].decode(errors="ignore")
    return out


def by_severity(ns: list[Notification]) -> list[Notification]:
    """Return notifications most severe first, then oldest alert first."""
    return sorted(
        ns,
        key=lambda n: (
            SEVERITY_RANK.get(str(n.alert.get("severity")), 3),
            float(n.alert.get("started_at") or 0.0),
        ),
    )


def digest_line(n: Notification, console_url: str, *, link: bool) -> str:
    a = n.alert
    level = f" L{n.level}" if n.level and n.reason is not Reason.RESOLVED else ""
    late = " 补发" if late_text(n) else ""
    name = f"{a.get('plan_name', '')} · {a.get('room', '')}"
    aid = str(a.get("id", ""))
    url = alert_link(console_url, aid)
    ref = f"[{aid}]({url})" if link and url else aid
    return f"- 【{severity_zh(a)}】{name} · {REASON_ZH[n.reason]}{level}{late} · {ref}"


def digest_header(ns: list[Notification]) -> list[str]:
    """Return a digest's opening lines: totals by severity, counts per room and plan."""
    sev = Counter(severity_zh(n.alert) for n in ns)
    totals = "，".join(f"{k} {v}" for k, v in sev.items())
    groups = Counter((str(n.alert.get("room", "")), str(n.alert.get("plan_name", ""))) for n in ns)
    lines = [f"共 {len(ns)} 条通知（{totals}），发送太快已合并为一条："]
    for (room, plan), count in groups.most_common(DIGEST_GROUPS):
        lines.append(f"- {room} · {plan}: {count} 条")
    if len(groups) > DIGEST_GROUPS:
        lines.append(f"- 另有 {len(groups) - DIGEST_GROUPS} 组")
    return lines


def digest_title(ns: list[Notification]) -> str:
    worst = severity_zh(by_severity(ns)[0].alert) if ns else ""
    return f"【告警汇总】{len(ns)} 条通知，最高级别{worst}"


def chunk(
    ns: list[Notification], size: Callable[[list[Notification]], int], limit: int
) -> list[list[Notification]]:
    """Split notifications (in order) into groups whose rendered size stays within `limit`."""
    groups: list[list[Notification]] = []
    current: list[Notification] = []
    for n in ns:
        if current and size([*current, n]) > limit:
            groups.append(current)
            current = []
        current.append(n)
    if current:
        groups.append(current)
    return groups
