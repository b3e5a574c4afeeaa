"""Douyin webcast push messages mapped to Events (the frame layer is webcast_frames)."""

from __future__ import annotations

from monitor.collectors.common import clip, clip_id
from monitor.collectors.proto import webcast_pb2 as pb
from monitor.collectors.webcast_frames import (
    Handler,
    WebcastDecoder,
    ack_frame,
    gunzip,
    heartbeat_frame,
    ts_of,
    user_of,
)
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
)

__all__ = ["DouyinPushDecoder", "ack_frame", "gunzip", "heartbeat_frame"]

CONTROL_ENDED = 3
SOCIAL_FOLLOW = 1
FANSCLUB_JOIN = 2
YUAN_PER_DIAMOND = 0.1

# Methods that carry nothing roomwatch uses: counted as ignored, never as errors.
IGNORED = frozenset(
    {
        "WebcastInRoomBannerMessage",
        "WebcastLinkerContributeMessage",
        "WebcastRanklistHourEntranceMessage",
        "WebcastRoomRankMessage",
        "WebcastRoomDataSyncMessage",
        "WebcastGiftSortMessage",
        "WebcastRoomStreamAdaptationMessage",
        "WebcastChatLikeMessage",
        "WebcastResidentGuestMessage",
        "WebcastLowPcuGuideMessage",
        "WebcastCommonDotMessage",
        "WebcastGiftUpdateMessage",
        "WebcastUpdateFanTicketMessage",
        "WebcastCommonTextMessage",
        "WebcastMatchAgainstScoreMessage",
        "WebcastRoomMessage",
        "WebcastRoomIntroMessage",
        "WebcastHotRoomMessage",
        "WebcastAudienceEntranceMessage",
        "WebcastScreenChatMessage",
        "WebcastLinkMicMethod",
        "WebcastLinkerMicMessage",
        "WebcastLinkMicArmiesMethod",
        "WebcastLinkMicBattleMethod",
        "WebcastLiveShoppingMessage",
        "WebcastLiveEcomGeneralMessage",
        "WebcastProductChangeMessage",
        "WebcastNotifyEffectMessage",
        "WebcastTempStateAreaReachMessage",
        "WebcastHourRankListMessage",
        "WebcastRoomNotifyMessage",
        "WebcastBindingGiftMessage",
    }
)


class DouyinPushDecoder(WebcastDecoder):
    """Douyin's methods: chat, emoji chat, viewers, stats, likes, gifts, members, follows."""

    prefix = "dy"
    ignored = IGNORED

    def handlers(self) -> dict[str, Handler]:
        return {
            "WebcastChatMessage": (pb.ChatMessage, self._chat),
            "WebcastEmojiChatMessage": (pb.EmojiChatMessage, self._emoji),
            "WebcastRoomUserSeqMessage": (pb.RoomUserSeqMessage, self._user_seq),
            "WebcastRoomStatsMessage": (pb.RoomStatsMessage, self._stats),
            "WebcastLikeMessage": (pb.LikeMessage, self._like),
            "WebcastGiftMessage": (pb.GiftMessage, self._gift),
            "WebcastMemberMessage": (pb.MemberMessage, self._member),
            "WebcastSocialMessage": (pb.SocialMessage, self._social),
            "WebcastFansclubMessage": (pb.FansclubMessage, self._fansclub),
            "WebcastControlMessage": (pb.ControlMessage, self._control),
        }

    def _chat(self, m: pb.ChatMessage, eid: str) -> list[AnyEvent]:
        if not m.content:
            return []
        uid, nick = user_of(m.user)
        base = self.base(eid, ts_of(m.common.create_time, m.event_time))
        return [CommentEvent(**base, text=clip(m.content), user=uid, nickname=nick)]

    def _emoji(self, m: pb.EmojiChatMessage, eid: str) -> list[AnyEvent]:
        if not m.default_content:
            return []
        uid, nick = user_of(m.user)
        base = self.base(eid, ts_of(m.common.create_time))
        return [CommentEvent(**base, text=clip(m.default_content), user=uid, nickname=nick)]

    def _user_seq(self, m: pb.RoomUserSeqMessage, eid: str) -> list[AnyEvent]:
        base = self.base(eid, ts_of(m.common.create_time))
        return [MetricEvent(**base, name="online_viewers", value=float(max(0, m.total)))]

    def _stats(self, m: pb.RoomStatsMessage, eid: str) -> list[AnyEvent]:
        total = m.total or m.display_value
        if total <= 0:
            return []
        base = self.base(eid, ts_of(m.common.create_time))
        return [MetricEvent(**base, name="watched_total", value=float(min(total, 10**12)))]

    def _like(self, m: pb.LikeMessage, eid: str) -> list[AnyEvent]:
        uid, nick = user_of(m.user)
        base = self.base(eid, ts_of(m.common.create_time))
        total = min(m.total, 10**12) if m.total else None
        return [LikeEvent(**base, count=min(m.count, 10**12), total=total, user=uid, nickname=nick)]

    def _gift(self, m: pb.GiftMessage, eid: str) -> list[AnyEvent]:
        count = min(max(m.combo_count, m.repeat_count, 1) * max(m.group_count, 1), 10**9)
        uid, nick = user_of(m.user)
        gift_id = m.gift_id or m.gift.id
        name = clip_id(m.gift.name) or f"gift-{gift_id}"
        value = float(m.gift.diamond_count) * count * YUAN_PER_DIAMOND
        if not m.group_id:
            base = self.base(eid, ts_of(m.common.create_time))
            return [GiftEvent(**base, gift=name, count=count, value=value, user=uid, nickname=nick)]
        # A combo streak: one event per streak, with its final count (monitor/collectors/combos.py).
        key = f"{uid}:{gift_id}:{m.group_id}"
        base = self.base(f"dy:combo:{key}"[:128], ts_of(m.common.create_time))
        event = GiftEvent(**base, gift=name, count=count, value=value, user=uid, nickname=nick)
        return list(self.combos.update(key, event, finished=m.repeat_end == 1))

    def _member(self, m: pb.MemberMessage, eid: str) -> list[AnyEvent]:
        uid, nick = user_of(m.user)
        return [MemberEvent(**self.base(eid, ts_of(m.common.create_time)), user=uid, nickname=nick)]

    def _social(self, m: pb.SocialMessage, eid: str) -> list[AnyEvent]:
        if m.action != SOCIAL_FOLLOW:
            return []
        uid, nick = user_of(m.user)
        return [FollowEvent(**self.base(eid, ts_of(m.common.create_time)), user=uid, nickname=nick)]

    def _fansclub(self, m: pb.FansclubMessage, eid: str) -> list[AnyEvent]:
        # Joining the fan club is the strongest follow; a level upgrade is not a new fan.
        if m.type != FANSCLUB_JOIN:
            return []
        uid, nick = user_of(m.user)
        return [FollowEvent(**self.base(eid, ts_of(m.common.create_time)), user=uid, nickname=nick)]

    def _control(self, m: pb.ControlMessage, eid: str) -> list[AnyEvent]:
        if m.status != CONTROL_ENDED:
            return []
        base = self.base(eid, ts_of(m.common.create_time))
        return [StreamEvent(**base, status=StreamStatus.ENDED, reason="control status 3")]
