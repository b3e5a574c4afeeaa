"""Console login sessions: random ids in a cookie, kept in the store by their digest."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from alerts.clock import Clock
from alerts.store.base import AlertStore

SESSION_KIND = "sessions"
RELOAD_EVERY = 1.0  # seconds between store reloads on a cache miss (another instance's login)
RECHECK_EVERY = 10.0  # cached sessions are re-read this often (a logout on another instance)


@dataclass(frozen=True, slots=True)
class Session:
    user: str
    expires: float


def _key(sid: str) -> str:
    # The store holds only digests, so reading it does not hand out live cookies.
    return hashlib.sha256(sid.encode()).hexdigest()


class SessionStore:
    """Create, look up and end sessions; shared by every instance through the store."""

    def __init__(self, store: AlertStore, clock: Clock, ttl: float) -> None:
        self._store = store
        self._clock = clock
        self.ttl = ttl
        self._cache: dict[str, Session] = {}
        self._reloaded = 0.0
        self.listeners: list[Callable[[], None]] = []  # told when a session ends here

    async def create(self, user: str) -> str:
        sid = secrets.token_urlsafe(32)
        session = Session(user, self._clock.now() + self.ttl)
        self._cache[_key(sid)] = session
        await self._store.put_item(
            SESSION_KIND, _key(sid), {"user": user, "expires": session.expires}
        )
        await self._prune()
        return sid

    async def lookup(self, sid: str) -> Session | None:
        key = _key(sid)
        session = self._cache.get(key)
        since = time.monotonic() - self._reloaded
        if since >= RECHECK_EVERY or (session is None and since >= RELOAD_EVERY):
            self._reloaded = time.monotonic()
            items = await self._store.get_items(SESSION_KIND)
            self._cache = {
                k: Session(str(v["user"]), float(v["expires"])) for k, v in items.items()
            }
            session = self._cache.get(key)
        if session is None or session.expires <= self._clock.now():
            return None
        return session

    async def reload(self) -> None:
        """Re-read every session from the store (ended or created on other instances)."""
        self._reloaded = time.monotonic()
        items = await self._store.get_items(SESSION_KIND)
        self._cache = {k: Session(str(v["user"]), float(v["expires"])) for k, v in items.items()}

    def alive(self, key: str) -> bool:
        """Return True when the session with this store key exists and has not expired."""
        session = self._cache.get(key)
        return session is not None and session.expires > self._clock.now()

    @staticmethod
    def key(sid: str) -> str:
        return _key(sid)

    def _ended(self) -> None:
        for listener in self.listeners:
            listener()

    async def end(self, sid: str) -> None:
        self._cache.pop(_key(sid), None)
        await self._store.delete_item(SESSION_KIND, _key(sid))
        self._ended()

    async def end_user(self, user: str) -> None:
        """End every session of a user (password changed, user removed)."""
        for key, value in (await self._store.get_items(SESSION_KIND)).items():
            if value.get("user") == user:
                self._cache.pop(key, None)
                await self._store.delete_item(SESSION_KIND, key)
        self._ended()

    async def _prune(self) -> None:
        now = self._clock.now()
        for key, value in (await self._store.get_items(SESSION_KIND)).items():
            if float(value.get("expires", 0)) <= now:
                self._cache.pop(key, None)
                await self._store.delete_item(SESSION_KIND, key)
