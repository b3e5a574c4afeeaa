"""Silences: a maintenance window or a room muted by a supervisor, with expiry and creator."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from typing import Any

from alerts.store.base import AlertStore

SILENCES = "silences"


@dataclass(frozen=True, slots=True)
class Silence:
    """Mute new alerts (and escalation of open ones) matching room and plan in a time range."""

    id: str
    room: str  # "" = every room
    plan_id: str  # "" = every plan
    starts_at: float
    ends_at: float
    created_by: str
    comment: str
    created_at: float
    expired_by: str = ""

    def active(self, now: float) -> bool:
        return self.starts_at <= now < self.ends_at

    def matches(self, room: str, plan_id: str) -> bool:
        return (not self.room or self.room == room) and (
            not self.plan_id or self.plan_id == plan_id
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Silence:
        return cls(
            id=str(d["id"]),
            room=str(d.get("room", "")),
            plan_id=str(d.get("plan_id", "")),
            starts_at=float(d["starts_at"]),
            ends_at=float(d["ends_at"]),
            created_by=str(d.get("created_by", "")),
            comment=str(d.get("comment", "")),
            created_at=float(d.get("created_at", d["starts_at"])),
            expired_by=str(d.get("expired_by", "")),
        )


class SilenceBook:
    """Create, expire and match silences kept in the store (shared by every instance)."""

    def __init__(self, store: AlertStore) -> None:
        self._store = store

    async def add(
        self,
        *,
        now: float,
        room: str,
        plan_id: str,
        starts_at: float | None,
        ends_at: float,
        created_by: str,
        comment: str,
    ) -> Silence:
        start = now if starts_at is None else starts_at
        if not created_by:
            raise ValueError("created_by: is required")
        if ends_at <= start:
            raise ValueError("ends_at: must be after starts_at")
        silence = Silence(
            uuid.uuid4().hex[:12], room, plan_id, start, ends_at, created_by, comment, now
        )
        await self._store.put_item(SILENCES, silence.id, silence.to_dict())
        return silence

    async def expire(self, silence_id: str, *, now: float, actor: str) -> Silence | None:
        """End a silence now (kept for the record); None when unknown."""
        items = await self._store.get_items(SILENCES)
        if silence_id not in items:
            return None
        s = Silence.from_dict(items[silence_id])
        if s.ends_at > now:
            s = Silence(
                s.id,
                s.room,
                s.plan_id,
                min(s.starts_at, now),
                now,
                s.created_by,
                s.comment,
                s.created_at,
                actor,
            )
            await self._store.put_item(SILENCES, s.id, s.to_dict())
        return s

    async def get(self, silence_id: str) -> Silence | None:
        item = (await self._store.get_items(SILENCES)).get(silence_id)
        return None if item is None else Silence.from_dict(item)

    async def all(self) -> list[Silence]:
        items = await self._store.get_items(SILENCES)
        return sorted((Silence.from_dict(v) for v in items.values()), key=lambda s: s.created_at)

    async def matching(self, room: str, plan_id: str, now: float) -> Silence | None:
        """Return an active silence covering this room and plan, if any."""
        for s in await self.all():
            if s.active(now) and s.matches(room, plan_id):
                return s
        return None
