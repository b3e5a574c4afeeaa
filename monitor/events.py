"""Events: the only shape that leaves a collector, and their parsing at the edge.

The JSON event schema is documented in docs/events.md. Parsing is strict: unknown
fields, wrong types and out-of-range values are rejected with the field and the reason.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

import orjson

MAX_TEXT_LEN = 2_000
MAX_ID_LEN = 128
ROOM_RE = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")

_ids = itertools.count(1)
_ID_PREFIX = f"{os.getpid():x}-{int(time.time() * 1000):x}"


def new_event_id() -> str:
    """Return a process-unique event id for events that arrive without one."""
    return f"rw-{_ID_PREFIX}-{next(_ids)}"


class EventKind(StrEnum):
    COMMENT = "comment"
    METRIC = "metric"
    GIFT = "gift"
    LIKE = "like"
    FOLLOW = "follow"
    MEMBER = "member"
    STREAM = "stream"
    SPEECH = "speech"


class StreamStatus(StrEnum):
    LIVE = "live"
    PAUSED = "paused"
    ENDED = "ended"  # the host ended the broadcast
    CUT = "cut"  # the platform cut the stream (a violation, a suspension)


class EventError(ValueError):
    """An event failed validation; `field` names the offending field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "reason": self.reason}


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Common fields of every room event."""

    kind: ClassVar[EventKind]
    room: str
    ts: float
    id: str
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CommentEvent(Event):
    """A viewer's live comment (danmaku)."""

    kind: ClassVar[EventKind] = EventKind.COMMENT
    text: str
    user: str = ""
    nickname: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricEvent(Event):
    """A named gauge reading: online_viewers, likes_total, comment_rate, gmv, ..."""

    kind: ClassVar[EventKind] = EventKind.METRIC
    name: str
    value: float


@dataclass(frozen=True, slots=True, kw_only=True)
class GiftEvent(Event):
    kind: ClassVar[EventKind] = EventKind.GIFT
    gift: str
    count: int = 1
    value: float = 0.0  # in yuan
    user: str = ""
    nickname: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class LikeEvent(Event):
    kind: ClassVar[EventKind] = EventKind.LIKE
    count: int = 1
    total: int | None = None
    user: str = ""
    nickname: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowEvent(Event):
    kind: ClassVar[EventKind] = EventKind.FOLLOW
    user: str = ""
    nickname: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberEvent(Event):
    """A viewer entered the room."""

    kind: ClassVar[EventKind] = EventKind.MEMBER
    user: str = ""
    nickname: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamEvent(Event):
    kind: ClassVar[EventKind] = EventKind.STREAM
    status: StreamStatus
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SpeechEvent(Event):
    """An ASR transcript of what the host said."""

    kind: ClassVar[EventKind] = EventKind.SPEECH
    text: str


AnyEvent = (
    CommentEvent
    | MetricEvent
    | GiftEvent
    | LikeEvent
    | FollowEvent
    | MemberEvent
    | StreamEvent
    | SpeechEvent
)

_COMMON = {"kind", "room", "ts", "id", "source"}
_USER = {"user", "nickname"}
_FIELDS: dict[EventKind, set[str]] = {
    EventKind.COMMENT: _COMMON | _USER | {"text"},
    EventKind.METRIC: _COMMON | {"name", "value"},
    EventKind.GIFT: _COMMON | _USER | {"gift", "count", "value"},
    EventKind.LIKE: _COMMON | _USER | {"count", "total"},
    EventKind.FOLLOW: _COMMON | _USER,
    EventKind.MEMBER: _COMMON | _USER,
    EventKind.STREAM: _COMMON | {"status", "reason"},
    EventKind.SPEECH: _COMMON | {"text"},
}


_KINDS = {k.value: k for k in EventKind}

_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", float: "number"}


def json_type(value: object) -> str:
    """Name a decoded value's JSON type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, int) and not isinstance(value, bool):
        return "integer"
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _str(obj: dict[str, Any], key: str, *, required: bool, max_len: int = MAX_ID_LEN) -> str:
    value = obj.get(key)
    if value is None:
        if required:
            raise EventError(key, "is required")
        return ""
    if isinstance(value, int) and not isinstance(value, bool) and key in {"user", "id"}:
        if abs(value) >= 10**19:
            raise EventError(key, "is out of range")
        value = str(value)
    if not isinstance(value, str):
        raise EventError(key, f"must be a string, got {json_type(value)}")
    if len(value) > max_len:
        raise EventError(key, f"is longer than {max_len} characters")
    return value


def _number(obj: dict[str, Any], key: str, *, required: bool, default: float = 0.0) -> float:
    value = obj.get(key)
    if value is None:
        if required:
            raise EventError(key, "is required")
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EventError(key, f"must be a number, got {json_type(value)}")
    try:
        f = float(value)
    except OverflowError:  # an integer too large for a float
        raise EventError(key, "is out of range") from None
    if not math.isfinite(f):
        raise EventError(key, "must be finite")
    return f


def _count(obj: dict[str, Any], key: str, default: int) -> int:
    value = obj.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise EventError(key, f"must be an integer, got {json_type(value)}")
    if value < 0 or value > 10**12:
        raise EventError(key, "must be between 0 and 10^12")
    return value


def _user(obj: dict[str, Any]) -> tuple[str, str]:
    user = obj.get("user")
    if isinstance(user, dict):
        extra = set(user) - {"id", "name"}
        if extra:
            raise EventError(f"user.{sorted(extra)[0]}", "unknown field")
        uid = _str(user, "id", required=False)
        name = _str(user, "name", required=False)
        return uid, name
    return _str(obj, "user", required=False), _str(obj, "nickname", required=False)


def parse_event(
    obj: object, *, source: str = "", now: float | None = None, rooms: frozenset[str] | None = None
) -> AnyEvent:
    """Validate one decoded JSON object and return its typed Event.

    Raises EventError naming the field and the reason. `rooms`, when given, is the set
    of configured rooms; an event for any other room is rejected.
    """
    if not isinstance(obj, dict):
        raise EventError("$", f"an event must be a JSON object, got {json_type(obj)}")
    kind_raw = obj.get("kind")
    if kind_raw is None:
        raise EventError("kind", "is required")
    try:
        kind = _KINDS[kind_raw]
    except (KeyError, TypeError):
        allowed = ", ".join(k.value for k in EventKind)
        raise EventError("kind", f"must be one of {allowed}") from None
    fields = _FIELDS[kind]
    if not obj.keys() <= fields:
        unknown = set(obj) - fields
        raise EventError(sorted(unknown)[0], f"unknown field for a {kind.value} event")
    # Each field: a plain check for the usual value, the full helper for anything else
    # (the helpers convert ids given as numbers and word the errors).
    room = obj.get("room")
    if type(room) is not str or len(room) > 64:
        room = _str(obj, "room", required=True, max_len=64)
    if not ROOM_RE.match(room):
        raise EventError("room", "must be 1-64 characters of letters, digits, _ . : -")
    if rooms is not None and room not in rooms:
        raise EventError("room", f"unknown room {room!r}")
    ts = obj.get("ts")
    if type(ts) is not float or not math.isfinite(ts):
        ts = _number(obj, "ts", required=False, default=now if now is not None else time.time())
    if ts > 1e11:  # milliseconds
        ts = ts / 1000.0
    if ts <= 0:
        raise EventError("ts", "must be a positive UNIX time in seconds or milliseconds")
    event_id = obj.get("id")
    if type(event_id) is not str or len(event_id) > MAX_ID_LEN:
        event_id = _str(obj, "id", required=False)
    event_id = event_id or new_event_id()
    src = obj.get("source")
    if type(src) is not str or len(src) > MAX_ID_LEN:
        src = _str(obj, "source", required=False)
    src = src or source

    if kind is EventKind.COMMENT:
        text = obj.get("text")
        if type(text) is not str or len(text) > MAX_TEXT_LEN:
            text = _str(obj, "text", required=True, max_len=MAX_TEXT_LEN)
        user = obj.get("user")
        nickname = obj.get("nickname")
        if (type(user) is str or user is None) and (type(nickname) is str or nickname is None):
            uid = "" if user is None else user
            name = "" if nickname is None else nickname
            if len(uid) > MAX_ID_LEN or len(name) > MAX_ID_LEN:
                uid, name = _user(obj)
        else:
            uid, name = _user(obj)
        return CommentEvent(
            room=room, ts=ts, id=event_id, source=src, text=text, user=uid, nickname=name
        )
    common: dict[str, Any] = {"room": room, "ts": ts, "id": event_id, "source": src}
    if kind is EventKind.SPEECH:
        return SpeechEvent(**common, text=_str(obj, "text", required=True, max_len=MAX_TEXT_LEN))
    if kind is EventKind.METRIC:
        name = _str(obj, "name", required=True, max_len=64)
        if not NAME_RE.match(name):
            raise EventError("name", "must match [A-Za-z_][A-Za-z0-9_]*")
        return MetricEvent(**common, name=name, value=_number(obj, "value", required=True))
    if kind is EventKind.GIFT:
        uid, nick = _user(obj)
        return GiftEvent(
            **common,
            gift=_str(obj, "gift", required=True),
            count=_count(obj, "count", 1),
            value=_number(obj, "value", required=False),
            user=uid,
            nickname=nick,
        )
    if kind is EventKind.LIKE:
        uid, nick = _user(obj)
        total = obj.get("total")
        return LikeEvent(
            **common,
            count=_count(obj, "count", 1),
            total=None if total is None else _count(obj, "total", 0),
            user=uid,
            nickname=nick,
        )
    if kind is EventKind.FOLLOW:
        uid, nick = _user(obj)
        return FollowEvent(**common, user=uid, nickname=nick)
    if kind is EventKind.MEMBER:
        uid, nick = _user(obj)
        return MemberEvent(**common, user=uid, nickname=nick)
    status_raw = obj.get("status")
    try:
        if not isinstance(status_raw, str):
            raise TypeError(status_raw)
        status = StreamStatus(status_raw)
    except (ValueError, TypeError):
        raise EventError("status", "must be one of live, paused, ended, cut") from None
    return StreamEvent(**common, status=status, reason=_str(obj, "reason", required=False))


# String fields parse_event requires (present, though they may be empty).
_REQUIRED_TEXT = frozenset({"room", "text", "name", "gift"})


def event_to_dict(event: AnyEvent) -> dict[str, Any]:
    """Return the documented JSON form of an event (parse_event's inverse)."""
    out: dict[str, Any] = {"kind": event.kind.value}
    for name in event.__slots__:
        out[name] = getattr(event, name)
    for cls in type(event).__mro__[1:]:
        for name in getattr(cls, "__slots__", ()):
            out.setdefault(name, getattr(event, name))
    # Empty optional fields are left out; a required one stays, empty as it was accepted
    # (a gift without a name, a comment without text), or the form would not parse back.
    return {
        k: (v.value if isinstance(v, StrEnum) else v)
        for k, v in out.items()
        if v is not None and (v != "" or k in _REQUIRED_TEXT)
    }


def event_to_json(event: AnyEvent) -> bytes:
    return orjson.dumps(event_to_dict(event))
