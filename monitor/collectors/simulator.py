"""A simulated live room: ordinary Chinese shopping chatter plus scripted incidents.

Incidents (sensitive burst, negative wave, viewer crash, comment storm, stream drop)
rotate through the rooms so the demo shows every alert type within minutes.
"""

from __future__ import annotations

import asyncio
import random

from alerts.clock import Clock
from monitor.collectors.base import Emit
from monitor.events import CommentEvent, MetricEvent, StreamEvent, StreamStatus, new_event_id
from monitor.metrics import ServiceMetrics

CHATTER = (
    "主播好漂亮",
    "这个颜色好看",
    "多少钱啊",
    "有没有优惠券",
    "已下单",
    "什么时候发货",
    "尺码怎么选",
    "165穿什么码",
    "主播讲一下面料",
    "上链接",
    "好想要",
    "已拍两件",
    "可以试一下黑色吗",
    "包邮吗",
    "家人们冲",
    "这个价格太划算了",
    "质量看着不错",
    "支持主播",
    "来了来了",
    "刚进来，讲的什么",
    "能不能再便宜点",
    "有赠品吗",
    "回购第三次了",
    "到货很快",
    "特价还有吗",
    "链接在哪",
    "主播声音好好听",
    "关注了",
    "适合学生吗",
)
SENSITIVE = (
    "加我微信便宜卖",
    "加V看主页联系",
    "私下交易更便宜",
    "刷单兼职日入五百",
    "好评返现加我",
    "薇信 abc12345",
    "加.微.信 领红包",
    "QQ 123456789 找我",
    "网赌带你赚钱",
    "主播是傻逼",
)
NEGATIVE = (
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
)


class RoomSimulator:
    """Emit realistic traffic for several rooms until cancelled."""

    def __init__(
        self,
        *,
        name: str,
        rooms: list[str],
        rate: float,
        incident_every: float,
        clock: Clock,
        metrics: ServiceMetrics,
        seed: int | None = None,
    ) -> None:
        self.name = name
        self._rooms = rooms
        self._rate = rate
        self._incident_every = incident_every
        self._clock = clock
        self._metrics = metrics
        self._rng = random.Random(seed)
        self._viewers = {room: self._rng.randint(800, 3000) for room in rooms}
        self._incident: dict[str, tuple[str, float]] = {}
        self._incidents = ["sensitive", "negative", "viewer_crash", "storm", "stream_down"]

    async def run(self, emit: Emit) -> None:
        self._metrics.source_up.labels(self.name).set(1)
        tick = 0.25
        next_incident = self._clock.now() + min(10.0, self._incident_every)
        next_metrics = 0.0
        turn = 0
        while True:
            now = self._clock.now()
            if now >= next_incident and self._rooms:
                room = self._rooms[turn % len(self._rooms)]
                kind = self._incidents[turn % len(self._incidents)]
                self._incident[room] = (kind, now + 20.0)
                turn += 1
                next_incident = now + self._incident_every
            for room in self._rooms:
                await self._room_tick(room, now, tick, emit)
            if now >= next_metrics:
                next_metrics = now + 2.0
                for room in self._rooms:
                    await self._emit(
                        emit,
                        MetricEvent(
                            room=room,
                            ts=now,
                            id=new_event_id(),
                            source=self.name,
                            name="online_viewers",
                            value=float(self._viewers[room]),
                        ),
                    )
            await asyncio.sleep(tick)

    async def _emit(self, emit: Emit, event: CommentEvent | MetricEvent | StreamEvent) -> None:
        self._metrics.source_frames.labels(self.name).inc()
        await emit(event)

    async def _room_tick(self, room: str, now: float, tick: float, emit: Emit) -> None:
        incident = self._incident.get(room)
        kind = incident[0] if incident and incident[1] > now else None
        if incident and incident[1] <= now:
            del self._incident[room]
            if incident[0] == "stream_down":
                await self._emit(
                    emit,
                    StreamEvent(
                        room=room,
                        ts=now,
                        id=new_event_id(),
                        source=self.name,
                        status=StreamStatus.LIVE,
                    ),
                )
        rate = self._rate * (12 if kind == "storm" else 1)
        if kind == "stream_down":
            if self._rng.random() < tick:
                await self._emit(
                    emit,
                    StreamEvent(
                        room=room,
                        ts=now,
                        id=new_event_id(),
                        source=self.name,
                        status=StreamStatus.ENDED,
                    ),
                )
            return
        if kind == "viewer_crash":
            self._viewers[room] = max(50, int(self._viewers[room] * 0.8))
        else:
            target = 1500
            self._viewers[room] += int((target - self._viewers[room]) * 0.05) + self._rng.randint(
                -20, 20
            )
        n = int(rate * tick) + (1 if self._rng.random() < (rate * tick) % 1 else 0)
        for _ in range(n):
            text = self._rng.choice(CHATTER)
            roll = self._rng.random()
            if kind == "sensitive" and roll < 0.4:
                text = self._rng.choice(SENSITIVE)
            elif kind == "negative" and roll < 0.5:
                text = self._rng.choice(NEGATIVE)
            elif roll < 0.01:
                text = self._rng.choice(SENSITIVE + NEGATIVE)
            user = f"u{self._rng.randint(1, 5000)}"
            await self._emit(
                emit,
                CommentEvent(
                    room=room,
                    ts=now,
                    id=new_event_id(),
                    source=self.name,
                    text=text,
                    user=user,
                    nickname=f"观众{user[1:]}",
                ),
            )
