"""Throttle failed logins and tokens per client address and per user, in bounded memory.

Three tables, each bounded:
- addresses (IPv6 by /64): ADDRESS_LIMIT failures in WINDOW refuse that address, for
  every user. Checked first, so a stranger guessing at a known user is stopped here.
- users: past USER_FREE failures, attempts for that user are spaced (1, 2, 4 ...
  USER_MAX_DELAY seconds after the last failure). The user is slowed, never locked out:
  strangers cannot deny a known user their login.
  Known users have a table only the directory's people reach (junk names cannot push out
  the record of the user under attack); unknown names get the same answers from a table
  of their own that evicts freely.
A full address table first drops expired records, then the lightest of its oldest few and
never one at the limit, so an address that is guessing hard stays tracked however many
others come and go.
Counts are per instance; docs/security.md says what that means for a cluster.
"""

from __future__ import annotations

import ipaddress
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass

WINDOW = 300.0
ADDRESS_LIMIT = 20  # failed logins from one address per WINDOW
TOKEN_ADDRESS_LIMIT = 30  # wrong bearer tokens from one address per WINDOW
USER_FREE = 5  # failures of one user before its attempts are spaced
USER_MAX_DELAY = 30.0
MAX_ADDRESSES = 10_000
EVICT_SAMPLE = 64


@dataclass(slots=True)
class _Record:
    count: int
    first: float
    last: float


def address_key(remote: str | None) -> str:
    """Return the throttle key of a client address (an IPv6 client is its /64)."""
    if not remote:
        return "-"
    try:
        ip = ipaddress.ip_address(remote)
    except ValueError:
        return remote[:64]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class Throttle:
    """Failure counts by address and by known user, with the waits they impose."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._addresses: dict[str, _Record] = {}
        self._users: dict[str, _Record] = {}
        self._strangers: dict[str, _Record] = {}  # unknown names: same answers, evictable

    def __len__(self) -> int:
        return len(self._addresses) + len(self._users) + len(self._strangers)

    def address_wait(self, address: str, limit: int = ADDRESS_LIMIT) -> float:
        """Return seconds until this address may try again (0: it may now)."""
        rec = self._live(self._addresses, address)
        if rec is None or rec.count < limit:
            return 0.0
        return max(1.0, rec.first + WINDOW - self._clock())

    def user_wait(self, user: str) -> float:
        """Return seconds until this user's next attempt is let through (0: now)."""
        rec = self._live(self._users, user) or self._live(self._strangers, user)
        if rec is None or rec.count < USER_FREE:
            return 0.0
        delay = min(2.0 ** (rec.count - USER_FREE), USER_MAX_DELAY)
        return max(0.0, rec.last + delay - self._clock())

    def failed(self, address: str, user: str | None = None, *, known: bool = True) -> None:
        """Count a failure from `address` and for `user` (known: the directory has them)."""
        now = self._clock()
        self._count(self._addresses, address, now, MAX_ADDRESSES)
        if user is None:
            return
        if known:
            # Bounded by the directory's size: only known users reach this table.
            self._count(self._users, user, now, None)
        else:
            # Unknown names are slowed the same way, so a 429 does not tell who exists;
            # their table is bounded and evicts freely (it protects no account).
            if user not in self._strangers and len(self._strangers) >= MAX_ADDRESSES:
                del self._strangers[next(iter(self._strangers))]
            self._count(self._strangers, user, now, None)

    def succeeded(self, user: str) -> None:
        self._users.pop(user, None)

    def forget_user(self, user: str) -> None:
        self._users.pop(user, None)

    def _live(self, table: dict[str, _Record], key: str) -> _Record | None:
        rec = table.get(key)
        if rec is not None and self._clock() - rec.first >= WINDOW:
            del table[key]
            return None
        return rec

    def _count(self, table: dict[str, _Record], key: str, now: float, bound: int | None) -> None:
        rec = self._live(table, key)
        if rec is not None:
            rec.count += 1
            rec.last = now
            return
        if bound is not None and len(table) >= bound:
            self._make_room(table, now)
            if len(table) >= bound:
                return  # every slot holds an address at the limit: this one waits its turn
        table[key] = _Record(1, now, now)

    @staticmethod
    def _make_room(table: dict[str, _Record], now: float) -> None:
        # Records sit in the order their window started (a reset re-inserts), so the
        # expired ones are at the front: each is dropped once, O(1) a failure on average.
        while table:
            key = next(iter(table))
            if now - table[key].first < WINDOW:
                break
            del table[key]
        if len(table) < MAX_ADDRESSES:
            return
        # All live: drop the lightest of the oldest few, never one at the address limit.
        sample = list(itertools.islice(table.items(), EVICT_SAMPLE))
        key, rec = min(sample, key=lambda kv: kv[1].count)
        if rec.count < ADDRESS_LIMIT:
            del table[key]
