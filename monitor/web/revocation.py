"""Open feed sockets lose access as soon as their person does.

Each feed socket holds a Grant: who, how they authenticated, and the role and rooms it was
opened with. A checker re-reads sessions and people from the store and judges every grant
at once: when this instance changes people or ends a session (event-driven), and every
RECHECK_EVERY seconds for what other instances changed (the store is what they share, so
a logout on any instance closes the socket on every instance within seconds).

Verdicts: the person is gone, their session ended or expired, or their token no longer
resolves to them: the socket closes with CLOSE_REVOKED (log in again). Their role or
rooms changed: CLOSE_CHANGED, and the console reconnects to get the new rooms' feed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from aiohttp import web

from monitor.access.directory import Directory
from monitor.access.sessions import SessionStore

log = logging.getLogger(__name__)

RECHECK_EVERY = 2.0
CLOSE_REVOKED = 4001
CLOSE_CHANGED = 4003


@dataclass(eq=False)
class Grant:
    """The access one feed socket was opened with; `code` is set once it is revoked."""

    user: str
    via: str  # "session" or "token"
    credential: str  # the session's store key, or the token itself (in memory only)
    role: str
    rooms: frozenset[str] | None
    wake: asyncio.Event
    code: int = 0
    reason: str = ""

    def revoke(self, code: int, reason: str) -> None:
        if not self.code:
            self.code, self.reason = code, reason
            self.wake.set()


@dataclass(eq=False)
class FeedGrants:
    """The grants of this instance's open feed sockets, and the checker that revokes them."""

    directory: Directory
    sessions: SessionStore
    interval: float = RECHECK_EVERY
    _open: set[Grant] = field(default_factory=set)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.directory.listeners.append(self.changed)
        self.sessions.listeners.append(self.changed)

    def add(self, grant: Grant) -> None:
        self._open.add(grant)

    def discard(self, grant: Grant) -> None:
        self._open.discard(grant)

    def changed(self) -> None:
        """Ask for a check now (people or sessions changed on this instance)."""
        self._changed.set()

    async def run(self) -> None:
        """Check every grant when woken and every `interval` seconds, until cancelled."""
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.interval):
                    await self._changed.wait()
            self._changed.clear()
            if not self._open:
                continue
            try:
                await self.check()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("feed access check failed; retrying", exc_info=True)

    async def check(self) -> None:
        """Re-read people and sessions from the store and revoke what no longer holds."""
        await self.directory.refresh()
        await self.sessions.reload()
        self._changed.clear()  # what the refresh itself reported is judged right here
        for grant in list(self._open):
            code, reason = await self._verdict(grant)
            if code:
                grant.revoke(code, reason)

    async def _verdict(self, grant: Grant) -> tuple[int, str]:
        person = self.directory.get(grant.user)
        if person is None:
            return CLOSE_REVOKED, "person removed"
        if grant.via == "session" and not self.sessions.alive(grant.credential):
            return CLOSE_REVOKED, "logged out or session expired"
        if grant.via == "token":
            owner = await self.directory.check_token(grant.credential)
            if owner is None or owner.id != grant.user:
                return CLOSE_REVOKED, "token no longer valid"
        if person.role != grant.role or self.directory.rooms_of(person) != grant.rooms:
            return CLOSE_CHANGED, "access changed: reconnect"
        return 0, ""


FEED_GRANTS = web.AppKey("feed_grants", FeedGrants)
