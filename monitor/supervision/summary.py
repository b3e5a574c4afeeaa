"""The short text of a review sent to supervisors, and the link to its console page."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote


def review_link(console_url: str, review_id: str) -> str:
    """Return the console page of a review (relative when no public URL is configured)."""
    return f"{console_url.rstrip('/')}/review.html?id={quote(review_id, safe='')}"


def _secs(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} 秒"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def review_summary(review: dict[str, Any], link: str) -> str:
    """Return the Chinese summary of a review: a few lines and the link."""
    f = review["figures"]
    b = review["broadcast"]
    start = time.strftime("%m-%d %H:%M", time.localtime(b["started_at"]))
    peak = "-" if f["viewers_peak"] is None else f"{f['viewers_peak']:.0f}"
    avg = "-" if f["viewers_avg"] is None else f"{f['viewers_avg']:.0f}"
    per_min = "-" if f["comments_per_min"] is None else f"{f['comments_per_min']:.1f}"
    lines = [
        f"{review['room_name']}（{review['room']}）{start} 开播，"
        f"时长 {f['duration'] / 60:.0f} 分钟",
        f"在线峰值 {peak}，平均 {avg}；评论 {f['comments']}（{per_min}/分钟），"
        f"负面占比 {_pct(f['negative_share'])}，互动率 {_pct(f['interaction_rate'])}",
        f"涨粉 {f['follower_growth']:.0f}，礼物 {f['gifts']} 个（{f['gift_value']:.2f} 元）",
        f"告警 {f['alerts']} 条，确认中位 {_secs(f['ack_median'])}，"
        f"处理中位 {_secs(f['resolve_median'])}",
        f"观众提问 {f['questions']} 个，已回答 {f['questions_answered']}"
        f"（及时 {f['questions_in_time']}），未回答 {f['questions_missed']}，"
        f"回答中位 {_secs(f['answer_median'])}",
        f"复盘详情：{link}",
    ]
    return "\n".join(lines)
