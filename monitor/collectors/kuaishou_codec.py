"""Kuaishou (快手) web live frames: SocketMessage -> (gzip) payload -> Events.

Every frame is a protobuf SocketMessage{payload_type, compression_type, payload}. The feed
push (SC_FEED_PUSH) carries comments, likes, gifts, shares and the displayed watching and
like counts; pause, resume and suspected-violation notices are frames of their own.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from google.protobuf.message import DecodeError

from monitor.collectors.combos import ComboTracker, StreakDecoder
from monitor.collectors.common import (
    DECOMPRESS,
    MALFORMED,
    Decoded,
    Disconnect,
    SourceStats,
    clip,
    clip_id,
)
from monitor.collectors.proto import kuaishou_pb2 as ks
from monitor.collectors.webcast_frames import gunzip
from monitor.events import (
    CommentEvent,
    GiftEvent,
    LikeEvent,
    MetricEvent,
    StreamEvent,
    StreamStatus,
    new_event_id,
)

CS_HEARTBEAT, CS_ENTER_ROOM = 1, 200
SC_HEARTBEAT_ACK, SC_ERROR, SC_ENTER_ROOM_ACK, SC_FEED_PUSH = 101, 103, 300, 310
SC_AUTHOR_PAUSE, SC_AUTHOR_RESUME, SC_SUSPECTED_VIOLATION = 301, 302, 355
COMPRESSION_NONE, COMPRESSION_GZIP, COMPRESSION_AES = 1, 2, 3

# Payload types that carry nothing roomwatch uses: counted as ignored, never as errors.
IGNORED = {
    102: "SC_ECHO",
    104: "SC_PING_ACK",
    105: "SC_INFO",
    303: "SC_AUTHOR_PUSH_TRAFFIC_ZERO",
    304: "SC_AUTHOR_HEARTBEAT_MISS",
    305: "SC_PIP_STARTED",
    306: "SC_PIP_ENDED",
    311: "SC_ASSISTANT_STATUS",
    312: "SC_REFRESH_WALLET",
    330: "SC_RED_PACK_FEED",
    340: "SC_LIVE_WATCHING_LIST",
    360: "SC_SHOP_OPENED",
    361: "SC_SHOP_CLOSED",
    370: "SC_GUESS_OPENED",
    371: "SC_GUESS_CLOSED",
    380: "SC_PK_INVITATION",
    381: "SC_PK_STATISTIC",
    412: "SC_RIDE_CHANGED",
    441: "SC_BET_CHANGED",
    442: "SC_BET_CLOSED",
    645: "SC_LIVE_SPECIAL_ACCOUNT_CONFIG_STATE",
    758: "SC_LIVE_WARNING_MASK_STATUS_CHANGED_AUDIENCE",
}


def frame(payload_type: int, body: bytes, compression: int = COMPRESSION_NONE) -> bytes:
    return ks.SocketMessage(
        payload_type=payload_type, compression_type=compression, payload=body
    ).SerializeToString()


def enter_room_frame(token: str, live_stream_id: str, page_id: str, reconnects: int = 0) -> bytes:
    """Return CS_ENTER_ROOM: the token and stream id the token hook supplied."""
    body = ks.EnterRoom(
        token=token, live_stream_id=live_stream_id, page_id=page_id, reconnect_count=reconnects
    )
    return frame(CS_ENTER_ROOM, body.SerializeToString())


def heartbeat_frame(now_ms: int) -> bytes:
    return frame(CS_HEARTBEAT, ks.Heartbeat(timestamp=now_ms).SerializeToString())


def display_count(text: str) -> float | None:
    """Read a displayed count: "123", "1,234", "1.2万", "3.4w"; None when it is not one."""
    t = text.strip().replace(",", "").lower()
    scale = 1.0
    if t.endswith(("万", "w")):
        t, scale = t[:-1], 10_000.0
    elif t.endswith("亿"):
        t, scale = t[:-1], 100_000_000.0
    try:
        value = float(t) * scale
    except ValueError:
        return None
    return value if 0 <= value < 1e13 else None


class KuaishouDecoder(StreakDecoder):
    """Decode Kuaishou frames into Events of one room; every failure is counted, none raised."""

    def __init__(
        self,
        *,
        room: str,
        source: str,
        stats: SourceStats,
        gift_values: dict[int, float] | None = None,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.room, self.source, self.stats = room, source, stats
        self.gift_values = dict(gift_values or {})
        self.heartbeat_hint = 0.0
        self.combos = ComboTracker(now=now)

    def decode(self, data: bytes | str) -> Decoded:
        out = Decoded.empty()
        out.events.extend(self.combos.due())
        if isinstance(data, str):
            return self._error(out, MALFORMED)
        msg = ks.SocketMessage()
        try:
            msg.ParseFromString(data)
        except DecodeError:
            return self._error(out, MALFORMED)
        payload = msg.payload
        if msg.compression_type == COMPRESSION_GZIP:
            try:
                payload = gunzip(payload)
            except ValueError as exc:
                return self._error(out, str(exc))
        elif msg.compression_type == COMPRESSION_AES:
            return self._error(out, DECOMPRESS)  # encrypted: not readable without the key
        try:
            self._payload(msg.payload_type, payload, out)
        except DecodeError:
            self._error(out, MALFORMED)
        return out

    def _payload(self, kind: int, payload: bytes, out: Decoded) -> None:
        if kind == SC_FEED_PUSH:
            feed = ks.FeedPush()
            feed.ParseFromString(payload)
            self._feed(feed, out)
            if not out.events:
                out.controls += 1
        elif kind == SC_HEARTBEAT_ACK:
            out.controls += 1
            out.heartbeat_reply = True
        elif kind == SC_ENTER_ROOM_ACK:
            ack = ks.EnterRoomAck()
            ack.ParseFromString(payload)
            self.heartbeat_hint = ack.heartbeat_interval_ms / 1000.0
            out.controls += 1
            out.authenticated = True
        elif kind in (SC_AUTHOR_PAUSE, SC_AUTHOR_RESUME):
            status = StreamStatus.PAUSED if kind == SC_AUTHOR_PAUSE else StreamStatus.LIVE
            reason = "author paused" if kind == SC_AUTHOR_PAUSE else "author resumed"
            out.events.append(StreamEvent(**self._base(""), status=status, reason=reason))
        elif kind == SC_SUSPECTED_VIOLATION:
            out.events.append(MetricEvent(**self._base(""), name="platform_warning", value=1.0))
        elif kind == SC_ERROR:
            out.controls += 1
            out.close = Disconnect(rebootstrap=True, reason="server error (token refused?)")
        elif kind in IGNORED:
            out.controls += 1
            self.stats.ignore(IGNORED[kind])
        else:
            out.errors += 1
            self.stats.unknown(f"payload_type:{kind}")

    def _base(self, event_id: str, ts: float = 0.0) -> dict[str, Any]:
        return {
            "room": self.room,
            "ts": ts if ts > 0 else time.time(),
            "id": event_id or new_event_id(),
            "source": self.source,
        }

    def _feed(self, feed: ks.FeedPush, out: Decoded) -> None:
        for c in feed.comment_feeds:
            if c.content:
                out.events.append(
                    CommentEvent(
                        **self._base(f"ks:c:{clip_id(c.id, 100)}" if c.id else ""),
                        text=clip(c.content),
                        user=clip_id(c.user.principal_id),
                        nickname=clip_id(c.user.user_name),
                    )
                )
        for lk in feed.like_feeds:
            out.events.append(
                LikeEvent(
                    **self._base(f"ks:l:{clip_id(lk.id, 100)}" if lk.id else ""),
                    count=1,
                    user=clip_id(lk.user.principal_id),
                    nickname=clip_id(lk.user.user_name),
                )
            )
        for g in feed.gift_feeds:
            out.events.extend(self._gift(g))
        for s in feed.share_feeds:
            eid = f"ks:s:{clip_id(s.id, 100)}" if s.id else ""
            ts = s.time / 1000.0 if s.time else 0.0
            out.events.append(MetricEvent(**self._base(eid, ts), name="share", value=1.0))
        for name, text in (
            ("online_viewers", feed.display_watching_count),
            ("likes_total", feed.display_like_count),
        ):
            value = display_count(text) if text else None
            if value is not None:
                out.events.append(MetricEvent(**self._base(""), name=name, value=value))

    def _gift(self, g: ks.GiftFeed) -> list[GiftEvent]:
        # A combo repeats the feed with the same merge_key and a growing combo_count: one
        # event per combo, with its final count, once it goes quiet (monitor/collectors/combos.py).
        count = min(max(g.batch_size, 1) * max(g.combo_count, 1), 10**9)
        uid = clip_id(g.user.principal_id)
        key = f"{uid}:{g.gift_id}:{g.merge_key or g.id}"
        event = GiftEvent(
            **self._base(f"ks:g:{key}"[:128], g.time / 1000.0 if g.time else 0.0),
            gift=f"gift-{g.gift_id}",
            count=count,
            value=self.gift_values.get(g.gift_id, 0.0) * count,
            user=uid,
            nickname=clip_id(g.user.user_name),
        )
        return list(self.combos.update(key, event, finished=False))
