"""The audit log: one record per action anybody (or the system) takes, kept in the store."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from alerts.clock import Clock
from alerts.store.base import AlertStore

AUDIT_KIND = "audit"
AUDIT_MAX = 200_000


class AuditLog:
    """Append and read audit records: who did what, to which room and target, and the outcome."""

    def __init__(self, store: AlertStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def record(
        self,
        actor: str,
        action: str,
        *,
        room: str = "",
        target: str = "",
        ok: bool = True,
        detail: str = "",
        via: str = "",
    ) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "ts": self._clock.now(),
            "actor": actor,
            "action": action,
            "room": room,
            "target": target,
            "ok": ok,
            "detail": detail[:500],
            "via": via,
        }
        await self._store.append_record(AUDIT_KIND, entry, max_len=AUDIT_MAX)
        return entry

    async def read(
        self,
        *,
        limit: int = 500,
        rooms: Collection[str] | None = None,
        actors: Collection[str] | None = None,
        action: str = "",
    ) -> list[dict[str, Any]]:
        """Return the newest records first; rooms/actors widen what a supervisor may see."""
        records = await self._store.read_records(AUDIT_KIND, limit=AUDIT_MAX)
        out: list[dict[str, Any]] = []
        for rec in reversed(records):
            if action and rec.get("action") != action:
                continue
            if rooms is not None and not (
                rec.get("room") in rooms or (actors is not None and rec.get("actor") in actors)
            ):
                continue
            out.append(rec)
            if len(out) >= limit:
                break
        return out
