"""Questions and broadcasts API: a room's unanswered questions, marking them, and starting
or ending a broadcast when the platform sends no stream events."""

from __future__ import annotations

from aiohttp import web

from monitor.supervision.questions import QuestionError
from monitor.supervision.service import Supervision
from monitor.web.auth import audit, current_user, require_room
from monitor.web.keys import SERVICE
from monitor.web.util import error_response, int_query, json_response

MARKS = {"answered": True, "not_question": False}


def supervision_of(request: web.Request) -> Supervision:
    s = request.app[SERVICE].supervision
    if s is None:
        raise web.HTTPServiceUnavailable(
            text='{"error": "supervision: not running"}', content_type="application/json"
        )
    return s


def _room(request: web.Request) -> str:
    room = request.match_info["room"]
    known = {r.id for r in request.app[SERVICE].config.rooms}
    if room not in known:
        raise web.HTTPNotFound(text='{"error": "room: unknown"}', content_type="application/json")
    require_room(request, room)
    return room


async def list_questions(request: web.Request) -> web.Response:
    """A room's unanswered questions, oldest first, and how long the oldest has waited."""
    s = supervision_of(request)
    room = _room(request)
    limit = int_query(request, "limit", 200, 1, 5000)
    now = s.clock.now()
    count, oldest = s.questions.backlog(room, now)
    questions = s.questions.open_questions(room)[:limit]
    return json_response(
        {
            "room": room,
            "open": count,
            "oldest_seconds": oldest,
            "answer_within": s.settings.answer_within,
            "now": now,
            "questions": [q.to_dict() for q in questions],
        }
    )


async def mark_question(request: web.Request) -> web.Response:
    """Mark an open question answered or "not a question" (timed like alert actions)."""
    s = supervision_of(request)
    room = _room(request)
    how = request.match_info["how"]
    if how not in MARKS:
        return error_response(404, f"action: unknown {how!r} (answered or not_question)")
    qid = request.match_info["qid"]
    user = current_user(request)
    target = f"{room}/{qid}"
    try:
        q = s.mark(room, qid, MARKS[how], user.id)
    except QuestionError as exc:
        await audit(request, f"question_{how}", room=room, target=target, ok=False, detail=str(exc))
        return error_response(exc.status, str(exc))
    await audit(request, f"question_{how}", room=room, target=target)
    return json_response(q)


async def get_broadcast(request: web.Request) -> web.Response:
    """The room's live broadcast with its figures so far (null when none runs)."""
    s = supervision_of(request)
    room = _room(request)
    b = s.live.get(room)
    return json_response({"room": room, "live": b.to_dict() if b is not None else None})


async def broadcast_action(request: web.Request) -> web.Response:
    """Start or end a room's broadcast by hand (platforms without stream events)."""
    s = supervision_of(request)
    room = _room(request)
    action = request.match_info["action"]
    if action not in ("start", "end"):
        return error_response(404, f"action: unknown {action!r} (start or end)")
    user = current_user(request)
    now = s.clock.now()
    if action == "start":
        b, started = s.start(room, user.id, now)
        if not started:
            await audit(request, "broadcast_start", room=room, ok=False, detail="already live")
            return error_response(409, "broadcast: already live", broadcast=b.id)
    else:
        ended = s.end(room, user.id, now)
        if ended is None:
            await audit(request, "broadcast_end", room=room, ok=False, detail="none live")
            return error_response(409, "broadcast: none live in this room")
        b = ended
    await audit(request, f"broadcast_{action}", room=room, target=b.id)
    return json_response(b.to_dict())


def register(app: web.Application) -> None:
    app.router.add_get("/api/v1/rooms/{room}/questions", list_questions)
    app.router.add_post("/api/v1/rooms/{room}/questions/{qid}/{how}", mark_question)
    app.router.add_get("/api/v1/rooms/{room}/broadcast", get_broadcast)
    app.router.add_post("/api/v1/rooms/{room}/broadcast/{action}", broadcast_action)
