"""TikTok LIVE webcast messages mapped to Events (the frame layer is webcast_frames)."""

from __future__ import annotations

from typing import Any

from monitor.collectors.common import clip, clip_id
from monitor.collectors.proto import tiktok_pb2 as tt
from monitor.collectors.proto import webcast_pb2 as pb
from monitor.collectors.webcast_frames import Handler, WebcastDecoder, ts_of
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

MEMBER_JOINED = 1
STREAKABLE = 1
CONTROL = {
    1: (StreamStatus.PAUSED, "paused"),
    2: (StreamStatus.LIVE, "unpaused"),
    3: (StreamStatus.ENDED, "ended"),
    4: (StreamStatus.CUT, "suspended"),
}
DIAMOND_VALUE = 0.09  # yuan per diamond: one coin bought, at the time of writing

IGNORED = frozenset(
    {
        "WebcastEmoteChatMessage",
        "WebcastRankUpdateMessage",
        "WebcastHourlyRankMessage",
        "WebcastRankTextMessage",
        "WebcastInRoomBannerMessage",
        "WebcastLinkMicArmies",
        "WebcastLinkMicBattle",
        "WebcastLinkMicMethod",
        "WebcastLinkMicFanTicketMethod",
        "WebcastLinkMicBattlePunishFinish",
        "WebcastLinkmicBattleTaskMessage",
        "WebcastLinkMessage",
        "WebcastLinkLayerMessage",
        "WebcastRoomMessage",
        "WebcastCaptionMessage",
        "WebcastGoalUpdateMessage",
        "WebcastImDeleteMessage",
        "WebcastPollMessage",
        "WebcastEnvelopeMessage",
        "WebcastQuestionNewMessage",
        "WebcastLiveIntroMessage",
        "WebcastSubNotifyMessage",
        "WebcastBarrageMessage",
        "WebcastRoomPinMessage",
        "WebcastUnauthorizedMemberMessage",
        "WebcastMsgDetectMessage",
        "WebcastOecLiveShoppingMessage",
        "RoomVerifyMessage",
    }
)


def enter_room_frame(room_id: int, cursor: str = "") -> bytes:
    """Return the im_enter_room frame TikTok waits for before it pushes anything."""
    body = tt.ImEnterRoomMessage(
        room_id=room_id, live_id=12, identity="audience", cursor=cursor, filter_welcome_msg="0"
    )
    return pb.PushFrame(
        payload_type="im_enter_room", payload_encoding="pb", payload=body.SerializeToString()
    ).SerializeToString()


def heartbeat_frame(room_id: int, seq: int = 1) -> bytes:
    """Return the hb frame: a PushFrame carrying HeartBeatMessage{room_id}."""
    body = tt.HeartBeatMessage(room_id=room_id, send_packet_seq_id=seq)
    return pb.PushFrame(
        payload_type="hb", payload_encoding="pb", payload=body.SerializeToString()
    ).SerializeToString()


def _user(u: tt.User) -> tuple[str, str]:
    return clip_id(str(u.id) if u.id else ""), clip_id(u.nickname or u.unique_id)


class TikTokPushDecoder(WebcastDecoder):
    """TikTok's methods: chat, likes, gifts with combos, members, follows, shares, viewers,
    pause and end."""

    prefix = "tt"
    ignored = IGNORED
    control_frames = frozenset({"hb", "ack", "im_enter_room_resp"})
    diamond_value = DIAMOND_VALUE

    def handlers(self) -> dict[str, Handler]:
        return {
            "WebcastChatMessage": (tt.ChatMessage, self._chat),
            "WebcastMemberMessage": (tt.MemberMessage, self._member),
            "WebcastGiftMessage": (tt.GiftMessage, self._gift),
            "WebcastLikeMessage": (tt.LikeMessage, self._like),
            "WebcastSocialMessage": (tt.SocialMessage, self._social),
            "WebcastRoomUserSeqMessage": (tt.RoomUserSeqMessage, self._viewers),
            "WebcastControlMessage": (tt.ControlMessage, self._control),
        }

    def _at(self, common: tt.Common, eid: str) -> dict[str, Any]:
        return self.base(eid, ts_of(common.create_time))

    def _chat(self, m: tt.ChatMessage, eid: str) -> list[AnyEvent]:
        if not m.comment:
            return []
        uid, nick = _user(m.user)
        base = self._at(m.common, eid)
        return [CommentEvent(**base, text=clip(m.comment), user=uid, nickname=nick)]

    def _member(self, m: tt.MemberMessage, eid: str) -> list[AnyEvent]:
        if m.action != MEMBER_JOINED:
            return []
        uid, nick = _user(m.user)
        return [MemberEvent(**self._at(m.common, eid), user=uid, nickname=nick)]

    def _gift(self, m: tt.GiftMessage, eid: str) -> list[AnyEvent]:
        count = min(max(m.repeat_count, m.combo_count, 1) * max(m.group_count, 1), 10**9)
        uid, nick = _user(m.user)
        gift_id = m.gift_id or m.gift.id
        name = clip_id(m.gift.name) or f"gift-{gift_id}"
        value = float(m.gift.diamond_count) * count * self.diamond_value
        if m.gift.type != STREAKABLE or not m.group_id:
            base = self._at(m.common, eid)
            return [GiftEvent(**base, gift=name, count=count, value=value, user=uid, nickname=nick)]
        # A streak: one event per streak with its final count (monitor/collectors/combos.py).
        key = f"{uid}:{gift_id}:{m.group_id}"
        base = self._at(m.common, f"tt:combo:{key}"[:128])
        event = GiftEvent(**base, gift=name, count=count, value=value, user=uid, nickname=nick)
        return list(self.combos.update(key, event, finished=m.repeat_end == 1))

    def _like(self, m: tt.LikeMessage, eid: str) -> list[AnyEvent]:
        uid, nick = _user(m.user)
        total = max(0, m.total_like_count) or None
        count = max(0, m.like_count)
        return [
            LikeEvent(**self._at(m.common, eid), count=count, total=total, user=uid, nickname=nick)
        ]

    def _social(self, m: tt.SocialMessage, eid: str) -> list[AnyEvent]:
        # The display text names what happened ("pm_main_follow_message_viewer_2",
        # "pm_mt_guidance_share"); action 1 is a follow when there is none.
        key = m.common.display_text.key.lower()
        uid, nick = _user(m.user)
        base = self._at(m.common, eid)
        if "share" in key or (not key and m.action == 3):
            return [MetricEvent(**base, name="share", value=1.0)]
        if "follow" in key or (not key and m.action == 1):
            return [FollowEvent(**base, user=uid, nickname=nick)]
        return []

    def _viewers(self, m: tt.RoomUserSeqMessage, eid: str) -> list[AnyEvent]:
        base = self._at(m.common, eid)
        out: list[AnyEvent] = [
            MetricEvent(**base, name="online_viewers", value=float(max(0, m.viewer_count)))
        ]
        if m.total_user > 0:
            total = base | {"id": f"{eid}:total"}
            out.append(MetricEvent(**total, name="watched_total", value=float(m.total_user)))
        return out

    def _control(self, m: tt.ControlMessage, eid: str) -> list[AnyEvent]:
        known = CONTROL.get(m.action)
        if known is None:
            return []
        status, reason = known
        return [StreamEvent(**self._at(m.common, eid), status=status, reason=reason)]
