"""Where every Redis key of roomwatch lives: one hash tag per room, a few shared slots.

Redis Cluster spreads keys over 16,384 slots by the CRC16 of the key, or of the part between
the first `{` and the next `}` (the hash tag) when there is one, and a command or Lua script
may only touch keys of one slot. So:

  {prefix}:{<room>}:<part>     a room's keys, all on its room's slot: input stream (`in`),
                               lease, handed-over windows, alert indexes (`all`, `open`,
                               `fp:open`, `fp:latest`), alert versions, feed log (`feed`),
                               and each of its alerts (`alert:<id>`, `alert:<id>:comments`)
  {prefix}:{alerts}:<part>     the cross-room alert index: id -> room (`ids`), every alert
                               (`ix:all`) and the open ones (`ix:open`) by start time, and the
                               version each entry was written for (`ix:ver`)
  {prefix}:{feed}:seq|log      the feed's sequence counter and its global log
  {prefix}:{cluster}:members   the instances' heartbeats
  {prefix}:{coord}:claim:<k>   exactly-once claims and keyed items (`item:<kind>`): claimed
  {prefix}:{coord}:item:<kind> together with items in one script, so on one slot
  {prefix}:rec:<kind>          bounded record lists (one key each, any slot)

Room ids are `[A-Za-z0-9_.:-]` (no braces), so the tag is the whole room id. The shared
slots' parts (`ids`, `ix:*`, `seq`, `log`, `members`) are never a room key's part, so a room
named `alerts`, `feed` or `cluster` cannot collide with them. The layout is the same on one
Redis, with Sentinel and on a cluster; `roomwatch migrate-keys` moves an older deployment's
keys to it (alerts/store/migrate.py).
"""

from __future__ import annotations


class KeyLayout:
    """Build the key names of one deployment (its key prefix)."""

    def __init__(self, prefix: str) -> None:
        if "{" in prefix or "}" in prefix:
            raise ValueError("the key prefix must not contain braces (they are hash tags)")
        self.prefix = prefix

    def room(self, room: str, *parts: str) -> str:
        """Return a key of one room, on the room's slot."""
        return ":".join((f"{self.prefix}:{{{room}}}", *parts))

    def room_prefix(self, room: str) -> str:
        """Return what every key of the room starts with (before `:<part>`)."""
        return f"{self.prefix}:{{{room}}}"

    def shared(self, tag: str, *parts: str) -> str:
        """Return a key of one of the shared slots (`alerts`, `feed`, `cluster`, `coord`)."""
        return ":".join((f"{self.prefix}:{{{tag}}}", *parts))

    def stream(self, room: str) -> str:
        return self.room(room, "in")

    def lease(self, room: str) -> str:
        return self.room(room, "lease")

    def windows(self, room: str) -> str:
        return self.room(room, "windows")

    def members(self) -> str:
        return self.shared("cluster", "members")

    def room_of(self, key: str) -> str | None:
        """Return the room a room key belongs to (None for any other key)."""
        head = f"{self.prefix}:{{"
        if not key.startswith(head):
            return None
        room, sep, _ = key[len(head) :].partition("}")
        if not sep or (room in _SHARED_TAGS and _shared_part(key, room)):
            return None
        return room


_SHARED_TAGS = frozenset({"alerts", "feed", "cluster", "coord"})
_SHARED_PARTS = ("ids", "ix:", "seq", "log", "members", "claim:", "item:")


def _shared_part(key: str, tag: str) -> bool:
    rest = key.split("}", 1)[1].lstrip(":")
    return rest.startswith(_SHARED_PARTS)
