"""A generic JSON WebSocket source: in-house streams and other platforms via a field mapping."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson

from monitor.collectors.common import BAD_EVENT, MALFORMED, Decoded, SourceStats
from monitor.collectors.wsbase import Target, WsCollector
from monitor.events import EventError, EventKind, parse_event

MAX_BATCH = 10_000
EVENT_FIELDS = (
    *("id", "ts", "text", "user", "nickname", "name"),
    *("value", "count", "total", "gift", "status", "reason"),
)


def lookup(obj: Any, path: str) -> Any:
    """Return obj at a dotted path ("data.user.id", "items.0"), or None."""
    for part in path.split(".") if path else ():
        if isinstance(obj, dict):
            obj = obj.get(part)
        elif isinstance(obj, list) and part.isdigit() and int(part) < len(obj):
            obj = obj[int(part)]
        else:
            return None
    return obj


@dataclass(frozen=True, slots=True)
class FieldMapping:
    """Where each event field lives in a platform message."""

    kind_field: str = "kind"
    kinds: dict[str, str] = field(default_factory=dict)  # platform type -> event kind
    ignore: frozenset[str] = frozenset()  # platform types that are not events (pong, ack)
    room_field: str = "room"
    room: str = ""  # fixed room for single-room streams
    room_map: dict[str, str] = field(default_factory=dict)  # platform room -> our room
    items_field: str = ""  # where a batch of messages sits ("" = the frame itself)
    fields: dict[str, str] = field(default_factory=dict)  # event field -> dotted path
    defaults: dict[str, Any] = field(default_factory=dict)  # per-kind constants, e.g. metric name


class GenericJsonDecoder:
    """Map JSON frames to Events through a FieldMapping; strict validation at the edge."""

    def __init__(
        self,
        mapping: FieldMapping,
        *,
        source: str,
        stats: SourceStats,
        rooms: frozenset[str] | None,
    ) -> None:
        self.m, self.source, self.stats, self.rooms = mapping, source, stats, rooms

    def decode(self, data: bytes | str) -> Decoded:
        out = Decoded.empty()
        try:
            frame = orjson.loads(data)
        except orjson.JSONDecodeError:
            out.errors += 1
            self.stats.error(MALFORMED)
            return out
        items = lookup(frame, self.m.items_field) if self.m.items_field else frame
        if not isinstance(items, list):
            items = [items]
        for item in items[:MAX_BATCH]:
            self._item(item, out)
        return out

    def _item(self, item: Any, out: Decoded) -> None:
        if not isinstance(item, dict):
            out.errors += 1
            self.stats.error(MALFORMED)
            return
        ptype = lookup(item, self.m.kind_field)
        ptype = ptype if isinstance(ptype, str) else str(ptype)
        if ptype in self.m.ignore:
            out.controls += 1
            return
        kind = self.m.kinds.get(ptype, ptype)
        if kind not in EventKind.__members__.values():
            out.errors += 1
            self.stats.unknown(ptype)
            return
        obj: dict[str, Any] = {"kind": kind}
        room = self.m.room or lookup(item, self.m.room_field)
        obj["room"] = self.m.room_map.get(str(room), room) if room is not None else None
        for name in EVENT_FIELDS:
            path = self.m.fields.get(name, name)
            value = lookup(item, path)
            if value is not None:
                obj[name] = value
        for key, value in self.m.defaults.get(kind, {}).items():
            obj.setdefault(key, value)
        try:
            event = parse_event(_only_known(obj), source=self.source, rooms=self.rooms)
        except EventError:
            out.errors += 1
            self.stats.error(BAD_EVENT)
            return
        out.events.append(event)


_KIND_FIELDS = {
    "comment": {"text", "user", "nickname"},
    "speech": {"text"},
    "metric": {"name", "value"},
    "gift": {"gift", "count", "value", "user", "nickname"},
    "like": {"count", "total", "user", "nickname"},
    "follow": {"user", "nickname"},
    "member": {"user", "nickname"},
    "stream": {"status", "reason"},
}


def _only_known(obj: dict[str, Any]) -> dict[str, Any]:
    """Keep the fields the event kind takes (a mapping may find more than one kind uses)."""
    keep = {"kind", "room", "ts", "id", "source"} | _KIND_FIELDS[obj["kind"]]
    out = {k: v for k, v in obj.items() if k in keep}
    if isinstance(out.get("id"), int):
        out["id"] = str(out["id"])
    if isinstance(out.get("user"), int | float):
        out["user"] = str(out["user"])
    return out


class GenericWsCollector(WsCollector):
    """A JSON WebSocket stream, optionally subscribed to with a first message."""

    def __init__(
        self,
        *,
        url: str,
        headers: dict[str, str] | None = None,
        subscribe: str = "",
        heartbeat: str = "",
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.url, self.headers = url, dict(headers or {})
        self.subscribe, self.heartbeat = subscribe, heartbeat

    def heartbeat_frame(self) -> str | None:
        return self.heartbeat or None

    async def bootstrap(self, http: aiohttp.ClientSession) -> Target:
        return Target(self.url, self.headers, self.subscribe or None)
