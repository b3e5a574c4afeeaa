"""Douyin Open Platform live-data push: the signed callback endpoint (official API).

The platform POSTs JSON arrays of comments, gifts, likes and fan-club events. We read the
body within a size limit (Content-Length, then while reading; a gzip body counts inflated)
and a time limit, verify x-signature, refuse an x-timestamp outside the window (a replayed
request), deduplicate on msg_id (delivery is at-least-once) in this process and in the
store (Redis: shared by every instance and kept across restarts), hand the events to the
pipeline and answer. On the Redis store they are in their rooms' input streams before the
answer; when Redis cannot take them the answer is 503 and the platform delivers again.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol

import orjson
from aiohttp import web

from alerts.store.base import StoreError
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
from monitor.httpbody import BODY_TIMEOUT, BodyError, read_limited
from monitor.pipeline import IntakeUnavailable

log = logging.getLogger(__name__)

FEN_PER_YUAN = 100.0
FANSCLUB_JOIN = 2
MAX_ITEMS = 1_000
MAX_BODY_BYTES = 1_048_576
TIMESTAMP_WINDOW = 300.0  # seconds either side of our clock
DEDUP_TTL = 86_400.0

Commit = Callable[[Sequence[AnyEvent]], Awaitable[int]]


class Claims(Protocol):
    """Where msg_ids are claimed so a redelivery is recognised (the AlertStore)."""

    async def claim(self, key: str, ttl: float) -> bool: ...

    async def release_claim(self, key: str) -> None: ...


def _answer(status: int, message: str, **extra: object) -> web.Response:
    return web.json_response({"err_no": status, "err_msg": message, **extra}, status=status)


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
        commit: Commit,
        stats: SourceStats,
        recorder: FrameRecorder | None = None,
        dedup_size: int = 100_000,
        claims: Claims | None = None,
        dedup_ttl: float = DEDUP_TTL,
        max_body_bytes: int = MAX_BODY_BYTES,
        timestamp_window: float = TIMESTAMP_WINDOW,
        body_timeout: float = BODY_TIMEOUT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.name, self.path, self._secret = name, path, secret
        self.room_map, self.default_room = room_map, default_room
        self._commit, self.stats, self.recorder = commit, stats, recorder
        self.recent = RecentIds(dedup_size)
        self._claims, self._dedup_ttl = claims, dedup_ttl
        self.max_body_bytes, self.timestamp_window = max_body_bytes, timestamp_window
        self._body_timeout, self._clock = body_timeout, clock
        self.rejected = 0

    def register(self, app: web.Application) -> None:
        """Mount the callback route (a Service.route_plugins entry)."""
        app.router.add_post(self.path, self.handle)
        self.stats.connected(True)

    async def handle(self, request: web.Request) -> web.Response:
        try:
            body = await read_limited(request, self.max_body_bytes, within=self._body_timeout)
        except BodyError as exc:
            self.rejected += 1
            return _answer(exc.status, f"body: {exc}")
        expected = open_signature(request.headers, body, self._secret)
        given = request.headers.get("x-signature", "")
        if not hmac.compare_digest(expected.encode(), given.encode()):
            self.rejected += 1
            return _answer(401, "x-signature: does not match")
        if (stale := self._timestamp_problem(request.headers.get("x-timestamp", ""))) is not None:
            self.rejected += 1
            return _answer(401, f"x-timestamp: {stale}")
        self.stats.frame()
        if self.recorder is not None:
            self.recorder.record(body)
            await self.recorder.maybe_flush()
        try:
            items = orjson.loads(body)
        except orjson.JSONDecodeError:
            self.stats.error(MALFORMED)
            return _answer(400, "body: not JSON")
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list):
            self.stats.error(MALFORMED)
            return _answer(400, "body: must be a JSON array")
        msg_type = request.headers.get("x-msg-type", "")
        room = self.room_map.get(request.headers.get("x-roomid", ""), self.default_room)
        if not room:
            self.stats.error(BAD_EVENT)
            log.warning(
                "%s: push for unmapped x-roomid %r", self.name, request.headers.get("x-roomid")
            )
            return web.json_response({"err_no": 0, "err_msg": "success"})
        events: list[AnyEvent] = []
        for item in items[:MAX_ITEMS]:
            event = self._event(msg_type, room, item)
            if event is None:
                continue
            if not event.id.startswith("rw-") and self.recent.seen(event.id):
                continue
            events.append(event)
        try:
            events = await self._claim_new(events)
        except StoreError as exc:  # the store is down: the platform delivers again later
            self._forget(events)
            log.warning("%s: cannot check msg_ids in the store: %s", self.name, exc)
            return _answer(503, "store unavailable; deliver again")
        try:
            accepted = await self._commit(events)
        except IntakeUnavailable as exc:
            await self._release(events[exc.written :])
            return _answer(503, f"{exc}; deliver again")
        await self._release(events[accepted:])
        for event in events[:accepted]:
            self.stats.delivered(event)
        if accepted < len(events):
            # The rest were refused (backpressure): the platform delivers the request again,
            # and the msg_ids taken now are dropped as duplicates then.
            return _answer(503, "busy; deliver again", accepted=accepted)
        return web.json_response({"err_no": 0, "err_msg": "success", "accepted": accepted})

    def _timestamp_problem(self, header: str) -> str | None:
        """Say why an x-timestamp (ms, or s) is not acceptable, if it is not."""
        try:
            value = float(header)
        except ValueError:
            return "missing or not a number"
        if not math.isfinite(value) or value <= 0:
            return "not a valid time"
        seconds = value / 1000.0 if value > 1e11 else value
        skew = seconds - self._clock()
        if abs(skew) > self.timestamp_window:
            return f"{skew:+.0f} s from our clock (allowed ±{self.timestamp_window:g} s)"
        return None

    def _key(self, event: AnyEvent) -> str:
        return f"msg:{self.name}:{event.id}"

    async def _claim_new(self, events: list[AnyEvent]) -> list[AnyEvent]:
        """Keep the events whose msg_id no instance has taken yet (claims them)."""
        if self._claims is None:
            return events
        keyed = [e for e in events if not e.id.startswith("rw-")]
        ttl = self._dedup_ttl
        won = await asyncio.gather(
            *(self._claims.claim(self._key(e), ttl) for e in keyed), return_exceptions=True
        )
        if failed := [r for r in won if isinstance(r, BaseException)]:
            # Give back the claims that were made: the redelivery must find them free.
            await self._release([e for e, r in zip(keyed, won, strict=True) if r is True])
            raise failed[0]
        taken = {e.id for e, ok in zip(keyed, won, strict=True) if not ok}
        return [e for e in events if e.id not in taken]

    async def _release(self, events: Sequence[AnyEvent]) -> None:
        """Undo the claims of events that were not taken, so a redelivery is processed."""
        self._forget(events)
        if self._claims is None:
            return
        keyed = [e for e in events if not e.id.startswith("rw-")]
        try:
            await asyncio.gather(*(self._claims.release_claim(self._key(e)) for e in keyed))
        except StoreError as exc:
            log.warning("%s: could not release %d msg_id claims: %s", self.name, len(keyed), exc)

    def _forget(self, events: Sequence[AnyEvent]) -> None:
        for event in events:
            self.recent.forget(event.id)

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
