"""Presets for the JSON that local capture tools push, so no field mapping is needed.

`douyin_barrage_grab`: DouyinBarrageGrab's local WebSocket (default ws://127.0.0.1:8888).
Every frame is {"Type": n, "ProcessName": "...", "Data": "<JSON string>"}; Data holds
MsgId, User{Id, Nickname, ...}, Content, RoomId, WebRoomId and per-type fields:
1 chat, 2 like (Count, Total), 3 enter, 4 follow, 5 gift (GiftId, GiftName, GroupId,
GiftCount = this push's increment, RepeatCount = the streak so far, DiamondCount, Combo),
6 room stats (OnlineUserCount, TotalUserCount), 7 fan club (Type 2 join, 1 upgrade, Level),
8 share, 9 live ended.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import orjson

from monitor.collectors.combos import ComboTracker, StreakDecoder
from monitor.collectors.common import BAD_EVENT, MALFORMED, Decoded, SourceStats, clip, clip_id
from monitor.events import (
    AnyEvent,
    CommentEvent,
    FollowEvent,
    GiftEvent,
    LikeEvent,
    MemberEvent,
    MetricEvent,
    StreamEvent,
    StreamStatus,
    new_event_id,
)

PRESETS = ("douyin_barrage_grab",)
YUAN_PER_DIAMOND = 0.1
FANSCLUB_JOIN = 2


def _int(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return max(0, min(value, 10**12))
    if isinstance(value, str) and value.isdigit():
        return min(int(value), 10**12)
    return 0


class BarrageGrabDecoder(StreakDecoder):
    """Decode DouyinBarrageGrab frames into Events; every failure is counted, none raised."""

    def __init__(
        self,
        *,
        room: str,
        room_map: dict[str, str],
        source: str,
        stats: SourceStats,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.room, self.room_map, self.source, self.stats = room, room_map, source, stats
        self.combos = ComboTracker(now=now)
        self._kinds: dict[int, Callable[[dict[str, Any], dict[str, Any]], list[AnyEvent]]] = {
            1: self._chat,
            2: self._like,
            3: self._enter,
            4: self._follow,
            5: self._gift,
            6: self._stats,
            7: self._fansclub,
            8: self._share,
            9: self._end,
        }

    def decode(self, data: bytes | str) -> Decoded:
        out = Decoded.empty()
        out.events.extend(self.combos.due())
        try:
            frame = orjson.loads(data)
            inner = frame.get("Data") if isinstance(frame, dict) else None
            body = orjson.loads(inner) if isinstance(inner, str | bytes) else inner
        except orjson.JSONDecodeError:
            return self._error(out, MALFORMED)
        if not isinstance(frame, dict) or not isinstance(body, dict):
            return self._error(out, MALFORMED)
        kind = frame.get("Type")
        handler = self._kinds.get(kind) if isinstance(kind, int) else None
        if handler is None:
            out.errors += 1
            self.stats.unknown(f"Type:{kind}")
            return out
        room = (
            self.room
            or self.room_map.get(str(body.get("RoomId") or ""), "")
            or (self.room_map.get(str(body.get("WebRoomId") or ""), ""))
        )
        if not room:
            return self._error(out, BAD_EVENT)  # a room this source was not told about
        msg_id = clip_id(body.get("MsgId"), 100)
        common = {
            "room": room,
            "ts": time.time(),
            "id": f"dbg:{msg_id}" if msg_id else new_event_id(),
            "source": self.source,
        }
        events = handler(body, common)
        if events:
            out.events.extend(events)
        else:
            out.controls += 1
        return out

    @staticmethod
    def _who(body: dict[str, Any]) -> dict[str, Any]:
        user = body.get("User")
        user = user if isinstance(user, dict) else {}
        return {"user": clip_id(user.get("Id")), "nickname": clip_id(user.get("Nickname"))}

    def _chat(self, body: dict[str, Any], common: dict[str, Any]) -> list[AnyEvent]:
        text = body.get("Content")
        if not isinstance(text, str) or not text:
            return []
        return [CommentEvent(**common, text=clip(text), **self._who(body))]

    def _like(self, body: dict[str, Any], common: dict[str, Any]) -> list[AnyEvent]:
        total = _int(body.get("Total")) or None
        count = _int(body.get("Count")) or 1
        return [LikeEvent(**common, count=count, total=total, **self._who(body))]

    def _enter(self, body: dict[str, Any], common: dict[str, Any]) -> list[AnyEvent]:
        return [MemberEvent(**common, **self._who(body))]

    def _follow(self, body: dict[str, Any], common: dict[str, Any]) -> list[AnyEvent]:
        return [FollowEvent(**common, **self._who(body))]

    def _gift(self, body: dict[str, Any], common: dict[str, Any]) -> list[AnyEvent]:
        who = self._who(body)
        name = clip_id(body.get("GiftName")) or f"gift-{_int(body.get('GiftId'))}"
        diamonds = _int(body.get("DiamondCount"))
        group = _int(body.get("GroupId"))
        if body.get("Combo") is True and group:
            # A streak: keep its running RepeatCount; one event once it goes quiet.
            count = min(max(_int(body.get("RepeatCount")), 1), 10**9)
            key = f"{who['user']}:{_int(body.get('GiftId'))}:{group}"
            event = GiftEvent(
                **(common | {"id": f"dbg:combo:{key}"[:128]}),
                gift=name,
                count=count,
                value=diamonds * count * YUAN_PER_DIAMOND,
                **who,
            )
            return list(self.combos.update(key, event, finished=False))
        count = min(max(_int(body.get("GiftCount")), 1), 10**9)
        value = diamonds * count * YUAN_PER_DIAMOND
        return [GiftEvent(**common, gift=name, count=count, value=value, **who)]

    def _stats(self, body: dict[str, Any], common: dict[str, Any]) -> list[AnyEvent]:
        out: list[AnyEvent] = []
        if "OnlineUserCount" in body:
            value = float(_int(body.get("OnlineUserCount")))
            out.append(MetricEvent(**common, name="online_viewers", value=value))
        if _int(body.get("TotalUserCount")):
            total = common | {"id": f"{common['id']}:total"}
            value = float(_int(body.get("TotalUserCount")))
            out.append(MetricEvent(**total, name="watched_total", value=value))
        return out

    def _fansclub(self, body: dict[str, Any], common: dict[str, Any]) -> list[AnyEvent]:
        if body.get("Type") != FANSCLUB_JOIN:
            return []
        return [FollowEvent(**common, **self._who(body))]

    def _share(self, body: dict[str, Any], common: dict[str, Any]) -> list[AnyEvent]:
        return [MetricEvent(**common, name="share", value=1.0)]

    def _end(self, body: dict[str, Any], common: dict[str, Any]) -> list[AnyEvent]:
        return [StreamEvent(**common, status=StreamStatus.ENDED, reason="live ended")]
