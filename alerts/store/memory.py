"""In-memory AlertStore: the embedded default for the demo and single-process runs."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable
from typing import Any

from alerts.model import Alert, AlertState
from alerts.store.base import FeedItem, StoreConflict

FEED_CAPACITY = 100_000
CLAIMS_SWEEP = 10_000  # claims kept before expired ones are swept (then twice the live ones)


class MemoryStore:
    """Keep every alert and feed item in process memory (lost on exit)."""

    def __init__(self, feed_capacity: int = FEED_CAPACITY) -> None:
        self._alerts: dict[str, Alert] = {}
        self._open: dict[str, str] = {}
        self._latest: dict[str, str] = {}
        self._feed: deque[FeedItem] = deque(maxlen=feed_capacity)
        self._seq = 0
        self._claims: dict[str, float] = {}
        self._claims_swept = CLAIMS_SWEEP
        self._records: dict[str, deque[dict[str, Any]]] = {}
        self._items: dict[str, dict[str, dict[str, Any]]] = {}

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        return None

    async def put_alert(self, alert: Alert, *, expect_version: int | None = None) -> None:
        if expect_version is not None:
            stored = self._alerts.get(alert.id)
            found = stored.version if stored is not None else 0
            if found != expect_version:
                raise StoreConflict(alert.id, expect_version, found)
        self._alerts[alert.id] = alert
        self._latest[alert.fingerprint] = alert.id
        if alert.is_open:
            self._open[alert.fingerprint] = alert.id
        elif self._open.get(alert.fingerprint) == alert.id:
            del self._open[alert.fingerprint]

    async def get_alert(self, alert_id: str) -> Alert | None:
        return self._alerts.get(alert_id)

    async def find_open(self, fingerprint: str, room: str = "") -> Alert | None:
        alert_id = self._open.get(fingerprint)
        return self._alerts.get(alert_id) if alert_id else None

    def peek_open(self, fingerprint: str) -> Alert | None:
        alert_id = self._open.get(fingerprint)
        return self._alerts.get(alert_id) if alert_id else None

    async def find_latest(self, fingerprint: str, room: str = "") -> Alert | None:
        alert_id = self._latest.get(fingerprint)
        return self._alerts.get(alert_id) if alert_id else None

    async def list_alerts(
        self,
        *,
        rooms: Iterable[str] | None = None,
        states: Iterable[AlertState] | None = None,
        since: float | None = None,
        limit: int = 500,
    ) -> list[Alert]:
        room_set = set(rooms) if rooms is not None else None
        state_set = set(states) if states is not None else None
        out = [
            a
            for a in self._alerts.values()
            if (room_set is None or a.room in room_set)
            and (state_set is None or a.state in state_set)
            and (since is None or a.started_at >= since)
        ]
        out.sort(key=lambda a: (a.started_at, a.id), reverse=True)
        return out[:limit]

    async def append_feed(self, type: str, room: str, ts: float, data: dict[str, Any]) -> FeedItem:
        self._seq += 1
        item = FeedItem(self._seq, ts, type, room, data)
        self._feed.append(item)
        return item

    async def read_feed(
        self, after_seq: int, *, rooms: Iterable[str] | None = None, limit: int = 1000
    ) -> list[FeedItem]:
        if limit <= 0:
            return []
        room_set = set(rooms) if rooms is not None else None
        out: list[FeedItem] = []
        for item in self._feed:
            if item.seq <= after_seq or (room_set is not None and item.room not in room_set):
                continue
            out.append(item)
            if len(out) >= limit:
                break
        return out

    async def claim(self, key: str, ttl: float) -> bool:
        now = time.monotonic()
        expires = self._claims.get(key)
        if expires is not None and expires > now:
            return False
        self._claims[key] = now + ttl
        if len(self._claims) > self._claims_swept * 2:
            # Expired claims go, so callers that claim one key per message stay bounded.
            self._claims = {k: t for k, t in self._claims.items() if t > now}
            self._claims_swept = max(CLAIMS_SWEEP, len(self._claims))
        return True

    async def release_claim(self, key: str) -> None:
        self._claims.pop(key, None)

    async def claim_with_items(
        self, key: str, ttl: float, items: list[tuple[str, str, dict[str, Any]]]
    ) -> bool:
        if not await self.claim(key, ttl):
            return False
        for kind, item_key, value in items:
            self._items.setdefault(kind, {})[item_key] = dict(value)
        return True

    async def append_record(
        self, kind: str, record: dict[str, Any], max_len: int = 100_000
    ) -> None:
        records = self._records.get(kind)
        if records is None or records.maxlen != max_len:
            records = deque(records or (), maxlen=max_len)
            self._records[kind] = records
        records.append(dict(record))

    async def read_records(self, kind: str, limit: int = 1000) -> list[dict[str, Any]]:
        records = list(self._records.get(kind, ()))
        return [dict(r) for r in records[-limit:]] if limit > 0 else []

    async def put_item(self, kind: str, key: str, value: dict[str, Any]) -> None:
        self._items.setdefault(kind, {})[key] = dict(value)

    async def get_items(self, kind: str) -> dict[str, dict[str, Any]]:
        return {k: dict(v) for k, v in self._items.get(kind, {}).items()}

    async def delete_item(self, kind: str, key: str) -> bool:
        return self._items.get(kind, {}).pop(key, None) is not None
