"""Douyin Open Platform live-data push: the signed callback endpoint (official API).

The platform POSTs JSON arrays of comments, gifts, likes and fan-club events. We verify
x-signature, deduplicate on msg_id (delivery is at-least-once), hand events to the
pipeline without waiting (the platform allows 2 s), and answer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import orjson
from aiohttp import web

from monitor.collectors.common import BAD_EVENT, MALFORMED, RecentIds, SourceStats, clip, clip_id
from monitor.collectors.record import FrameRecorder
from monitor.events import (
    AnyEvent,
    CommentEvent,
    FollowEvent,
    GiftEvent,
    LikeEvent,
    new_event_id,
)

log = logging.getLogger(__name__)

FEN_PER_YUAN = 100.0
FANSCLUB_JOIN = 2
MAX_ITEMS = 1_000


# The headers the platform signs, as documented; anything else (a reverse proxy's
# X-Forwarded-For, X-Real-IP, X-Request-Id) is not part of the signature.
SIGNED_HEADERS = ("x-msg-type", "x-nonce-str", "x-roomid", "x-timestamp")


def open_signature(headers: Mapping[str, str], body: bytes, secret: str) -> str:
    """Return a callback's x-signature: documented headers sorted, body, secret; MD5; base64."""
    lowered = {k.lower(): v for k, v in headers.items()}
    items = [(k, lowered[k]) for k in SIGNED_HEADERS if k in lowered]
    text = "&".join(f"{k}={v}" for k, v in items).encode() + body + secret.encode()
    return base64.b64encode(hashlib.md5(text).digest()).decode()


def _ts(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return value / 1000.0 if value > 1e11 else float(value)
    return time.time()


def _int(value: Any, default: int = 1) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return min(max(value, 0), 10**9)
    return default


class DouyinOpenEndpoint:
    """The POST endpoint one Douyin Open Platform app pushes a room's live data to."""

    def __init__(
        self,
        *,
        name: str,
        path: str,
        secret: str,
        room_map: dict[str, str],
        default_room: str,
        offer: Callable[[AnyEvent], bool],
        stats: SourceStats,
        recorder: FrameRecorder | None = None,
        dedup_size: int = 100_000,
    ) -> None:
        self.name, self.path, self._secret = name, path, secret
        self.room_map, self.default_room = room_map, default_room
        self._offer, self.stats, self.recorder = offer, stats, recorder
        self.recent = RecentIds(dedup_size)
        self.rejected = 0

    def register(self, app: web.Application) -> None:
        """Mount the callback route (a Service.route_plugins entry)."""
        app.router.add_post(self.path, self.handle)
        self.stats.connected(True)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        expected = open_signature(request.headers, body, self._secret)
        given = request.headers.get("x-signature", "")
        if not hmac.compare_digest(expected.encode(), given.encode()):
            self.rejected += 1
            return web.json_response(
                {"err_no": 401, "err_msg": "x-signature: does not match"}, status=401
            )
        self.stats.frame()
        if self.recorder is not None:
            self.recorder.record(body)
            await self.recorder.maybe_flush()
        try:
            items = orjson.loads(body)
        except orjson.JSONDecodeError:
            self.stats.error(MALFORMED)
            return web.json_response({"err_no": 400, "err_msg": "body: not JSON"}, status=400)
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list):
            self.stats.error(MALFORMED)
            return web.json_response(
                {"err_no": 400, "err_msg": "body: must be a JSON array"}, status=400
            )
        msg_type = request.headers.get("x-msg-type", "")
        room = self.room_map.get(request.headers.get("x-roomid", ""), self.default_room)
        if not room:
            self.stats.error(BAD_EVENT)
            log.warning(
                "%s: push for unmapped x-roomid %r", self.name, request.headers.get("x-roomid")
            )
            return web.json_response({"err_no": 0, "err_msg": "success"})
        accepted = 0
        for item in items[:MAX_ITEMS]:
            event = self._event(msg_type, room, item)
            if event is None:
                continue
            if not event.id.startswith("rw-") and self.recent.seen(event.id):
                continue
            self.stats.delivered(event)
            accepted += self._offer(event)
        return web.json_response({"err_no": 0, "err_msg": "success", "accepted": accepted})

    def _event(self, msg_type: str, room: str, item: Any) -> AnyEvent | None:
        if not isinstance(item, dict):
            self.stats.error(MALFORMED)
            return None
        msg_id = clip_id(item.get("msg_id"), 100)
        common: dict[str, Any] = {
            "room": room,
            "ts": _ts(item.get("timestamp")),
            "id": f"dyo:{msg_id}" if msg_id else new_event_id(),
            "source": self.name,
        }
        user, nick = clip_id(item.get("sec_openid")), clip_id(item.get("nickname"))
        if msg_type == "live_comment":
            text = item.get("content")
            if not isinstance(text, str) or not text:
                self.stats.error(BAD_EVENT)
                return None
            return CommentEvent(**common, text=clip(text), user=user, nickname=nick)
        if msg_type == "live_gift":
            if item.get("test") is True:
                return None  # the platform's self-test data: never alert on it
            value = item.get("gift_value")
            fen = (
                float(value)
                if isinstance(value, int | float) and not isinstance(value, bool)
                else 0.0
            )
            return GiftEvent(
                **common,
                gift=clip_id(item.get("sec_gift_id")) or "gift",
                count=_int(item.get("gift_num")),
                value=max(fen, 0.0) / FEN_PER_YUAN,
                user=user or clip_id(item.get("audience_sec_open_id")),
                nickname=nick,
            )
        if msg_type == "live_like":
            return LikeEvent(**common, count=_int(item.get("like_num")), user=user, nickname=nick)
        if msg_type == "live_fansclub":
            if item.get("fansclub_reason_type") != FANSCLUB_JOIN:
                return None
            return FollowEvent(**common, user=user, nickname=nick)
        self.stats.unknown(msg_type or "<empty>")
        return None
