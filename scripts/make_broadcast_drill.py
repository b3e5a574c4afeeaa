"""Write config/drills/broadcast-drill.jsonl and what its review must say.

A ten-minute broadcast of room-a: the stream goes live, viewers come and go, viewers ask
questions that the room's account (shop-a) answers by @-mentioning them, six questions
pile up unanswered long enough for the questions_unanswered plan to fire and are then
answered, spammers raise a sensitive-comment incident, one question is never answered,
and the stream ends. Beside the recording, broadcast-drill.expected.json holds the figures
known from how the drill was written (tests/supervision/test_broadcast_drill.py checks
the review against both).

    python scripts/make_broadcast_drill.py [--check]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

DRILLS = Path(__file__).resolve().parents[1] / "config" / "drills"
OUT = DRILLS / "broadcast-drill.jsonl"
EXPECTED = DRILLS / "broadcast-drill.expected.json"
ROOM = "room-a"
ACCOUNT = "shop-a"
T0 = 1_764_547_200.0  # 2025-12-01 00:00 UTC
LENGTH = 600.0
ANSWER_WITHIN = 180.0  # supervision.answer_within of the demo config

CHATTER = [
    "主播好漂亮",
    "已拍两件",
    "来了来了",
    "支持主播",
    "好看",
    "上链接",
    "冲冲冲",
    "喜欢这个颜色",
]
# (offset, user, text, answered at offset or None); all are questions the classifier marks.
QUESTIONS = [
    (30.0, "u101", "这件多少钱？", 45.0),
    (35.0, "u102", "165穿什么码", 50.0),
    (40.0, "u103", "几天能到？", 70.0),
    (100.0, "u110", "还有货吗", 290.0),
    (105.0, "u111", "有没有优惠券", 290.0),
    (110.0, "u112", "发什么快递", 292.0),
    (120.0, "u113", "能退吗", 292.0),
    (130.0, "u114", "这个怎么用", 294.0),
    (140.0, "u115", "L码还有吗", 294.0),
    (400.0, "u120", "这个面料是什么", None),
]
REPLIES = {  # offset -> the account's reply text (mentions name the askers)
    45.0: "@观众101 到手价179元",
    50.0: "@观众102 165建议M码",
    70.0: "@观众103 48小时内发货，3天左右到",
    290.0: "@观众110 @观众111 有货的，下单领券减20",
    292.0: "@观众112 @观众113 顺丰包邮，七天无理由退换",
    294.0: "@观众114 @观众115 每天早晚各一次；L码有货",
}
SPAM = [
    (300.0, "spam0", "加我微信便宜卖"),
    (302.0, "spam1", "刷单兼职日入五百"),
    (304.0, "spam2", "网赌带你赚钱"),
    (306.0, "spam0", "加V看主页联系"),
]
COMPLAINTS = [  # viewers' complaints: negative, never questions to answer
    (350.0, "u130", "质量太差了，退钱"),
    (356.0, "u131", "垃圾产品别买，骗人的"),
    (362.0, "u132", "客服一直不回复，差评"),
    (368.0, "u133", "怎么还没发货？都一周了"),
]
GIFTS = [
    (60.0, "g1", 3, 0.3),
    (200.0, "g2", 1, 52.0),
    (330.0, "g3", 10, 1.0),
    (500.0, "g1", 1, 9.9),
]
FOLLOWS = [(75.0, "f1"), (150.0, "f2"), (260.0, "f3"), (420.0, "f4"), (555.0, "f5")]


def viewers(k: int) -> float:
    """Return the k-th online_viewers reading (every 10 s): a rise, a dip and a tail."""
    return float(800 + 12 * k - (150 if 30 <= k < 36 else 0) - (4 * (k - 50) if k > 50 else 0))


def build() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Return the drill's events in time order and the figures its review must show."""
    events: list[tuple[float, dict[str, Any]]] = []

    def add(offset: float, kind: str, **fields: Any) -> None:
        events.append((offset, {"kind": kind, "room": ROOM, "ts": T0 + offset, **fields}))

    add(0.0, "stream", status="live")
    readings = [viewers(k) for k in range(0, 60)]
    for k, value in enumerate(readings):
        add(k * 10.0 + 0.5, "metric", name="online_viewers", value=value)
    add(1.0, "metric", name="followers", value=5_000)
    add(599.0, "metric", name="followers", value=5_023)
    for i in range(40):
        add(2.0 + 2 * i, "member", user=f"m{i}", nickname=f"访客{i}")
    chatter_users = set()
    chatter = 0
    for i, offset in enumerate(range(5, 595, 7)):
        user = f"u{200 + i % 30}"
        chatter_users.add(user)
        add(
            offset + 0.25,
            "comment",
            text=CHATTER[i % len(CHATTER)],
            user=user,
            nickname=f"观众{200 + i % 30}",
        )
        chatter += 1
    for offset, user, text, _ in QUESTIONS:
        add(offset, "comment", text=text, user=user, nickname=f"观众{user[1:]}")
    for offset, text in REPLIES.items():
        add(offset, "comment", text=text, user=ACCOUNT, nickname="官方小助手")
    for offset, user, text in SPAM:
        add(offset, "comment", text=text, user=user, nickname=f"小号{user[-1]}")
    for offset, user, text in COMPLAINTS:
        add(offset, "comment", text=text, user=user, nickname=f"观众{user[1:]}")
    likes = 0
    for i, offset in enumerate(range(15, 600, 30)):
        count = 10 + i
        likes += count
        add(offset + 0.75, "like", count=count, user=f"l{i % 5}")
    for offset, user, count, value in GIFTS:
        add(offset, "gift", gift="小心心", count=count, value=value, user=user)
    for offset, user in FOLLOWS:
        add(offset, "follow", user=user)
    add(250.0, "speech", text="家人们这款大衣是羊毛面料，喜欢的拍")
    add(LENGTH, "stream", status="ended")
    events.sort(key=lambda e: e[0])
    lines = []
    for n, (_, obj) in enumerate(events, 1):
        lines.append({**obj, "id": f"bd-{n:04d}"})

    interacting = (
        chatter_users
        | {u for _, u, _, _ in QUESTIONS}
        | {u for _, u, _ in SPAM}
        | {u for _, u, _ in COMPLAINTS}
        | {f"l{i}" for i in range(5)}
        | {u for _, u, _, _ in GIFTS}
        | {u for _, u in FOLLOWS}
    )
    seen = interacting | {f"m{i}" for i in range(40)}
    answered = [(q, a) for q in QUESTIONS if (a := q[3]) is not None]
    waits = sorted(a - q[0] for q, a in answered)
    id_of = {(line["ts"], line.get("user")): line["id"] for line in lines}
    expected = {
        "room": ROOM,
        "started_at": T0,
        "ended_at": T0 + LENGTH,
        "viewers_peak": max(readings),
        "viewers_avg": sum(readings) / len(readings),
        "viewers_seen": len(seen),
        "interacting_users": len(interacting),
        "comments": chatter + len(QUESTIONS) + len(SPAM) + len(COMPLAINTS),
        "likes": likes,
        "follows": len(FOLLOWS),
        "follower_growth": 23.0,
        "gifts": sum(c for _, _, c, _ in GIFTS),
        "gift_value": round(sum(v for _, _, _, v in GIFTS), 2),
        "questions": [
            {
                "id": id_of[(T0 + offset, user)],
                "state": "answered" if at is not None else "missed",
                "answer_seconds": None if at is None else at - offset,
                "closed_by": "demo" if at is not None else "",
            }
            for offset, user, _, at in QUESTIONS
        ],
        "questions_in_time": sum(1 for w in waits if w <= ANSWER_WITHIN),
        "answer_seconds": waits,
        "spammers": {u: sum(1 for _, o, _ in SPAM if o == u) for _, u, _ in SPAM},
        "complainers": [u for _, u, _ in COMPLAINTS],
        # The plan needs 5 open questions and the oldest 90 s old.
        "plan_fires_after": T0 + max(QUESTIONS[7][0], QUESTIONS[3][0] + 90.0),
        "plan_clears_after": T0 + 290.0,
    }
    return lines, expected


def main() -> int:
    lines, expected = build()
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    want = json.dumps(expected, ensure_ascii=False, indent=1) + "\n"
    if "--check" in sys.argv:
        same = OUT.read_text(encoding="utf-8") == text and EXPECTED.read_text("utf-8") == want
        print("up to date" if same else "stale: run scripts/make_broadcast_drill.py")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    EXPECTED.write_text(want, encoding="utf-8")
    print(f"wrote {len(lines)} events to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
