"""Broadcasts and reviews in the AlertStore (memory or Redis), through its keyed items.

broadcasts_live            room -> the live broadcast's checkpoint (resumed on restart)
review_index:{room}        review id -> its short form (per-room lists, the month's pick)
review:{id}                "body" -> the whole review
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from alerts.store.base import AlertStore
from monitor.supervision.broadcasts import Broadcast
from monitor.supervision.review import index_entry

LIVE = "broadcasts_live"
BODY = "body"


def _index(room: str) -> str:
    return f"review_index:{room}"


def _review(review_id: str) -> str:
    return f"review:{review_id}"


class Reviews:
    """Keep live broadcasts' checkpoints and finished reviews in the store."""

    def __init__(self, store: AlertStore) -> None:
        self._store = store

    async def save_live(self, broadcast: Broadcast) -> None:
        await self._store.put_item(LIVE, broadcast.room, broadcast.to_dict())

    async def drop_live(self, room: str) -> None:
        await self._store.delete_item(LIVE, room)

    async def live(self) -> dict[str, Broadcast]:
        """Return the checkpointed live broadcasts by room (unreadable ones left out)."""
        out: dict[str, Broadcast] = {}
        for room, raw in (await self._store.get_items(LIVE)).items():
            try:
                out[room] = Broadcast.from_dict(raw)
            except (KeyError, TypeError, ValueError):
                continue
        return out

    async def save(self, review: dict[str, Any]) -> None:
        """Store a review and its entry in the room's list (replacing an older build)."""
        await self._store.put_item(_review(review["id"]), BODY, review)
        await self._store.put_item(_index(review["room"]), review["id"], index_entry(review))

    async def get(self, review_id: str) -> dict[str, Any] | None:
        return (await self._store.get_items(_review(review_id))).get(BODY)

    async def of_room(self, room: str) -> list[dict[str, Any]]:
        """Return a room's reviews in short form, newest first."""
        entries = list((await self._store.get_items(_index(room))).values())
        return sorted(entries, key=lambda e: (-float(e["ended_at"]), str(e["id"])))

    async def between(
        self, rooms: Iterable[str], since: float, until: float
    ) -> list[dict[str, Any]]:
        """Return the whole reviews of broadcasts that ended in [since, until)."""
        out: list[dict[str, Any]] = []
        for room in rooms:
            for entry in await self.of_room(room):
                if since <= float(entry["ended_at"]) < until:
                    review = await self.get(str(entry["id"]))
                    if review is not None:
                        out.append(review)
        return sorted(out, key=lambda r: (r["broadcast"]["ended_at"], r["id"]))
