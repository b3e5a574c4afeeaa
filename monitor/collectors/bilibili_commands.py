"""Bilibili web commands mapped to Events (open-platform ones: bilibili_open_commands).

Commands are positional and drift over time: every field is read defensively, a missing
or null part (such as a DANMU_MSG without a medal) degrades the event, it never raises.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from typing import Any

from monitor.collectors.bilibili_open_commands import GUARD_NAMES, OpenPlatformCommands
from monitor.collectors.bilibili_values import (
    GOLD_PER_YUAN,
    at,
    extra_id,
    key,
    num,
    pb_body,
    sub,
    ts,
)
from monitor.collectors.common import BAD_EVENT, Decoded, Disconnect, SourceStats, clip, clip_id
from monitor.collectors.proto import bilibili_pb2 as bpb
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

INTERACT_ENTER, INTERACT_FOLLOW = 1, 2

# Commands that carry nothing roomwatch uses: counted as ignored, never as errors. Guard
# purchases come as GUARD_BUY; USER_TOAST_MSG(_V2) repeats them, so it is ignored here.
IGNORED = frozenset(
    {
        "STOP_LIVE_ROOM_LIST",
        "ENTRY_EFFECT",
        "ENTRY_EFFECT_MUST_RECEIVE",
        "ONLINE_RANK_V2",
        "ONLINE_RANK_V3",
        "ONLINE_RANK_TOP3",
        "NOTICE_MSG",
        "WIDGET_BANNER",
        "WIDGET_GIFT_STAR_PROCESS",
        "HOT_RANK_CHANGED",
        "HOT_RANK_CHANGED_V2",
        "HOT_RANK_SETTLEMENT",
        "HOT_RANK_SETTLEMENT_V2",
        "ROOM_REAL_TIME_MESSAGE_UPDATE",
        "COMBO_SEND",
        "DM_INTERACTION",
        "USER_TOAST_MSG",
        "USER_TOAST_MSG_V2",
        "SUPER_CHAT_MESSAGE_JPN",
        "SUPER_CHAT_MESSAGE_DELETE",
        "LIKE_INFO_V3_NOTICE",
        "GIFT_STAR_PROCESS",
        "AREA_RANK_CHANGED",
        "RANK_CHANGED",
        "RANK_CHANGED_V2",
        "ROOM_CHANGE",
        "LOG_IN_NOTICE",
        "GUARD_HONOR_THOUSAND",
        "PK_BATTLE_PROCESS",
        "PK_BATTLE_PROCESS_NEW",
        "PK_BATTLE_START",
        "PK_BATTLE_END",
        "PK_BATTLE_SETTLE",
        "PK_BATTLE_SETTLE_V2",
        "POPULARITY_RED_POCKET_START",
        "POPULARITY_RED_POCKET_NEW",
        "POPULARITY_RED_POCKET_WINNER_LIST",
        "LIVE_INTERACTIVE_GAME",
        "TRADING_SCORE",
        "VOICE_JOIN_LIST",
        "VOICE_JOIN_ROOM_COUNT_INFO",
        "COMMON_NOTICE_DANMAKU",
        "PREPARING_FANS_MEDAL",
        "LIVE_OPEN_PLATFORM_SUPER_CHAT_DEL",
        "LIVE_OPEN_PLATFORM_DM_MIRROR",
    }
)


class CommandMapper(OpenPlatformCommands):
    """Map one decoded command dict to Events of one room."""

    def __init__(self, *, room: str, source: str, stats: SourceStats) -> None:
        self.room, self.source, self.stats = room, source, stats
        self._handlers: dict[str, Callable[[dict[str, Any]], list[AnyEvent]]] = {
            "DANMU_MSG": self._danmu,
            "SUPER_CHAT_MESSAGE": self._super_chat,
            "SEND_GIFT": self._gift,
            "SEND_GIFT_V2": self._gift_v2,
            "GUARD_BUY": self._guard_buy,
            "INTERACT_WORD": self._interact,
            "INTERACT_WORD_V2": self._interact_v2,
            "ONLINE_RANK_COUNT": self._rank_count,
            "WATCHED_CHANGE": self._watched,
            "LIKE_INFO_V3_UPDATE": self._like_total,
            "LIKE_INFO_V3_CLICK": self._like_click,
            "LIVE": self._live,
            "PREPARING": self._preparing,
            "WARNING": self._warning,
            "CUT_OFF": self._cut_off,
            "CUT_OFF_V2": self._cut_off,
        } | self.open_handlers()

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
        if handler is None and cmd in IGNORED:
            out.controls += 1
            self.stats.ignore(cmd)
            return
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

    def common(self, t: float, event_id: str = "") -> dict[str, Any]:
        return {
            "room": self.room,
            "ts": t,
            "id": event_id or new_event_id(),
            "source": self.source,
        }

    def _danmu(self, c: dict[str, Any]) -> list[AnyEvent]:
        info = c.get("info")
        text = at(info, 1)
        if not isinstance(text, str) or not text:
            raise ValueError("DANMU_MSG without text")
        uid, uname = at(info, 2, 0), at(info, 2, 1)
        ts_ms = at(info, 0, 4)
        id_str = extra_id(at(info, 0, 15))
        rnd = at(info, 0, 5)
        dm_key = id_str or f"{uid}:{ts_ms}:{rnd}:{zlib.crc32(text.encode()):x}"
        return [
            CommentEvent(
                **self.common(ts(ts_ms), f"bl:dm:{dm_key}"[:128]),
                text=clip(text),
                user=_viewer(uid, at(info, 0, 7)),
                nickname=clip_id(uname),
            )
        ]

    def _super_chat(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = sub(c, "data")
        user = sub(d, "user_info")
        return [
            CommentEvent(
                **self.common(ts(d.get("start_time")), key("bl:sc:", d.get("id"))),
                text=clip(str(d.get("message", ""))) or "(super chat)",
                user=clip_id(d.get("uid")),
                nickname=clip_id(user.get("uname")),
            )
        ]

    def _gift(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = sub(c, "data")
        gold = d.get("coin_type") == "gold"
        value = num(d.get("total_coin")) / GOLD_PER_YUAN if gold else 0.0
        gift_key = d.get("tid") or d.get("rnd") or ""
        return [
            GiftEvent(
                **self.common(ts(d.get("timestamp")), key("bl:gift:", gift_key)),
                gift=clip_id(d.get("giftName")) or "gift",
                count=max(0, int(num(d.get("num"), 1))),
                value=value,
                user=clip_id(d.get("uid")),
                nickname=clip_id(d.get("uname")),
            )
        ]

    def _gift_v2(self, c: dict[str, Any]) -> list[AnyEvent]:
        m = pb_body(sub(c, "data"), bpb.SendGiftV2)
        out: list[AnyEvent] = []
        for g in m.gift_list:
            value = g.total_coin / GOLD_PER_YUAN if g.coin_type == "gold" else 0.0
            out.append(
                GiftEvent(
                    **self.common(ts(g.timestamp), key("bl:gift:", g.tid)),
                    gift=clip_id(g.gift_name) or f"gift-{g.gift_id}",
                    count=max(0, min(g.num, 10**9)),
                    value=max(0.0, value),
                    user=_viewer(m.uid, ""),
                    nickname=clip_id(m.uname),
                )
            )
        return out

    def _guard_buy(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = sub(c, "data")
        count = max(1, int(num(d.get("num"), 1)))
        level = int(num(d.get("guard_level")))
        guard_key = f"{d.get('uid')}:{d.get('start_time')}:{level}"
        return [
            GiftEvent(
                **self.common(ts(d.get("start_time")), key("bl:guard:", guard_key)),
                gift=clip_id(d.get("gift_name")) or GUARD_NAMES.get(level, f"guard-{level}"),
                count=count,
                value=num(d.get("price")) * count / GOLD_PER_YUAN,
                user=clip_id(d.get("uid")),
                nickname=clip_id(d.get("username")),
            )
        ]

    def _interact_v2(self, c: dict[str, Any]) -> list[AnyEvent]:
        m = pb_body(sub(c, "data"), bpb.InteractWordV2)
        when = m.timestamp or (m.trigger_time // 1_000_000_000 if m.trigger_time else 0)
        eid = f"bl:iw:{m.trigger_time}:{m.uid}" if m.trigger_time else ""
        return self._interaction(m.msg_type, self.common(ts(when), eid), m.uid, m.uname)

    def _interaction(
        self, kind: Any, common: dict[str, Any], uid: Any, uname: Any
    ) -> list[AnyEvent]:
        user, nick = _viewer(uid, ""), clip_id(uname)
        if kind == INTERACT_ENTER:
            return [MemberEvent(**common, user=user, nickname=nick)]
        if kind == INTERACT_FOLLOW:
            return [FollowEvent(**common, user=user, nickname=nick)]
        return []

    def _interact(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = sub(c, "data")
        common = self.common(ts(d.get("timestamp")))
        return self._interaction(d.get("msg_type"), common, d.get("uid"), d.get("uname"))

    def _metric(self, name: str, value: float) -> MetricEvent:
        return MetricEvent(**self.common(time.time()), name=name, value=value)

    def _rank_count(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = sub(c, "data")
        out: list[AnyEvent] = [self._metric("high_energy_users", num(d.get("count")))]
        if "online_count" in d:
            out.append(self._metric("online_viewers", num(d.get("online_count"))))
        return out

    def _watched(self, c: dict[str, Any]) -> list[AnyEvent]:
        return [self._metric("watched_total", num(sub(c, "data").get("num")))]

    def _like_total(self, c: dict[str, Any]) -> list[AnyEvent]:
        return [self._metric("likes_total", num(sub(c, "data").get("click_count")))]

    def _like_click(self, c: dict[str, Any]) -> list[AnyEvent]:
        d = sub(c, "data")
        return [
            LikeEvent(
                **self.common(time.time()),
                count=1,
                user=clip_id(d.get("uid")),
                nickname=clip_id(d.get("uname")),
            )
        ]

    def _live(self, c: dict[str, Any]) -> list[AnyEvent]:
        return [StreamEvent(**self.common(time.time()), status=StreamStatus.LIVE)]

    def _preparing(self, c: dict[str, Any]) -> list[AnyEvent]:
        return [
            StreamEvent(**self.common(time.time()), status=StreamStatus.ENDED, reason="preparing")
        ]

    def _warning(self, c: dict[str, Any]) -> list[AnyEvent]:
        # The stream keeps running after a platform warning: a countable reading, not a state.
        return [self._metric("platform_warning", 1.0)]

    def _cut_off(self, c: dict[str, Any]) -> list[AnyEvent]:
        msg = clip(str(c.get("msg", "")), 100)
        return [
            StreamEvent(
                **self.common(time.time()), status=StreamStatus.CUT, reason=f"cut_off: {msg}"
            )
        ]


def _viewer(uid: Any, crc: Any) -> str:
    """Return a user id; guests (uid 0) stay apart by the packet's per-viewer hash."""
    if uid not in (None, 0, "0", ""):
        return clip_id(uid)
    return f"anon:{clip_id(crc, 32)}" if isinstance(crc, str) and crc else ""
