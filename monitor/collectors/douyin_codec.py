"""Douyin webcast push frames: PushFrame -> (gzip) Response -> Message -> Events."""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from typing import Any

from google.protobuf.message import DecodeError
from google.protobuf.message import Message as PbMessage

from monitor.collectors.common import (
    DECOMPRESS,
    MALFORMED,
    TRUNCATED,
    Decoded,
    SourceStats,
    clip,
    clip_id,
)
from monitor.collectors.proto import webcast_pb2 as pb
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

MAX_INFLATED = 16 * 1024 * 1024
CONTROL_ENDED = 3
SOCIAL_FOLLOW = 1
YUAN_PER_DIAMOND = 0.1


def ack_frame(log_id: int, internal_ext: str) -> bytes:
    """Return the ack a need_ack Response asks for."""
    return pb.PushFrame(
        log_id=log_id, payload_type="ack", payload=internal_ext.encode()
    ).SerializeToString()


def heartbeat_frame() -> bytes:
    return pb.PushFrame(payload_type="hb").SerializeToString()


def gunzip(payload: bytes) -> bytes:
    """Inflate a gzip payload; raise ValueError(reason) when damaged, cut or too large."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(payload, MAX_INFLATED)
    except zlib.error:
        raise ValueError(DECOMPRESS) from None
    if d.unconsumed_tail:
        raise ValueError(DECOMPRESS)
    if not d.eof:
        raise ValueError(TRUNCATED)
    return out


def _user(u: pb.User) -> tuple[str, str]:
    uid = u.id_str or (str(u.id) if u.id else "")
    return clip_id(uid), clip_id(u.nickname)


def _ts(common: pb.Common, fallback_s: int = 0) -> float:
    if common.create_time:
        t = float(common.create_time)
        return t / 1000.0 if t > 1e11 else t
    return float(fallback_s) if fallback_s > 0 else time.time()


class DouyinPushDecoder:
    """Decode push frames into Events of one room; every failure is counted, none raised."""

    def __init__(self, *, room: str, source: str, stats: SourceStats) -> None:
        self.room, self.source, self.stats = room, source, stats
        self.cursor = ""
        self.internal_ext = ""
        self.heartbeat_hint = 0
        self._handlers: dict[str, tuple[type[PbMessage], Callable[..., list[AnyEvent]]]] = {
            "WebcastChatMessage": (pb.ChatMessage, self._chat),
            "WebcastEmojiChatMessage": (pb.EmojiChatMessage, self._emoji),
            "WebcastRoomUserSeqMessage": (pb.RoomUserSeqMessage, self._user_seq),
            "WebcastLikeMessage": (pb.LikeMessage, self._like),
            "WebcastGiftMessage": (pb.GiftMessage, self._gift),
            "WebcastMemberMessage": (pb.MemberMessage, self._member),
            "WebcastSocialMessage": (pb.SocialMessage, self._social),
            "WebcastControlMessage": (pb.ControlMessage, self._control),
        }

    def _error(self, out: Decoded, reason: str) -> Decoded:
        out.errors += 1
        self.stats.error(reason)
        return out

    def decode(self, data: bytes | str) -> Decoded:
        out = Decoded.empty()
        if isinstance(data, str):
            return self._error(out, MALFORMED)
        frame = pb.PushFrame()
        try:
            frame.ParseFromString(data)
        except DecodeError:
            return self._error(out, MALFORMED)
        if frame.payload_type in ("hb", "ack"):
            out.controls += 1
            return out
        if frame.payload_type != "msg":
            self.stats.unknown(f"frame:{frame.payload_type or '<empty>'}")
            out.errors += 1
            return out
        payload = frame.payload
        headers = {h.key: h.value for h in frame.headers}
        if headers.get("compress_type") == "gzip":
            try:
                payload = gunzip(payload)
            except ValueError as exc:
                return self._error(out, str(exc))
        response = pb.Response()
        try:
            response.ParseFromString(payload)
        except DecodeError:
            return self._error(out, MALFORMED)
        if response.cursor:
            self.cursor = response.cursor
        if response.internal_ext:
            self.internal_ext = response.internal_ext
        if response.heartbeat_duration:
            self.heartbeat_hint = response.heartbeat_duration
        if response.need_ack:
            out.replies.append(ack_frame(frame.log_id, response.internal_ext))
        for message in response.messages:
            self._message(message, out)
        if not response.messages:
            out.controls += 1
        return out

    def _message(self, message: pb.Message, out: Decoded) -> None:
        entry = self._handlers.get(message.method)
        if entry is None:
            out.errors += 1
            self.stats.unknown(message.method or "<empty>")
            return
        cls, handler = entry
        body = cls()
        try:
            body.ParseFromString(message.payload)
        except DecodeError:
            self._error(out, MALFORMED)
            return
        msg_id = message.msg_id or getattr(getattr(body, "common", None), "msg_id", 0)
        events = handler(body, f"dy:{msg_id}" if msg_id else new_event_id())
        if events:
            out.events.extend(events)
        else:
            out.controls += 1

    def _base(self, common: pb.Common, event_id: str, fallback_s: int = 0) -> dict[str, Any]:
        return {
            "room": self.room,
            "ts": _ts(common, fallback_s),
            "id": event_id,
            "source": self.source,
        }

    def _chat(self, m: pb.ChatMessage, eid: str) -> list[AnyEvent]:
        if not m.content:
            return []
        uid, nick = _user(m.user)
        base = self._base(m.common, eid, m.event_time)
        return [CommentEvent(**base, text=clip(m.content), user=uid, nickname=nick)]

    def _emoji(self, m: pb.EmojiChatMessage, eid: str) -> list[AnyEvent]:
        if not m.default_content:
            return []
        uid, nick = _user(m.user)
        base = self._base(m.common, eid)
        return [CommentEvent(**base, text=clip(m.default_content), user=uid, nickname=nick)]

    def _user_seq(self, m: pb.RoomUserSeqMessage, eid: str) -> list[AnyEvent]:
        base = self._base(m.common, eid)
        return [MetricEvent(**base, name="online_viewers", value=float(max(0, m.total)))]

    def _like(self, m: pb.LikeMessage, eid: str) -> list[AnyEvent]:
        uid, nick = _user(m.user)
        base = self._base(m.common, eid)
        total = min(m.total, 10**12) if m.total else None
        return [LikeEvent(**base, count=min(m.count, 10**12), total=total, user=uid, nickname=nick)]

    def _gift(self, m: pb.GiftMessage, eid: str) -> list[AnyEvent]:
        # A combo streak repeats the gift with a growing repeat_count; count it once, at its end.
        if m.repeat_end != 1 and m.group_id:
            return []
        count = max(m.combo_count, m.repeat_count, 1) * max(m.group_count, 1)
        count = min(count, 10**9)
        uid, nick = _user(m.user)
        base = self._base(m.common, eid)
        value = float(m.gift.diamond_count) * count * YUAN_PER_DIAMOND
        name = clip_id(m.gift.name) or f"gift-{m.gift_id or m.gift.id}"
        return [GiftEvent(**base, gift=name, count=count, value=value, user=uid, nickname=nick)]

    def _member(self, m: pb.MemberMessage, eid: str) -> list[AnyEvent]:
        uid, nick = _user(m.user)
        return [MemberEvent(**self._base(m.common, eid), user=uid, nickname=nick)]

    def _social(self, m: pb.SocialMessage, eid: str) -> list[AnyEvent]:
        if m.action != SOCIAL_FOLLOW:
            return []
        uid, nick = _user(m.user)
        return [FollowEvent(**self._base(m.common, eid), user=uid, nickname=nick)]

    def _control(self, m: pb.ControlMessage, eid: str) -> list[AnyEvent]:
        if m.status != CONTROL_ENDED:
            return []
        base = self._base(m.common, eid)
        return [StreamEvent(**base, status=StreamStatus.ENDED, reason="control status 3")]
