"""Bilibili open platform (互动玩法) commands mapped to Events: LIVE_OPEN_PLATFORM_*."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from monitor.collectors.bilibili_values import GOLD_PER_YUAN, key, num, sub, ts
from monitor.collectors.common import clip, clip_id
from monitor.events import (
    AnyEvent,
    CommentEvent,
    GiftEvent,
    LikeEvent,
    MemberEvent,
    StreamEvent,
    StreamStatus,
)

Handler = Callable[[dict[str, Any]], list[AnyEvent]]


class OpenPlatformCommands:
    """The open platform's commands; mixed into CommandMapper, which supplies `common`."""

    def common(self, t: float, event_id: str = "") -> dict[str, Any]:
        raise NotImplementedError

    def open_handlers(self) -> dict[str, Handler]:
        return {
            "LIVE_OPEN_PLATFORM_DM": self._open_dm,
            "LIVE_OPEN_PLATFORM_SEND_GIFT": self._open_gift,
            "LIVE_OPEN_PLATFORM_GUARD": self._open_guard,
            "LIVE_OPEN_PLATFORM_LIKE": self._open_like,
            "LIVE_OPEN_PLATFORM_LIVE_ROOM_ENTER": self._open_enter,
            "LIVE_OPEN_PLATFORM_SUPER_CHAT": self._open_super_chat,
            "LIVE_OPEN_PLATFORM_LIVE_START": self._open_start,
            "LIVE_OPEN_PLATFORM_LIVE_END": self._open_end,
        }

    def _open_dm(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = sub(c, "data")
        text = d.get("msg")
        if not isinstance(text, str) or not text:
            raise ValueError("open DM without msg")
        return [
            CommentEvent(
                **self.common(ts(d.get("timestamp")), key("blo:", d.get("msg_id"))),
                text=clip(text),
                user=clip_id(d.get("open_id")),
                nickname=clip_id(d.get("uname")),
            )
        ]

    def _open_super_chat(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = sub(c, "data")
        return [
            CommentEvent(
                **self.common(ts(d.get("timestamp")), key("blo:sc:", d.get("message_id"))),
                text=clip(str(d.get("message", ""))) or "(super chat)",
                user=clip_id(d.get("open_id")),
                nickname=clip_id(d.get("uname")),
            )
        ]

    def _open_gift(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = sub(c, "data")
        count = max(0, int(num(d.get("gift_num"), 1)))
        # r_price is what one gift is really worth (discounts, blind boxes); price is the list
        # price. Free gifts can carry an r_price too, so only paid ones have a value.
        unit = num(d.get("r_price"), num(d.get("price")))
        value = unit * count / GOLD_PER_YUAN if d.get("paid") is True else 0.0
        return [
            GiftEvent(
                **self.common(ts(d.get("timestamp")), key("blo:", d.get("msg_id"))),
                gift=clip_id(d.get("gift_name")) or "gift",
                count=count,
                value=value,
                user=clip_id(d.get("open_id")),
                nickname=clip_id(d.get("uname")),
            )
        ]

    def _open_guard(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = sub(c, "data")
        user = sub(d, "user_info")
        count = max(1, int(num(d.get("guard_num"), 1)))
        level = int(num(d.get("guard_level")))
        return [
            GiftEvent(
                **self.common(ts(d.get("timestamp")), key("blo:", d.get("msg_id"))),
                gift=GUARD_NAMES.get(level, f"guard-{level}"),
                count=count,
                value=num(d.get("price")) * count / GOLD_PER_YUAN,
                user=clip_id(user.get("open_id")),
                nickname=clip_id(user.get("uname")),
            )
        ]

    def _open_like(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = sub(c, "data")
        return [
            LikeEvent(
                **self.common(ts(d.get("timestamp")), key("blo:", d.get("msg_id"))),
                count=max(0, int(num(d.get("like_count"), 1))),
                user=clip_id(d.get("open_id")),
                nickname=clip_id(d.get("uname")),
            )
        ]

    def _open_enter(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = sub(c, "data")
        return [
            MemberEvent(
                **self.common(ts(d.get("timestamp")), key("blo:", d.get("msg_id"))),
                user=clip_id(d.get("open_id")),
                nickname=clip_id(d.get("uname")),
            )
        ]

    def _open_start(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = sub(c, "data")
        common = self.common(ts(d.get("timestamp")), key("blo:", d.get("msg_id")))
        return [StreamEvent(**common, status=StreamStatus.LIVE)]

    def _open_end(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = sub(c, "data")
        common = self.common(ts(d.get("timestamp")), key("blo:", d.get("msg_id")))
        return [StreamEvent(**common, status=StreamStatus.ENDED, reason="live end")]


# Paid memberships (大航海), by guard_level.
GUARD_NAMES = {1: "总督", 2: "提督", 3: "舰长"}
