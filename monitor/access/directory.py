"""The people directory: who exists, their role, their rooms; changeable at runtime.

The config gives the starting people and teams. Changes made through the admin API are
kept in the store's keyed items ("people", "teams") so every instance and every restart
sees them; an item with {"deleted": true} hides a configured entry.

Secrets never reach the store from the config: a stored person holds only the hashes made
through the admin API (a password set there, tokens created there). A password given in
the config (or its ${ENV}) always wins over a stored one, and config tokens are added to
stored ones, so rotating an environment variable takes effect at the next start.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from alerts.store.base import AlertStore
from config.people import PeopleConfig
from monitor.access.passwords import (
    dummy_verify,
    filed_token,
    hash_secret,
    is_hashed,
    matches,
    needs_rehash,
    token_id,
    token_user,
)

log = logging.getLogger(__name__)

PEOPLE_KIND = "people"
TEAMS_KIND = "teams"
ROLES = ("controller", "supervisor", "admin")
MAX_UNFILED_TOKENS = 4  # hash checks an older rw1 token may cost


@dataclass(frozen=True, slots=True)
class Person:
    """One user of the console and API; secrets are hashes (or plain from ${ENV})."""

    id: str
    name: str = ""
    role: str = "controller"
    password: str = ""
    tokens: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()

    def public(self) -> dict[str, Any]:
        """Return the person without secrets (what the API shows)."""
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "rooms": list(self.rooms),
            "has_password": bool(self.password),
            "tokens": len(self.tokens),
        }


@dataclass(frozen=True, slots=True)
class Team:
    """A supervisor's team: its supervisors, its controllers and its rooms."""

    id: str
    name: str = ""
    supervisors: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    rooms: tuple[str, ...] = ()


def person_from_dict(d: dict[str, Any]) -> Person:
    return Person(
        id=str(d["id"]),
        name=str(d.get("name", "")),
        role=str(d.get("role", "controller")),
        password=str(d.get("password", "")),
        tokens=tuple(str(t) for t in d.get("tokens", ())),
        rooms=tuple(str(r) for r in d.get("rooms", ())),
    )


def team_from_dict(d: dict[str, Any]) -> Team:
    return Team(
        id=str(d["id"]),
        name=str(d.get("name", "")),
        supervisors=tuple(str(s) for s in d.get("supervisors", ())),
        members=tuple(str(m) for m in d.get("members", ())),
        rooms=tuple(str(r) for r in d.get("rooms", ())),
    )


@dataclass
class Directory:
    """Resolve people, their visible rooms and their API tokens."""

    config: PeopleConfig
    all_rooms: tuple[str, ...]
    store: AlertStore
    people: dict[str, Person] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    _token_cache: dict[str, str] = field(default_factory=dict)
    _by_token_id: dict[str, tuple[str, str]] = field(default_factory=dict)
    _plain_tokens: dict[str, str] = field(default_factory=dict)
    _loaded_at: float = 0.0
    listeners: list[Callable[[], None]] = field(default_factory=list)  # told of any change

    def __post_init__(self) -> None:
        self._configured = {u.id: _cfg(u) for u in self.config.users}
        self._apply({}, {})

    def _apply(self, people: dict[str, dict[str, Any]], teams: dict[str, dict[str, Any]]) -> None:
        merged = {uid: dict(cfg) for uid, cfg in self._configured.items()}
        merged_teams = {t.id: t.model_dump() for t in self.config.teams}
        for uid, item in people.items():
            if item.get("deleted"):
                merged.pop(uid, None)
                continue
            merged[uid] = self._with_config_secrets(uid, item)
        for tid, item in teams.items():
            if item.get("deleted"):
                merged_teams.pop(tid, None)
            else:
                merged_teams[tid] = item
        new_people = {uid: person_from_dict(d) for uid, d in merged.items()}
        new_teams = {tid: team_from_dict(d) for tid, d in merged_teams.items()}
        changed = new_people != self.people or new_teams != self.teams
        if new_people != self.people:
            self._token_cache.clear()
            self._index_tokens(new_people)
        self.people = new_people
        self.teams = new_teams
        if changed:
            for listener in self.listeners:
                listener()

    def _with_config_secrets(self, uid: str, item: dict[str, Any]) -> dict[str, Any]:
        """Return a stored person with the config's secrets applied (the config wins)."""
        out = dict(item)
        cfg = self._configured.get(uid)
        stored_password = str(item.get("password", ""))
        if cfg is not None and cfg["password"]:
            out["password"] = cfg["password"]
        elif not is_hashed(stored_password):
            out["password"] = ""  # a plain secret in the store is never trusted
        stored_tokens = [str(t) for t in item.get("tokens", ()) if _stored_token(str(t))]
        out["tokens"] = (*(cfg["tokens"] if cfg is not None else ()), *stored_tokens)
        return out

    def _index_tokens(self, people: dict[str, Person]) -> None:
        self._by_token_id, self._plain_tokens = {}, {}
        for person in people.values():
            for stored in person.tokens:
                if (filed := filed_token(stored)) is not None:
                    self._by_token_id[filed[0]] = (person.id, filed[1])
                elif not is_hashed(stored):
                    self._plain_tokens[_digest(stored)] = person.id

    def stored_item(self, person: Person) -> dict[str, Any]:
        """Return what the store keeps of a person: no secret that came from the config."""
        cfg = self._configured.get(person.id)
        item = asdict(person)
        config_password = cfg["password"] if cfg is not None else ""
        keep = is_hashed(person.password) and person.password != config_password
        item["password"] = person.password if keep else ""
        config_tokens = set(cfg["tokens"]) if cfg is not None else set()
        item["tokens"] = [t for t in person.tokens if t not in config_tokens and _stored_token(t)]
        return item

    def password_from_config(self, user_id: str) -> bool:
        """Return True when the config (or its ${ENV}) sets this person's password."""
        cfg = self._configured.get(user_id)
        return cfg is not None and bool(cfg["password"])

    async def refresh(self) -> None:
        """Re-read runtime changes from the store (other instances may have made them)."""
        people = await self.store.get_items(PEOPLE_KIND)
        teams = await self.store.get_items(TEAMS_KIND)
        await self._scrub(people)
        self._apply(people, teams)
        self._loaded_at = time.monotonic()

    async def _scrub(self, people: dict[str, dict[str, Any]]) -> None:
        """Rewrite stored people that hold a plain secret (written by older versions)."""
        for uid, item in people.items():
            tokens = [str(t) for t in item.get("tokens", ())]
            password = str(item.get("password", ""))
            if (password and not is_hashed(password)) or not all(map(_stored_token, tokens)):
                clean = dict(item)
                clean["password"] = password if is_hashed(password) else ""
                clean["tokens"] = [t for t in tokens if _stored_token(t)]
                await self.store.put_item(PEOPLE_KIND, uid, clean)
                people[uid] = clean
                log.warning("removed plain secrets of %s from the store", uid)

    def get(self, user_id: str) -> Person | None:
        return self.people.get(user_id)

    def rooms_of(self, person: Person) -> frozenset[str] | None:
        """Return the rooms a person may see and act on; None means every room (admin)."""
        if person.role == "admin":
            return None
        rooms = set(person.rooms)
        if person.role == "supervisor":
            for team in self.teams.values():
                if person.id in team.supervisors:
                    rooms.update(team.rooms)
                    for member in team.members:
                        if (p := self.people.get(member)) is not None:
                            rooms.update(p.rooms)
        return frozenset(rooms)

    def team_members(self, person: Person) -> frozenset[str]:
        """Return the ids of the people a supervisor answers for (themselves included)."""
        ids = {person.id}
        for team in self.teams.values():
            if person.id in team.supervisors:
                ids.update(team.members)
        return frozenset(ids)

    def may_see(self, person: Person, room: str) -> bool:
        rooms = self.rooms_of(person)
        return rooms is None or room in rooms

    def visible_rooms(self, person: Person) -> list[str]:
        rooms = self.rooms_of(person)
        return list(self.all_rooms) if rooms is None else [r for r in self.all_rooms if r in rooms]

    async def check_password(self, user_id: str, password: str) -> Person | None:
        """Return the person when the password matches; hashing runs off the event loop.

        Every answer costs one hash check (a dummy one for unknown users), so timing does
        not tell who exists. A match against an older hash kept in the store is rehashed.
        """
        loop = asyncio.get_running_loop()
        person = self.people.get(user_id)
        if person is None or not person.password or not password:
            await loop.run_in_executor(None, dummy_verify, password)
            return None
        stored = person.password
        if not await loop.run_in_executor(None, matches, password, stored):
            return None
        if needs_rehash(stored):
            await self._rehash(person, password)
        return person

    async def _rehash(self, person: Person, password: str) -> None:
        if self.password_from_config(person.id):
            log.warning(
                "the config's password hash of %s is an older kind: replace it with the "
                "output of roomwatch hash-password",
                person.id,
            )
            return
        hashed = await asyncio.get_running_loop().run_in_executor(None, hash_secret, password)
        await self.save_person(replace(person, password=hashed))
        log.info("rehashed the password of %s with argon2id", person.id)

    async def check_token(self, token: str) -> Person | None:
        """Return the owner of an API token: at most one hash check, found by the token's id."""
        key = _digest(token)
        if (uid := self._token_cache.get(key)) is not None:
            return self.people.get(uid)
        if (uid := self._plain_tokens.get(key)) is not None:
            return self.people.get(uid)  # a plain token from ${ENV}: its digest matched
        candidates: list[tuple[str, str]] = []
        if (tid := token_id(token)) is not None and (found := self._by_token_id.get(tid)):
            candidates = [found]
        elif (owner := token_user(token)) is not None and (p := self.people.get(owner)):
            # Older rw1.USER.SECRET tokens: that user's unfiled hashes only.
            candidates = [(p.id, t) for t in p.tokens if is_hashed(t)][:MAX_UNFILED_TOKENS]
        loop = asyncio.get_running_loop()
        for uid, stored in candidates:
            if await loop.run_in_executor(None, matches, token, stored):
                self._token_cache[key] = uid
                return self.people.get(uid)
        return None

    async def save_person(self, person: Person) -> None:
        await self.store.put_item(PEOPLE_KIND, person.id, self.stored_item(person))
        await self.refresh()

    async def delete_person(self, user_id: str) -> bool:
        if user_id not in self.people:
            return False
        await self.store.put_item(PEOPLE_KIND, user_id, {"id": user_id, "deleted": True})
        await self.refresh()
        return True

    async def save_team(self, team: Team) -> None:
        await self.store.put_item(TEAMS_KIND, team.id, asdict(team))
        await self.refresh()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _stored_token(value: str) -> bool:
    """Return True for a token entry the store may keep (a hash, filed or not)."""
    return is_hashed(value) or filed_token(value) is not None


def _cfg(user: Any) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "role": user.role,
        "password": user.password,
        "tokens": tuple(user.tokens),
        "rooms": tuple(user.rooms),
    }
