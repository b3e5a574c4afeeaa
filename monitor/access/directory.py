"""The people directory: who exists, their role, their rooms; changeable at runtime.

The config gives the starting people and teams. Changes made through the admin API are
kept in the store's keyed items ("people", "teams") so every instance and every restart
sees them; an item with {"deleted": true} hides a configured entry.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from alerts.store.base import AlertStore
from config.people import PeopleConfig
from monitor.access.passwords import token_user, verify_secret

PEOPLE_KIND = "people"
TEAMS_KIND = "teams"
ROLES = ("controller", "supervisor", "admin")


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
    _loaded_at: float = 0.0

    def __post_init__(self) -> None:
        self._apply({}, {})

    def _apply(self, people: dict[str, dict[str, Any]], teams: dict[str, dict[str, Any]]) -> None:
        merged = {p.id: asdict(p) for p in (Person(**_cfg(u)) for u in self.config.users)}
        merged_teams = {t.id: t.model_dump() for t in self.config.teams}
        for uid, item in people.items():
            if item.get("deleted"):
                merged.pop(uid, None)
            else:
                merged[uid] = item
        for tid, item in teams.items():
            if item.get("deleted"):
                merged_teams.pop(tid, None)
            else:
                merged_teams[tid] = item
        new_people = {uid: person_from_dict(d) for uid, d in merged.items()}
        if new_people != self.people:
            self._token_cache.clear()
        self.people = new_people
        self.teams = {tid: team_from_dict(d) for tid, d in merged_teams.items()}

    async def refresh(self) -> None:
        """Re-read runtime changes from the store (other instances may have made them)."""
        people = await self.store.get_items(PEOPLE_KIND)
        teams = await self.store.get_items(TEAMS_KIND)
        self._apply(people, teams)
        self._loaded_at = time.monotonic()

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
        """Return the person when the password matches; hashing runs off the event loop."""
        person = self.people.get(user_id)
        if person is None or not person.password or not password:
            return None
        ok = await asyncio.get_running_loop().run_in_executor(
            None, verify_secret, password, person.password
        )
        return person if ok else None

    async def check_token(self, token: str) -> Person | None:
        """Return the owner of an API token; verified tokens are cached by their digest."""
        key = hashlib.sha256(token.encode()).hexdigest()
        if (uid := self._token_cache.get(key)) is not None:
            return self.people.get(uid)
        owner = token_user(token)
        candidates: Iterable[Person] = (
            [p] if owner and (p := self.people.get(owner)) is not None else self.people.values()
        )
        loop = asyncio.get_running_loop()
        for person in candidates:
            for stored in person.tokens:
                if owner is None and stored.startswith("pbkdf2_sha256$"):
                    continue  # only tokens naming their owner may cost a hash check
                if await loop.run_in_executor(None, verify_secret, token, stored):
                    self._token_cache[key] = person.id
                    return person
        return None

    async def save_person(self, person: Person) -> None:
        await self.store.put_item(PEOPLE_KIND, person.id, asdict(person))
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


def _cfg(user: Any) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "role": user.role,
        "password": user.password,
        "tokens": tuple(user.tokens),
        "rooms": tuple(user.rooms),
    }
