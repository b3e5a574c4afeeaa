"""Bilibili commands (web and open platform) mapped to Events.

Commands are positional and drift over time: every field is read defensively, a missing
or null part (such as a DANMU_MSG without a medal) degrades the event, it never raises.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from typing import Any

import orjson

from monitor.collectors.common import BAD_EVENT, Decoded, Disconnect, SourceStats, clip, clip_id
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

GOLD_PER_YUAN = 1000.0
INTERACT_ENTER, INTERACT_FOLLOW = 1, 2


def _at(seq: Any, *path: int) -> Any:
    """Return seq[i][j]... or None when any step is missing or not a list."""
    for i in path:
        if not isinstance(seq, list) or i >= len(seq):
            return None
        seq = seq[i]
    return seq


def _dict(obj: Any, key: str) -> dict[str, Any]:
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, dict) else {}


def _num(value: Any, default: float = 0.0) -> float:
    if isinstance(value, bool):
        return default
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return default
    return default


def _key(prefix: str, value: Any) -> str:
    """Return a dedup id from a platform id, or "" (a fresh id) when there is none."""
    v = clip_id(value, 100)
    return f"{prefix}{v}" if v else ""


def _extra_id(meta: Any) -> str:
    """Return info[0][15].extra.id_str (extra is a JSON string), or ""."""
    extra = meta.get("extra") if isinstance(meta, dict) else None
    if isinstance(extra, str):
        try:
            extra = orjson.loads(extra)
        except orjson.JSONDecodeError:
            return ""
    value = extra.get("id_str") if isinstance(extra, dict) else None
    return value if isinstance(value, str) else ""


def _ts(value: Any) -> float:
    """Read a platform timestamp in s or ms; fall back to now."""
    t = _num(value)
    if t > 1e11:
        t /= 1000.0
    return t if t > 0 else time.time()


class CommandMapper:
    """Map one decoded command dict to Events of one room."""

    def __init__(self, *, room: str, source: str, stats: SourceStats) -> None:
        self.room, self.source, self.stats = room, source, stats
        self._handlers: dict[str, Callable[[dict[str, Any]], list[AnyEvent]]] = {
            "DANMU_MSG": self._danmu,
            "SUPER_CHAT_MESSAGE": self._super_chat,
            "SEND_GIFT": self._gift,
            "INTERACT_WORD": self._interact,
            "ONLINE_RANK_COUNT": self._rank_count,
            "WATCHED_CHANGE": self._watched,
            "LIKE_INFO_V3_UPDATE": self._like_total,
            "LIKE_INFO_V3_CLICK": self._like_click,
            "LIVE": self._live,
            "PREPARING": self._preparing,
            "WARNING": self._warning,
            "CUT_OFF": self._cut_off,
            "LIVE_OPEN_PLATFORM_DM": self._open_dm,
            "LIVE_OPEN_PLATFORM_SEND_GIFT": self._open_gift,
            "LIVE_OPEN_PLATFORM_LIKE": self._open_like,
            "LIVE_OPEN_PLATFORM_LIVE_ROOM_ENTER": self._open_enter,
            "LIVE_OPEN_PLATFORM_SUPER_CHAT": self._open_super_chat,
            "LIVE_OPEN_PLATFORM_LIVE_START": self._live,
            "LIVE_OPEN_PLATFORM_LIVE_END": self._preparing,
        }

    def map(self, command: dict[str, Any], out: Decoded) -> None:
        raw = command.get("cmd")
        if not isinstance(raw, str):
            out.errors += 1
            self.stats.error(BAD_EVENT)
            return
        cmd = raw.split(":", 1)[0]  # DANMU_MSG:4:0:2:2:2:0 -> DANMU_MSG
        if cmd == "LIVE_OPEN_PLATFORM_INTERACTION_END":
            out.controls += 1
            out.close = Disconnect(rebootstrap=True, reason="open platform ended the push")
            return
        handler = self._handlers.get(cmd)
        if handler is None:
            out.errors += 1
            self.stats.unknown(cmd)
            return
        try:
            events = handler(command)
        except (TypeError, ValueError, AttributeError, KeyError):
            out.errors += 1
            self.stats.error(BAD_EVENT)
            return
        if events:
            out.events.extend(events)
        else:
            out.controls += 1

    def _common(self, ts: float, event_id: str = "") -> dict[str, Any]:
        return {
            "room": self.room,
            "ts": ts,
            "id": event_id or new_event_id(),
            "source": self.source,
        }

    def _danmu(self, c: dict[str, Any]) -> list[AnyEvent]:
        info = c.get("info")
        text = _at(info, 1)
        if not isinstance(text, str) or not text:
            raise ValueError("DANMU_MSG without text")
        uid, uname = _at(info, 2, 0), _at(info, 2, 1)
        ts_ms = _at(info, 0, 4)
        id_str = _extra_id(_at(info, 0, 15))
        rnd = _at(info, 0, 5)
        key = id_str or f"{uid}:{ts_ms}:{rnd}:{zlib.crc32(text.encode()):x}"
        return [
            CommentEvent(
                **self._common(_ts(ts_ms), f"bl:dm:{key}"[:128]),
                text=clip(text),
                user=clip_id(uid),
                nickname=clip_id(uname),
            )
        ]

    def _super_chat(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = _dict(c, "data")
        user = _dict(d, "user_info")
        return [
            CommentEvent(
                **self._common(_ts(d.get("start_time")), _key("bl:sc:", d.get("id"))),
                text=clip(str(d.get("message", ""))) or "(super chat)",
                user=clip_id(d.get("uid")),
                nickname=clip_id(user.get("uname")),
            )
        ]

    def _gift(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = _dict(c, "data")
        gold = d.get("coin_type") == "gold"
        value = _num(d.get("total_coin")) / GOLD_PER_YUAN if gold else 0.0
        key = d.get("tid") or d.get("rnd") or ""
        return [
            GiftEvent(
                **self._common(_ts(d.get("timestamp")), _key("bl:gift:", key)),
                gift=clip_id(d.get("giftName")) or "gift",
                count=max(0, int(_num(d.get("num"), 1))),
                value=value,
                user=clip_id(d.get("uid")),
                nickname=clip_id(d.get("uname")),
            )
        ]

    def _interact(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = _dict(c, "data")
        kind = d.get("msg_type")
        common = self._common(_ts(d.get("timestamp")))
        user, nick = clip_id(d.get("uid")), clip_id(d.get("uname"))
        if kind == INTERACT_ENTER:
            return [MemberEvent(**common, user=user, nickname=nick)]
        if kind == INTERACT_FOLLOW:
            return [FollowEvent(**common, user=user, nickname=nick)]
        return []

    def _metric(self, name: str, value: float) -> MetricEvent:
        return MetricEvent(**self._common(time.time()), name=name, value=value)

    def _rank_count(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = _dict(c, "data")
        out: list[AnyEvent] = [self._metric("high_energy_users", _num(d.get("count")))]
        if "online_count" in d:
            out.append(self._metric("online_viewers", _num(d.get("online_count"))))
        return out

    def _watched(self, c: dict[str, Any]) -> list[AnyEvent]:
        return [self._metric("watched_total", _num(_dict(c, "data").get("num")))]

    def _like_total(self, c: dict[str, Any]) -> list[AnyEvent]:
        return [self._metric("likes_total", _num(_dict(c, "data").get("click_count")))]

    def _like_click(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = _dict(c, "data")
        return [
            LikeEvent(
                **self._common(time.time()),
                count=1,
                user=clip_id(d.get("uid")),
                nickname=clip_id(d.get("uname")),
            )
        ]

    def _live(self, c: dict[str, Any]) -> list[AnyEvent]:
        return [StreamEvent(**self._common(time.time()), status=StreamStatus.LIVE)]

    def _preparing(self, c: dict[str, Any]) -> list[AnyEvent]:
        return [
            StreamEvent(**self._common(time.time()), status=StreamStatus.ENDED, reason="preparing")
        ]

    def _warning(self, c: dict[str, Any]) -> list[AnyEvent]:
        # The stream keeps running after a platform warning: a countable reading, not a state.
        return [self._metric("platform_warning", 1.0)]

    def _cut_off(self, c: dict[str, Any]) -> list[AnyEvent]:
        msg = clip(str(c.get("msg", "")), 100)
        return [
            StreamEvent(
                **self._common(time.time()), status=StreamStatus.ENDED, reason=f"cut_off: {msg}"
            )
        ]

    def _open_dm(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = _dict(c, "data")
        text = d.get("msg")
        if not isinstance(text, str) or not text:
            raise ValueError("open DM without msg")
        return [
            CommentEvent(
                **self._common(_ts(d.get("timestamp")), _key("blo:", d.get("msg_id"))),
                text=clip(text),
                user=clip_id(d.get("open_id")),
                nickname=clip_id(d.get("uname")),
            )
        ]

    def _open_super_chat(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = _dict(c, "data")
        return [
            CommentEvent(
                **self._common(_ts(d.get("timestamp")), _key("blo:sc:", d.get("message_id"))),
                text=clip(str(d.get("message", ""))) or "(super chat)",
                user=clip_id(d.get("open_id")),
                nickname=clip_id(d.get("uname")),
            )
        ]

    def _open_gift(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = _dict(c, "data")
        num = max(0, int(_num(d.get("gift_num"), 1)))
        value = _num(d.get("price")) * num / GOLD_PER_YUAN if d.get("paid") else 0.0
        return [
            GiftEvent(
                **self._common(_ts(d.get("timestamp")), _key("blo:", d.get("msg_id"))),
                gift=clip_id(d.get("gift_name")) or "gift",
                count=num,
                value=value,
                user=clip_id(d.get("open_id")),
                nickname=clip_id(d.get("uname")),
            )
        ]

    def _open_like(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = _dict(c, "data")
        return [
            LikeEvent(
                **self._common(_ts(d.get("timestamp")), _key("blo:", d.get("msg_id"))),
                count=max(0, int(_num(d.get("like_count"), 1))),
                user=clip_id(d.get("open_id")),
                nickname=clip_id(d.get("uname")),
            )
        ]

    def _open_enter(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = _dict(c, "data")
        return [
            MemberEvent(
                **self._common(_ts(d.get("timestamp"))),
                user=clip_id(d.get("open_id")),
                nickname=clip_id(d.get("uname")),
            )
        ]
