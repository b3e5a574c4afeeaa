"""ByteDance webcast push frames (Douyin and TikTok LIVE share them).

PushFrame -> (gzip when the compress_type header says so) -> Response -> Message{method,
payload}. A subclass maps methods to Events; methods it lists as ignored are counted apart
from errors; anything else is an unknown type.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from typing import Any

from google.protobuf.message import DecodeError
from google.protobuf.message import Message as PbMessage

from monitor.collectors.combos import ComboTracker, StreakDecoder
from monitor.collectors.common import (
    DECOMPRESS,
    MALFORMED,
    TRUNCATED,
    Decoded,
    Disconnect,
    SourceStats,
    clip_id,
)
from monitor.collectors.proto import webcast_pb2 as pb
from monitor.events import AnyEvent, new_event_id

MAX_INFLATED = 16 * 1024 * 1024
Handler = tuple[type[PbMessage], Callable[[Any, str], list[AnyEvent]]]


def ack_frame(log_id: int, internal_ext: str) -> bytes:
    """Return the ack a need_ack Response asks for (it echoes log_id, never seq_id)."""
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


def user_of(u: Any) -> tuple[str, str]:
    """Return (user id, nickname) of a webcast User (id_str preferred: ids exceed 2**53)."""
    uid = getattr(u, "id_str", "") or (str(u.id) if u.id else "")
    return clip_id(uid), clip_id(u.nickname)


def ts_of(create_time: int, fallback_s: int = 0) -> float:
    """Read a create_time in ms or s; fall back to the given seconds, then to now."""
    if create_time:
        t = float(create_time)
        return t / 1000.0 if t > 1e11 else t
    return float(fallback_s) if fallback_s > 0 else time.time()


class WebcastDecoder(StreakDecoder):
    """Decode push frames into Events of one room; every failure is counted, none raised."""

    prefix = "wc"
    ignored: frozenset[str] = frozenset()
    control_frames: frozenset[str] = frozenset({"hb", "ack"})  # understood, carry no events

    def __init__(
        self,
        *,
        room: str,
        source: str,
        stats: SourceStats,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.room, self.source, self.stats = room, source, stats
        self.cursor = ""
        self.internal_ext = ""
        self.heartbeat_hint = 0
        self.combos = ComboTracker(now=now)
        self._handlers = self.handlers()

    def handlers(self) -> dict[str, Handler]:
        """Return method -> (protobuf class, mapper)."""
        return {}

    def decode(self, data: bytes | str) -> Decoded:
        out = Decoded.empty()
        out.events.extend(self.combos.due())
        if isinstance(data, str):
            return self._error(out, MALFORMED)
        frame = pb.PushFrame()
        try:
            frame.ParseFromString(data)
        except DecodeError:
            return self._error(out, MALFORMED)
        if frame.payload_type in self.control_frames:
            out.controls += 1
            return out
        if frame.payload_type == "close":
            # The server asks us to go: close, then reconnect under the usual policy.
            out.controls += 1
            out.close = Disconnect(reason="server sent close")
            return out
        if frame.payload_type != "msg":
            self.stats.unknown(f"frame:{frame.payload_type or '<empty>'}")
            out.errors += 1
            return out
        return self._response(frame, out)

    def _response(self, frame: pb.PushFrame, out: Decoded) -> Decoded:
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
        method = message.method
        entry = self._handlers.get(method)
        if entry is None:
            if method in self.ignored:
                out.controls += 1
                self.stats.ignore(method)
            else:
                out.errors += 1
                self.stats.unknown(method or "<empty>")
            return
        cls, handler = entry
        body = cls()
        try:
            body.ParseFromString(message.payload)
        except DecodeError:
            self._error(out, MALFORMED)
            return
        msg_id = message.msg_id or getattr(getattr(body, "common", None), "msg_id", 0)
        events = handler(body, f"{self.prefix}:{msg_id}" if msg_id else new_event_id())
        if events:
            out.events.extend(events)
        else:
            out.controls += 1

    def base(self, event_id: str, ts: float) -> dict[str, Any]:
        return {"room": self.room, "ts": ts, "id": event_id, "source": self.source}
