"""The admin API: people, teams and API tokens at runtime; the audit log for reviewers."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from typing import Any

from aiohttp import web

from config.people import PERSON_ID
from monitor.access.directory import ROLES, Person, Team
from monitor.access.passwords import hash_secret, new_token
from monitor.web.auth import ACCESS, audit, require_role
from monitor.web.keys import SERVICE
from monitor.web.util import bad_request, error_response, int_query, json_response, read_json

ID_RE = re.compile(PERSON_ID)
MIN_PASSWORD = 8


def _str_list(body: dict[str, Any], key: str, known: set[str] | None = None) -> tuple[str, ...]:
    value = body.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad_request(f"{key}: must be a list of strings")
    if known is not None and (unknown := [v for v in value if v not in known]):
        raise bad_request(f"{key}: unknown {', '.join(unknown)}")
    return tuple(value)


def _path_id(request: web.Request, name: str) -> str:
    value = request.match_info[name]
    if not ID_RE.match(value):
        raise bad_request(f"{name}: letters, digits, '_', '.', '-' (1-64)")
    return value


async def list_people(request: web.Request) -> web.Response:
    require_role(request, "admin")
    directory = request.app[ACCESS].directory
    return json_response(
        {
            "people": [p.public() for p in directory.people.values()],
            "teams": [
                {
                    "id": t.id,
                    "name": t.name,
                    "supervisors": list(t.supervisors),
                    "members": list(t.members),
                    "rooms": list(t.rooms),
                }
                for t in directory.teams.values()
            ],
        }
    )


async def put_person(request: web.Request) -> web.Response:
    require_role(request, "admin")
    access = request.app[ACCESS]
    user_id = _path_id(request, "user_id")
    body = await read_json(request, max_bytes=16_384)
    known_rooms = {r.id for r in request.app[SERVICE].config.rooms}
    current = access.directory.get(user_id) or Person(id=user_id)
    role = body.get("role", current.role)
    if role not in ROLES:
        raise bad_request(f"role: must be one of {', '.join(ROLES)}")
    name = body.get("name", current.name)
    if not isinstance(name, str) or len(name) > 100:
        raise bad_request("name: a string of at most 100 characters")
    rooms = _str_list(body, "rooms", known_rooms) if "rooms" in body else current.rooms
    password = current.password
    if "password" in body:
        if access.directory.password_from_config(user_id):
            # The config (or its environment variable) wins: a stored copy would be ignored.
            return error_response(
                409, "password: set in the config for this person; change it there"
            )
        plain = body["password"]
        if not isinstance(plain, str) or len(plain) < MIN_PASSWORD:
            raise bad_request(f"password: at least {MIN_PASSWORD} characters")
        password = await asyncio.get_running_loop().run_in_executor(None, hash_secret, plain)
    person = replace(current, name=name, role=role, rooms=rooms, password=password)
    await access.directory.save_person(person)
    if password != current.password:
        await access.sessions.end_user(user_id)
    changed = sorted(body)  # names only: a password never reaches the audit log
    await audit(request, "person_put", target=user_id, detail=",".join(changed))
    return json_response(person.public())


async def delete_person(request: web.Request) -> web.Response:
    admin = require_role(request, "admin")
    access = request.app[ACCESS]
    user_id = _path_id(request, "user_id")
    if user_id == admin.id:
        return error_response(409, "user_id: you cannot delete yourself")
    if not await access.directory.delete_person(user_id):
        return error_response(404, "user_id: no such person")
    await access.sessions.end_user(user_id)
    await audit(request, "person_delete", target=user_id)
    return json_response({"ok": True})


async def create_token(request: web.Request) -> web.Response:
    require_role(request, "admin")
    access = request.app[ACCESS]
    user_id = _path_id(request, "user_id")
    person = access.directory.get(user_id)
    if person is None:
        return error_response(404, "user_id: no such person")
    token, token_id = new_token()
    hashed = await asyncio.get_running_loop().run_in_executor(None, hash_secret, token)
    filed = f"{token_id}:{hashed}"
    await access.directory.save_person(replace(person, tokens=(*person.tokens, filed)))
    await audit(request, "token_create", target=user_id, detail=f"token id {token_id}")
    # The plain token is shown once; only its hash is kept, filed under its id.
    return json_response({"user": user_id, "token": token, "token_id": token_id}, status=201)


async def put_team(request: web.Request) -> web.Response:
    require_role(request, "admin")
    access = request.app[ACCESS]
    team_id = _path_id(request, "team_id")
    body = await read_json(request, max_bytes=16_384)
    people = set(access.directory.people)
    known_rooms = {r.id for r in request.app[SERVICE].config.rooms}
    name = body.get("name", "")
    if not isinstance(name, str):
        raise bad_request("name: must be a string")
    team = Team(
        id=team_id,
        name=name,
        supervisors=_str_list(body, "supervisors", people),
        members=_str_list(body, "members", people),
        rooms=_str_list(body, "rooms", known_rooms),
    )
    await access.directory.save_team(team)
    await audit(request, "team_put", target=team_id)
    return json_response(
        {
            "id": team.id,
            "name": team.name,
            "supervisors": list(team.supervisors),
            "members": list(team.members),
            "rooms": list(team.rooms),
        }
    )


async def read_audit(request: web.Request) -> web.Response:
    user = require_role(request, "supervisor", "admin")
    access = request.app[ACCESS]
    limit = int_query(request, "limit", 500, 1, 10_000)
    action = request.query.get("action", "")
    if user.role == "admin":
        records = await access.audit.read(limit=limit, action=action)
    else:
        rooms = access.directory.rooms_of(user) or frozenset()
        members = access.directory.team_members(user)
        records = await access.audit.read(limit=limit, rooms=rooms, actors=members, action=action)
    return json_response({"audit": records})


def register(app: web.Application) -> None:
    app.router.add_get("/api/v1/people", list_people)
    app.router.add_put("/api/v1/people/{user_id}", put_person)
    app.router.add_delete("/api/v1/people/{user_id}", delete_person)
    app.router.add_post("/api/v1/people/{user_id}/tokens", create_token)
    app.router.add_put("/api/v1/teams/{team_id}", put_team)
    app.router.add_get("/api/v1/audit", read_audit)
