"""The alert REST API: list and read alerts, act on them and their flagged comments, rooms."""

from __future__ import annotations

import time
from typing import Any

import orjson
from aiohttp import web

from alerts.manager import AlertActionError
from alerts.model import Alert, AlertState, CommentAction, Severity, alert_to_dict
from monitor.web.auth import ACCESS, audit, current_user, require_room
from monitor.web.feedback import record_false_positive
from monitor.web.keys import ROOM_STATS, SERVICE
from monitor.web.util import bad_request, error_response, int_query, json_response, read_json

OVERVIEW_TTL = 1.0  # seconds a rooms overview body is served again
OVERVIEW_ENTRIES = 1_000  # distinct room sets kept before stale ones are dropped
ROOMS_OVERVIEW: web.AppKey[OverviewCache] = web.AppKey("rooms_overview")

ACTIONS = {"ack": "acknowledge", "unack": "unacknowledge", "resolve": "resolve"}
FLAGS_PAGE = 2_000  # feed seqs read at a time, newest first, looking for flags
FLAGS_PAGES = 10  # pages read at most (a console's rooms may have been quiet a while)


def _split(request: web.Request, name: str) -> list[str] | None:
    raw = request.query.get(name, "")
    return [s for s in raw.split(",") if s] or None


async def list_alerts(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    user = current_user(request)
    allowed = request.app[ACCESS].directory.rooms_of(user)
    states = severities = None
    try:
        if s := _split(request, "state"):
            states = [AlertState(x) for x in s]
        if s := _split(request, "severity"):
            severities = {Severity(x) for x in s}
    except ValueError:
        raise bad_request("state/severity: unknown value") from None
    rooms = _split(request, "room")
    if rooms is not None and allowed is not None:
        denied = [r for r in rooms if r not in allowed]
        if denied:
            return error_response(403, f"room: not one of your rooms: {', '.join(denied)}")
    if rooms is None and allowed is not None:
        rooms = sorted(allowed)
    limit = int_query(request, "limit", 500, 1, 5000)
    alerts = await service.store.list_alerts(rooms=rooms, states=states, limit=limit)
    if severities is not None:
        alerts = [a for a in alerts if a.severity in severities]
    return json_response({"alerts": [alert_to_dict(a) for a in alerts]})


async def _visible_alert(request: web.Request) -> Alert:
    alert = await request.app[SERVICE].store.get_alert(request.match_info["alert_id"])
    if alert is None:
        raise web.HTTPNotFound(
            text='{"error": "alert: not found"}', content_type="application/json"
        )
    require_room(request, alert.room)
    return alert


async def get_alert(request: web.Request) -> web.Response:
    return json_response(alert_to_dict(await _visible_alert(request)))


async def _note(request: web.Request) -> str:
    body: dict[str, Any] = await read_json(request, max_bytes=8192) if request.can_read_body else {}
    note = body.get("note", "")
    if not isinstance(note, str):
        raise bad_request("note: must be a string")
    return note[:500]


async def alert_action(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    user = current_user(request)
    action = request.match_info["action"]
    if action not in ACTIONS:
        return error_response(404, f"action: unknown {action!r} (ack, unack or resolve)")
    alert = await _visible_alert(request)
    note = await _note(request)
    try:
        if action == "ack":
            alert = await service.manager.acknowledge(alert.id, user.id, note)
        elif action == "unack":
            alert = await service.manager.unacknowledge(alert.id, user.id, note)
        else:
            alert = await service.manager.resolve(alert.id, user.id, note)
    except AlertActionError as exc:
        await audit(
            request, ACTIONS[action], room=alert.room, target=alert.id, ok=False, detail=str(exc)
        )
        return error_response(exc.status, str(exc))
    await audit(request, ACTIONS[action], room=alert.room, target=alert.id, detail=note)
    return json_response(alert_to_dict(alert))


async def comment_action(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    user = current_user(request)
    alert = await _visible_alert(request)
    body = await read_json(request, max_bytes=8192)
    try:
        action = CommentAction(str(body.get("action", "")))
    except ValueError:
        raise bad_request("action: must be deleted, muted, replied or false_positive") from None
    note = body.get("note", "")
    if not isinstance(note, str):
        raise bad_request("note: must be a string")
    event_id = request.match_info["event_id"]
    target = f"{alert.id}/{event_id}"
    try:
        updated = await service.manager.handle_comment(alert.id, event_id, action, user.id, note)
    except AlertActionError as exc:
        await audit(
            request,
            f"comment_{action.value}",
            room=alert.room,
            target=target,
            ok=False,
            detail=str(exc),
        )
        return error_response(exc.status, str(exc))
    await audit(
        request, f"comment_{action.value}", room=alert.room, target=target, detail=note[:500]
    )
    if action is CommentAction.FALSE_POSITIVE:
        comment = next(c for c in updated.comments if c.event_id == event_id)
        await record_false_positive(request, updated, comment, user.id)
    return json_response(alert_to_dict(updated))


async def recent_flags(request: web.Request) -> web.Response:
    """Return the newest flagged comments of the user's rooms (newest first) from the feed log.

    `before` is the feed seq to look back from (a console passes the hello frame's
    `after`, so nothing is shown twice); by default the newest seq this instance saw.
    """
    service = request.app[SERVICE]
    rooms = request.app[ACCESS].directory.rooms_of(current_user(request))
    limit = int_query(request, "limit", 50, 1, 500)
    head = max(service.feed.head, 0)
    before = int_query(request, "before", head, 0, 2**62)
    found: list[dict[str, Any]] = []
    top = before
    for _ in range(FLAGS_PAGES):
        if top <= 0 or len(found) >= limit:
            break
        low = max(0, top - FLAGS_PAGE)
        items = await service.store.read_feed(low, rooms=rooms, limit=FLAGS_PAGE)
        page = [
            {"seq": i.seq, "room": i.room, "ts": i.ts, **i.data}
            for i in items
            if i.type == "flag" and i.seq <= top
        ]
        found.extend(reversed(page))
        top = low
    return json_response({"flags": found[:limit], "before": before})


class OverviewCache:
    """Rooms overview bodies by the rooms they show, served again for OVERVIEW_TTL seconds.

    Every console polls the overview every 3 s; consoles that see the same rooms (the
    supervisors of a team, every admin) then share one body a second instead of each
    building it.
    """

    def __init__(self) -> None:
        self._bodies: dict[tuple[str, ...], tuple[float, bytes]] = {}

    def get(self, rooms: tuple[str, ...], now: float) -> bytes | None:
        hit = self._bodies.get(rooms)
        return hit[1] if hit is not None and now - hit[0] < OVERVIEW_TTL else None

    def put(self, rooms: tuple[str, ...], now: float, body: bytes) -> None:
        if len(self._bodies) >= OVERVIEW_ENTRIES:
            self._bodies = {k: v for k, v in self._bodies.items() if now - v[0] < OVERVIEW_TTL}
        self._bodies[rooms] = (now, body)


async def rooms(request: web.Request) -> web.Response:
    directory = request.app[ACCESS].directory
    visible = directory.visible_rooms(current_user(request))
    cache, now = request.app[ROOMS_OVERVIEW], time.monotonic()
    key = tuple(visible)
    if (body := cache.get(key, now)) is None:
        body = orjson.dumps({"rooms": _overview(request, visible)})
        cache.put(key, now, body)
    return web.Response(body=body, content_type="application/json")


def _overview(request: web.Request, visible: list[str]) -> list[dict[str, Any]]:
    service = request.app[SERVICE]
    figures = request.app[ROOM_STATS].figures(visible)
    # Kept in step with every alert change here and re-read from the store every few
    # seconds (other instances' changes), like roomwatch_alerts_open: a poll reads no alert.
    counts = service.alert_metrics.open_by_room(visible)
    names = {r.id: r for r in service.config.rooms}
    out = []
    for room in visible:
        cfg = names.get(room)
        out.append(
            {
                "id": room,
                "name": cfg.name if cfg else room,
                "platform": cfg.platform if cfg else "",
                **figures[room],
                "open_alerts": sum(counts[room].values()),
                "open_by_severity": counts[room],
            }
        )
    return out


def register(app: web.Application) -> None:
    app[ROOMS_OVERVIEW] = OverviewCache()
    app.router.add_get("/api/v1/alerts", list_alerts)
    app.router.add_get("/api/v1/alerts/{alert_id}", get_alert)
    app.router.add_post("/api/v1/alerts/{alert_id}/comments/{event_id}", comment_action)
    app.router.add_post("/api/v1/alerts/{alert_id}/{action}", alert_action)
    app.router.add_get("/api/v1/rooms", rooms)
    app.router.add_get("/api/v1/flags", recent_flags)
