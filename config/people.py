"""People: controllers, supervisors and admins, their teams and the rooms they answer for.

Secrets (passwords, API tokens) are given as argon2id hashes (`$argon2id$...`, made by
`roomwatch hash-password`; older `pbkdf2_sha256$...` hashes still verify), tokens as
`TOKENID:HASH` (`roomwatch hash-password --token`). A plain secret is accepted only when it
comes from `${ENV}` substitution, or when `allow_plain_secrets` is set (the demo does).
Secrets given here always win over the store: see docs/security.md.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from config.base import Section

HASH_PREFIX = "pbkdf2_sha256$"
ARGON2_PREFIX = "$argon2id$"
PERSON_ID = r"^[A-Za-z0-9_.\-]{1,64}$"
MOBILE = r"^(\+?[0-9][0-9\-]{4,19})?$"
HANDLE = r"^[A-Za-z0-9_.@\-]{0,64}$"
FEISHU_OPEN_ID = r"^(ou_[A-Za-z0-9]{1,64})?$"


class PersonConfig(Section):
    id: str = Field(pattern=PERSON_ID)
    name: str = ""
    role: str = Field("controller", pattern="^(controller|supervisor|admin)$")
    password: str = Field("", description="an '$argon2id$...' hash, or plain via ${ENV}")
    tokens: list[str] = Field(
        default_factory=list, description="'TOKENID:$argon2id$...' token hashes (or ${ENV})"
    )
    rooms: list[str] = Field(default_factory=list, description="rooms a controller answers for")
    # How the chat robots reach this person (a robot can only ping someone in its group).
    mobile: str = Field(
        "",
        pattern=MOBILE,
        description="phone number: DingTalk @mobile, WeCom mentioned_mobile_list",
    )
    wecom_userid: str = Field("", pattern=HANDLE, description="WeCom userid: <@userid>")
    feishu_open_id: str = Field("", pattern=FEISHU_OPEN_ID, description="Feishu open_id (ou_...)")
    feishu_user_id: str = Field("", pattern=HANDLE, description="Feishu user_id")


class TeamConfig(Section):
    id: str = Field(pattern=PERSON_ID)
    name: str = ""
    supervisors: list[str] = Field(default_factory=list)
    members: list[str] = Field(default_factory=list)
    rooms: list[str] = Field(default_factory=list)


class PeopleConfig(Section):
    users: list[PersonConfig] = Field(default_factory=list)
    teams: list[TeamConfig] = Field(default_factory=list)
    session_ttl: float = Field(12 * 3600.0, ge=60, le=30 * 86_400)
    allow_plain_secrets: bool = Field(False, description="accept literal plain secrets (demo)")


def literal_secret_problems(raw: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """Return plain passwords/tokens written literally in the YAML (before ${ENV} expansion)."""
    people = raw.get("people")
    if not isinstance(people, dict) or people.get("allow_plain_secrets") is True:
        return []
    users = people.get("users")
    if not isinstance(users, list):
        return []
    out: list[tuple[tuple[str | int, ...], str]] = []
    reason = "plain secret in the file: use a hash (roomwatch hash-password) or ${ENV}"
    for i, user in enumerate(users):
        if not isinstance(user, dict):
            continue
        secrets: list[tuple[tuple[str | int, ...], object]] = [
            (("people", "users", i, "password"), user.get("password", ""))
        ]
        tokens = user.get("tokens")
        if isinstance(tokens, list):
            secrets += [(("people", "users", i, "tokens", j), t) for j, t in enumerate(tokens)]
        for path, value in secrets:
            if isinstance(value, str) and value and not _hashed_or_env(value):
                out.append((path, reason))
    return out


def _hashed_or_env(value: str) -> bool:
    hashed = value.partition(":")[2] if ":" in value[:17] else value
    return hashed.startswith((HASH_PREFIX, ARGON2_PREFIX)) or (
        value.startswith("${") and value.endswith("}")
    )


def people_problems(
    people: PeopleConfig, rooms: set[str]
) -> list[tuple[tuple[str | int, ...], str]]:
    """Return cross-field errors of the people section (ids, team references, rooms)."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    ids: dict[str, PersonConfig] = {}
    for i, person in enumerate(people.users):
        if person.id in ids:
            out.append((("people", "users", i, "id"), f"duplicate user id {person.id!r}"))
        ids[person.id] = person
        for j, room_id in enumerate(person.rooms):
            if room_id not in rooms:
                out.append((("people", "users", i, "rooms", j), f"unknown room {room_id!r}"))
    team_ids: set[str] = set()
    for i, team in enumerate(people.teams):
        if team.id in team_ids:
            out.append((("people", "teams", i, "id"), f"duplicate team id {team.id!r}"))
        team_ids.add(team.id)
        for field in ("supervisors", "members"):
            for j, uid in enumerate(getattr(team, field)):
                if uid not in ids:
                    out.append((("people", "teams", i, field, j), f"unknown user {uid!r}"))
        for j, uid in enumerate(team.supervisors):
            if uid in ids and ids[uid].role == "controller":
                out.append((("people", "teams", i, "supervisors", j), f"{uid!r} is a controller"))
        for j, room_id in enumerate(team.rooms):
            if room_id not in rooms:
                out.append((("people", "teams", i, "rooms", j), f"unknown room {room_id!r}"))
    return out
