"""The console feed: a durable, ordered log of alert changes and flags, fanned out live.

Every item is appended to the store's feed log first (so a reconnecting client can
resume from its last seq), then pushed to the subscribers whose rooms it concerns. A
subscriber that falls behind is marked lagged and dropped; its client resumes from the
store, so slowness never blocks other clients and never loses an item.

An "alert" item (created) carries the whole alert. An "alert_update" item carries the
alert without its comments and history plus only what changed: `comments` holds the
flagged comments that are new or changed, `history` the entries added, `comments_total`
how many comments the alert keeps, and `base_version` the version it applies to. A
client holding that version merges; any other client reads the alert over REST. So
grouping the 200th comment into an alert sends one comment, not two hundred.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

import orjson

from alerts.manager import AlertChange
from alerts.model import (
    Alert,
    HistoryEntry,
    Signal,
    alert_to_dict,
    comment_change,
    comment_to_dict,
    signal_to_dict,
)
from alerts.store.base import AlertStore, FeedItem
from monitor.metrics import ServiceMetrics

log = logging.getLogger(__name__)

CLIENT_QUEUE = 1_000
TEXT_CACHE = 4_096  # encoded frames kept for live items; a client lagging further re-encodes


def encode_item(item: FeedItem) -> str:
    """Return the websocket frame (JSON text) for a feed item."""
    return orjson.dumps(
        {"seq": item.seq, "type": item.type, "room": item.room, "ts": item.ts, "data": item.data}
    ).decode()


class FeedSubscription:
    """One live client's queue of feed items, limited to its rooms (None = all).

    Kept cheap per item: the hub appends and sets one event; the client's loop takes
    everything queued at once. Past `capacity` items the client is marked lagged.
    """

    def __init__(self, rooms: Iterable[str] | None, capacity: int = CLIENT_QUEUE) -> None:
        self.rooms = frozenset(rooms) if rooms is not None else None
        self.items: deque[FeedItem] = deque()
        self.capacity = capacity
        self.lagged = False
        self.wake = asyncio.Event()

    def wants(self, room: str) -> bool:
        return self.rooms is None or room in self.rooms

    def offer(self, item: FeedItem) -> bool:
        if self.lagged:
            return False
        if len(self.items) >= self.capacity:
            self.lagged = True
            self.wake.set()
            return False
        self.items.append(item)
        self.wake.set()
        return True

    async def get(self) -> FeedItem:
        """Wait for the next item (for readers other than the websocket loop)."""
        while not self.items:
            self.wake.clear()
            await self.wake.wait()
        return self.items.popleft()


class FeedHub:
    """Append feed items to the store and fan them out to live subscribers."""

    def __init__(self, store: AlertStore, metrics: ServiceMetrics) -> None:
        self._store = store
        self._metrics = metrics
        self._subs: set[FeedSubscription] = set()
        # Subscribers by room (and those that see every room), so an item costs one
        # offer per interested client rather than a look at every client.
        self._by_room: dict[str, set[FeedSubscription]] = {}
        self._everywhere: set[FeedSubscription] = set()
        # Called with each item this instance appended (cluster mode: publish to peers).
        self.after_append: list[Callable[[FeedItem], None]] = []
        self.client_queue = CLIENT_QUEUE
        self.head = 0  # highest seq seen here; lets a fresh console start from "now"
        self._texts: dict[int, tuple[FeedItem, str]] = {}  # seq -> (item, its frame)

    def subscribe(self, rooms: Iterable[str] | None) -> FeedSubscription:
        sub = FeedSubscription(rooms, self.client_queue)
        self._subs.add(sub)
        if sub.rooms is None:
            self._everywhere.add(sub)
        else:
            for room in sub.rooms:
                self._by_room.setdefault(room, set()).add(sub)
        self._metrics.feed_clients.set(len(self._subs))
        return sub

    def unsubscribe(self, sub: FeedSubscription) -> None:
        if sub not in self._subs:
            return
        self._subs.discard(sub)
        self._everywhere.discard(sub)
        for room in sub.rooms or ():
            subs = self._by_room.get(room)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._by_room[room]
        self._metrics.feed_clients.set(len(self._subs))

    async def publish(self, type: str, room: str, ts: float, data: dict[str, Any]) -> FeedItem:
        item = await self._store.append_feed(type, room, ts, data)
        self.fan_out(item)
        for hook in self.after_append:
            hook(item)
        return item

    def fan_out(self, item: FeedItem) -> None:
        self.head = max(self.head, item.seq)
        dropped = 0
        for subs in (self._everywhere, self._by_room.get(item.room, ())):
            for sub in subs:
                if not sub.offer(item):
                    dropped += 1
        if dropped:
            self._metrics.feed_dropped.inc(dropped)

    def text(self, item: FeedItem) -> str:
        """Return the item's frame, encoded once however many clients it is sent to."""
        hit = self._texts.get(item.seq)
        # Identity, not seq alone: a store that lost its log (redis restart) reuses seqs.
        if hit is not None and hit[0] is item:
            return hit[1]
        text = encode_item(item)
        if hit is None:
            self._texts[item.seq] = (item, text)
            if len(self._texts) > TEXT_CACHE:
                del self._texts[next(iter(self._texts))]
        return text

    async def on_alert_change(self, change: AlertChange) -> None:
        kind = "alert" if change.action == "created" else "alert_update"
        data = alert_item(change.alert, change.previous)
        data["action"] = change.action
        await self.publish(kind, change.alert.room, change.alert.updated_at, data)

    async def on_flag(self, signal: Signal) -> None:
        await self.publish("flag", signal.room, signal.ts, signal_to_dict(signal))


def alert_item(alert: Alert, previous: Alert | None) -> dict[str, Any]:
    """Return the feed data of an alert change: whole, or what changed since `previous`."""
    if previous is None or previous.id != alert.id:
        return alert_to_dict(alert)
    data = alert_to_dict(alert, comments=False)
    mode, added = comment_change(previous.comments, alert.comments)
    if mode == "replace":  # a comment was handled, or the list was rebuilt: compare each
        before = {c.event_id: c for c in previous.comments}
        added = tuple(
            c
            for c in alert.comments
            if (old := before.get(c.event_id)) is None or (old is not c and old != c)
        )
    data["comments"] = [comment_to_dict(c) for c in added]
    data["history"] = data["history"][
        len(data["history"]) - _added(alert.history, previous.history) :
    ]
    data["comments_total"] = len(alert.comments)
    data["base_version"] = previous.version
    return data


def _added(now: tuple[HistoryEntry, ...], before: tuple[HistoryEntry, ...]) -> int:
    """How many entries at the end of `now` are not in `before` (history only grows at the end)."""
    if not before:
        return len(now)
    last = before[-1]
    for i in range(len(now) - 1, -1, -1):
        if now[i] is last or now[i] == last:
            return len(now) - 1 - i
    return len(now)
