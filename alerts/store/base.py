"""The AlertStore protocol: everything roomwatch keeps beyond one process's memory.

Both implementations (memory.py, redis.py) pass the same contract suite
(tests/contract/test_store_contract.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from alerts.model import Alert, AlertState


class StoreError(Exception):
    """The store could not do what was asked (connection lost, bad data)."""


class StoreConflict(StoreError):
    """A compare-and-set write found another version stored: someone changed it first."""

    def __init__(self, alert_id: str, expected: int, found: int) -> None:
        super().__init__(f"alert {alert_id} is at version {found}, not {expected}")
        self.alert_id = alert_id
        self.expected = expected
        self.found = found


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of the console feed log; seq is strictly increasing per store."""

    seq: int
    ts: float
    type: str  # "alert" | "alert_update" | "flag"
    room: str
    data: dict[str, Any]


class AlertStore(Protocol):
    """Durable state shared by the alert manager, escalation, console and reports."""

    async def ping(self) -> bool:
        """Return True when the store answers."""
        ...

    async def close(self) -> None:
        """Release connections; the store is not used after this."""
        ...

    # -- alerts ---------------------------------------------------------------
    async def put_alert(self, alert: Alert, *, expect_version: int | None = None) -> None:
        """Insert or replace an alert; keeps the open index by fingerprint in step.

        With `expect_version` the write is a compare-and-set: it happens only while the
        stored alert has that version (0: no alert stored under this id) and raises
        StoreConflict otherwise, so two instances never overwrite each other's change.
        """
        ...

    async def get_alert(self, alert_id: str) -> Alert | None:
        """Return one alert by id."""
        ...

    async def find_open(self, fingerprint: str, room: str) -> Alert | None:
        """Return the open (not resolved) alert with this fingerprint (of this room), if any.

        A fingerprint belongs to one room; the room says where its index lives.
        """
        ...

    def peek_open(self, fingerprint: str) -> Alert | None:
        """Return the open alert with this fingerprint as this process last saw it.

        Asks nothing of the store, so the copy may be stale (another instance changed
        it since): a change computed from it must be written with `expect_version`, and
        None means "not known here", not "none open".
        """
        ...

    async def find_latest(self, fingerprint: str, room: str) -> Alert | None:
        """Return the newest alert with this fingerprint (of this room), open or resolved."""
        ...

    async def list_alerts(
        self,
        *,
        rooms: Iterable[str] | None = None,
        states: Iterable[AlertState] | None = None,
        since: float | None = None,
        limit: int = 500,
    ) -> list[Alert]:
        """Return alerts newest first, filtered by room, state and start time."""
        ...

    # -- console feed log -----------------------------------------------------
    async def append_feed(self, type: str, room: str, ts: float, data: dict[str, Any]) -> FeedItem:
        """Append to the feed log and return the item with its sequence number."""
        ...

    async def read_feed(
        self, after_seq: int, *, rooms: Iterable[str] | None = None, limit: int = 1000
    ) -> list[FeedItem]:
        """Return feed items with seq > after_seq in order, for resuming clients."""
        ...

    # -- coordination ---------------------------------------------------------
    async def claim(self, key: str, ttl: float) -> bool:
        """Atomically claim a key (for exactly-once steps); False when already claimed."""
        ...

    async def release_claim(self, key: str) -> None:
        """Give a claim up (the step it guarded did not happen), so it can be claimed again."""
        ...

    async def claim_with_items(
        self, key: str, ttl: float, items: list[tuple[str, str, dict[str, Any]]]
    ) -> bool:
        """Claim a key and, only when it was free, store keyed items, all in one atomic step.

        `items` are (kind, key, value) as for put_item. Either the claim and every item
        are written, or nothing is (False: already claimed; StoreError: not written, or
        unknown when the connection dropped -- a retry then finds the claim taken and the
        items stored).
        """
        ...

    # -- generic records (audit log, dead letters, silences, feedback) --------
    async def append_record(
        self, kind: str, record: dict[str, Any], max_len: int = 100_000
    ) -> None:
        """Append a JSON record to the named list (oldest trimmed past max_len)."""
        ...

    async def read_records(self, kind: str, limit: int = 1000) -> list[dict[str, Any]]:
        """Return the newest records of the named list, oldest first."""
        ...

    async def put_item(self, kind: str, key: str, value: dict[str, Any]) -> None:
        """Store a keyed JSON item (silences, people, dead letters)."""
        ...

    async def get_items(self, kind: str) -> dict[str, dict[str, Any]]:
        """Return every keyed item of a kind."""
        ...

    async def delete_item(self, kind: str, key: str) -> bool:
        """Delete a keyed item; True when it existed."""
        ...
