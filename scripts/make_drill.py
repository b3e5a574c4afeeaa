"""Write config/drills/incident-drill.jsonl: one room, 100 s, every incident the demo plans know.

Timeline (seconds from the start): sensitive burst 10-17, host speech with advertising-law
words at 20, viewer crash 30-45, negative wave 50-68, stream down 75-90.
"""

from __future__ import annotations

import json
from pathlib import Path

T0 = 1763769600.0
OUT = Path(__file__).resolve().parents[1] / "config" / "drills" / "incident-drill.jsonl"
CHATTER = [
    "主播好漂亮",
    "多少钱啊",
    "有没有优惠券",
    "165穿什么码",
    "上链接",
    "已拍两件",
    "包邮吗",
    "什么时候发货",
    "主播讲一下面料",
    "有赠品吗",
    "链接在哪",
    "适合学生吗",
    "这个颜色好看",
    "可以试一下黑色吗",
    "回购第三次了",
]
SENSITIVE = [
    "加我微信便宜卖",
    "加V看主页联系",
    "刷单兼职日入五百",
    "好评返现加我",
    "私下交易更便宜",
    "网赌带你赚钱",
]
NEGATIVE = [
    "假货吧这是",
    "收到的质量太差了",
    "退款一直不处理",
    "骗子主播",
    "一个月了还没发货",
    "洗一次就掉色",
    "客服态度太差",
    "买了就降价，坑人",
    "智商税别买",
    "和图片完全不一样",
]
VIEWERS = [
    1500,
    1520,
    1490,
    1510,
    1505,
    1498,
    1200,
    700,
    380,
    260,
    240,
    250,
    420,
    610,
    800,
    900,
    950,
    980,
    990,
    1000,
]
DOWN = (75, 90)


def main() -> None:
    events: list[dict[str, object]] = []

    def add(t: float, **fields: object) -> None:
        events.append({"ts": round(T0 + t, 3), "room": "room-a", **fields})

    add(0, kind="stream", status="live")
    add(0.2, kind="speech", text="欢迎家人们来到直播间，今天这款羊毛大衣给大家争取到了活动价")
    for i, t in enumerate(range(1, 100, 3)):
        if not DOWN[0] <= t < DOWN[1]:
            add(
                t,
                kind="comment",
                text=CHATTER[i % len(CHATTER)],
                user=f"u{100 + i}",
                nickname=f"观众{100 + i}",
            )
    for i, value in enumerate(VIEWERS):
        if not DOWN[0] <= i * 5 + 0.5 < DOWN[1]:
            add(i * 5 + 0.5, kind="metric", name="online_viewers", value=value)
    for i, text in enumerate(SENSITIVE):
        add(10.5 + i * 1.3, kind="comment", text=text, user=f"spam{i}", nickname=f"小号{i}")
    for i in range(18):
        add(
            50.3 + i,
            kind="comment",
            text=NEGATIVE[i % len(NEGATIVE)],
            user=f"angry{i}",
            nickname=f"买家{i}",
        )
    add(20.4, kind="speech", text="这是全网最低价，国家级品质，错过今天就没有了")
    add(8.0, kind="gift", gift="小心心", count=3, value=0.3, user="u7", nickname="观众7")
    add(18.0, kind="like", count=25, total=18230)
    add(22.0, kind="member", user="u900", nickname="新观众")
    add(24.0, kind="follow", user="u900", nickname="新观众")
    add(DOWN[0], kind="stream", status="ended", reason="推流中断")
    add(DOWN[1], kind="stream", status="live")
    events.sort(key=lambda e: float(e["ts"]))  # type: ignore[arg-type]
    with OUT.open("w", encoding="utf-8") as out:
        for n, event in enumerate(events, start=1):
            head = {"kind": event.pop("kind"), "room": event.pop("room"), "ts": event.pop("ts")}
            out.write(json.dumps({**head, "id": f"drill-{n:03d}", **event}, ensure_ascii=False))
            out.write("\n")


if __name__ == "__main__":
    main()
