"""Operator endpoints for alerting: dead letters (list, replay) and silences (list, add, end).

Silences are scoped like every other action: a supervisor silences and ends silences of
the rooms they may see (their team's), only an admin silences every room at once
(`room: ""`), and the list shows the silences of the caller's rooms plus the global ones.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import orjson
from aiohttp import web

from alerts.manager import AlertManager
from alerts.notify.dispatch import Dispatcher
from monitor.httpbody import BodyError, read_limited
from monitor.web.auth import ACCESS, audit, current_user
from monitor.web.keys import SERVICE
from monitor.web.util import MAX_TIMESTAMP

MAX_BODY = 16 * 1024
MAX_SILENCE = 30 * 86_400.0


def _json(data: object, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type="application/json")


def _error(status: int, field: str, reason: str) -> web.Response:
    return _json({"error": f"{field}: {reason}" if field else reason, "field": field}, status)


async def _body(request: web.Request) -> dict[str, Any] | web.Response:
    try:
        raw = await read_limited(request, MAX_BODY)  # the whole body, however it arrives
    except BodyError as exc:
        return _error(exc.status, "", str(exc))
    try:
        data = orjson.loads(raw or b"{}")
    except orjson.JSONDecodeError:
        return _error(400, "", "body is not valid JSON")
    if not isinstance(data, dict):
        return _error(400, "", "body must be a JSON object")
    return data


def _visible(request: web.Request) -> frozenset[str] | None:
    return request.app[ACCESS].directory.rooms_of(current_user(request))


def _sees(request: web.Request, room: str) -> bool:
    visible = _visible(request)
    return visible is None or room in visible


def _may_silence(request: web.Request, room: str) -> web.Response | None:
    """Return the refusal when the user may not silence `room` ("" = every room), else None."""
    user = current_user(request)
    if not room:
        if user.role != "admin":
            return _error(403, "room", "only an admin may silence every room; name a room")
        return None
    if room not in {r.id for r in request.app[SERVICE].config.rooms}:
        return _error(400, "room", f"unknown room {room!r}")
    if not _sees(request, room):
        return _error(403, "room", "not one of your rooms")
    return None


def register_admin_routes(
    manager: AlertManager, dispatcher: Dispatcher
) -> Callable[[web.Application], None]:
    """Return a route plugin adding the alerting admin endpoints."""

    async def list_dead_letters(request: web.Request) -> web.Response:
        return _json({"dead_letters": await dispatcher.dead_letters()})

    async def replay_dead_letters(request: web.Request) -> web.Response:
        data = await _body(request)
        if isinstance(data, web.Response):
            return data
        keys: list[str]
        if data.get("all") is True:
            keys = [str(d["key"]) for d in await dispatcher.dead_letters()]
        else:
            given = data.get("keys")
            if not isinstance(given, list) or not all(isinstance(k, str) for k in given):
                return _error(400, "keys", "must be a list of dead-letter keys (or all: true)")
            keys = [str(k) for k in given]
        replayed = [k for k in keys if await dispatcher.replay(k)]
        missing = [k for k in keys if k not in replayed]
        return _json({"replayed": replayed, "unknown": missing}, 200 if not missing else 404)

    async def list_silences(request: web.Request) -> web.Response:
        # Everyone sees the silences of the rooms they may see, and the global ones
        # (they mute those rooms too); nobody reads another team's.
        visible = _visible(request)
        room = request.query.get("room", "")
        if room and visible is not None and room not in visible:
            return _error(403, "room", "not one of your rooms")
        now = manager.clock.now()
        items = [
            s.to_dict() | {"active": s.active(now)}
            for s in await manager.silences.all()
            if (not s.room or visible is None or s.room in visible)
            and (not room or s.room in ("", room))
        ]
        return _json({"silences": items})

    async def add_silence(request: web.Request) -> web.Response:
        data = await _body(request)
        if isinstance(data, web.Response):
            return data
        now = manager.clock.now()
        for key in ("room", "plan_id", "created_by", "comment"):
            if not isinstance(data.get(key, ""), str):
                return _error(400, key, "must be a string")
        # Who silenced is the logged-in user, never what the body claims.
        user = current_user(request).id
        if data.get("created_by", user) != user:
            return _error(400, "created_by", f"is taken from the login ({user}); leave it out")
        room = str(data.get("room", ""))
        if (denied := _may_silence(request, room)) is not None:
            return denied
        numbers: dict[str, float] = {}
        for key, lo, hi in (
            ("duration", 1.0, MAX_SILENCE),
            ("starts_at", 0.0, MAX_TIMESTAMP),
            ("ends_at", 0.0, MAX_TIMESTAMP),
        ):
            value = data.get(key)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                return _error(400, key, "must be a number of seconds")
            if not math.isfinite(value) or not lo <= value <= hi:
                return _error(400, key, f"must be a finite number between {lo:g} and {hi:g}")
            numbers[key] = float(value)
        starts = numbers.get("starts_at")
        if "duration" in numbers:
            ends = (starts if starts is not None else now) + numbers["duration"]
        elif "ends_at" in numbers:
            ends = numbers["ends_at"]
        else:
            return _error(400, "duration", "give duration (seconds) or ends_at")
        if ends - (starts if starts is not None else now) > MAX_SILENCE:
            return _error(400, "duration", "a silence lasts at most 30 days")
        try:
            silence = await manager.silences.add(
                now=now,
                room=room,
                plan_id=str(data.get("plan_id", "")),
                starts_at=starts,
                ends_at=ends,
                created_by=user,
                comment=str(data.get("comment", ""))[:500],
            )
        except ValueError as exc:
            field, _, reason = str(exc).partition(": ")
            return _error(400, field, reason)
        await audit(request, "silence_add", room=room, target=silence.id)
        return _json(silence.to_dict(), 201)

    async def end_silence(request: web.Request) -> web.Response:
        actor = current_user(request).id
        if request.query.get("actor", actor) != actor:
            return _error(400, "actor", f"is taken from the login ({actor}); leave it out")
        silence_id = request.match_info["silence_id"]
        found = await manager.silences.get(silence_id)
        # Another team's silence answers like an unknown one: its id tells nothing.
        if found is None or (found.room and not _sees(request, found.room)):
            return _error(404, "", "no such silence")
        if (denied := _may_silence(request, found.room)) is not None:
            return denied
        ended = await manager.silences.expire(silence_id, now=manager.clock.now(), actor=actor)
        if ended is None:
            return _error(404, "", "no such silence")
        await audit(request, "silence_end", room=found.room, target=silence_id)
        return _json(ended.to_dict())

    def register(app: web.Application) -> None:
        app.router.add_get("/api/v1/dead-letters", list_dead_letters)
        app.router.add_post("/api/v1/dead-letters/replay", replay_dead_letters)
        app.router.add_get("/api/v1/silences", list_silences)
        app.router.add_post("/api/v1/silences", add_silence)
        app.router.add_delete("/api/v1/silences/{silence_id}", end_silence)

    return register
