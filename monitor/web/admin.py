"""Operator endpoints for alerting: dead letters (list, replay) and silences (list, add, end)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from aiohttp import web

from alerts.manager import AlertManager
from alerts.notify.dispatch import Dispatcher
from monitor.web.auth import current_user

MAX_BODY = 16 * 1024
MAX_SILENCE = 30 * 86_400.0


def _json(data: object, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type="application/json")


def _error(status: int, field: str, reason: str) -> web.Response:
    return _json({"error": f"{field}: {reason}" if field else reason, "field": field}, status)


async def _body(request: web.Request) -> dict[str, Any] | web.Response:
    raw = await request.content.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        return _error(413, "", f"body larger than {MAX_BODY} bytes")
    try:
        data = orjson.loads(raw or b"{}")
    except orjson.JSONDecodeError:
        return _error(400, "", "body is not valid JSON")
    if not isinstance(data, dict):
        return _error(400, "", "body must be a JSON object")
    return data


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
        now = manager.clock.now()
        items = [s.to_dict() | {"active": s.active(now)} for s in await manager.silences.all()]
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
        for key in ("duration", "starts_at", "ends_at"):
            value = data.get(key)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                return _error(400, key, "must be a number of seconds")
        starts = data.get("starts_at")
        if data.get("duration") is not None:
            ends = (starts if starts is not None else now) + float(data["duration"])
        elif data.get("ends_at") is not None:
            ends = float(data["ends_at"])
        else:
            return _error(400, "duration", "give duration (seconds) or ends_at")
        if ends - (starts if starts is not None else now) > MAX_SILENCE:
            return _error(400, "duration", "a silence lasts at most 30 days")
        try:
            silence = await manager.silences.add(
                now=now,
                room=str(data.get("room", "")),
                plan_id=str(data.get("plan_id", "")),
                starts_at=float(starts) if starts is not None else None,
                ends_at=ends,
                created_by=user,
                comment=str(data.get("comment", "")),
            )
        except ValueError as exc:
            field, _, reason = str(exc).partition(": ")
            return _error(400, field, reason)
        return _json(silence.to_dict(), 201)

    async def end_silence(request: web.Request) -> web.Response:
        actor = current_user(request).id
        if request.query.get("actor", actor) != actor:
            return _error(400, "actor", f"is taken from the login ({actor}); leave it out")
        ended = await manager.silences.expire(
            request.match_info["silence_id"], now=manager.clock.now(), actor=actor
        )
        if ended is None:
            return _error(404, "", "no such silence")
        return _json(ended.to_dict())

    def register(app: web.Application) -> None:
        app.router.add_get("/api/v1/dead-letters", list_dead_letters)
        app.router.add_post("/api/v1/dead-letters/replay", replay_dead_letters)
        app.router.add_get("/api/v1/silences", list_silences)
        app.router.add_post("/api/v1/silences", add_silence)
        app.router.add_delete("/api/v1/silences/{silence_id}", end_silence)

    return register
