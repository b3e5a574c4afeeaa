"""Reviews and the monthly evaluation: lists per room, one review, its download, the month.

Pages: /review.html (a room's reviews and one review's charts) and /evaluation.html (the
month per person); their data comes from the API below, for the rooms the reader may see.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web

from monitor.supervision.evaluation import MonthError, evaluate, evaluation_csv, month_span
from monitor.web.auth import ACCESS, current_user, require_room
from monitor.web.questions import supervision_of
from monitor.web.review_file import review_html
from monitor.web.util import bad_request, error_response, json_response

STATIC = Path(__file__).resolve().parent / "static"
ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-")


async def review_page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "review.html", headers={"Cache-Control": "no-store"})


async def evaluation_page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "evaluation.html", headers={"Cache-Control": "no-store"})


def _visible(request: web.Request) -> list[str]:
    return request.app[ACCESS].directory.visible_rooms(current_user(request))


async def list_reviews(request: web.Request) -> web.Response:
    """The reviews of the rooms asked for (default: every room the reader sees), newest first."""
    s = supervision_of(request)
    visible = _visible(request)
    asked = [r for r in request.query.get("room", "").split(",") if r]
    denied = [r for r in asked if r not in visible]
    if denied:
        return error_response(403, f"room: not one of your rooms: {', '.join(denied)}")
    out = []
    for room in asked or visible:
        out.extend(await s.reviews.of_room(room))
    out.sort(key=lambda e: -float(e["ended_at"]))
    live = {room: b.to_dict() for room, b in s.live.items() if room in (asked or visible)}
    return json_response({"reviews": out, "live": live})


async def _review(request: web.Request) -> dict[str, object]:
    review_id = request.match_info["review_id"]
    if not review_id or len(review_id) > 200 or not set(review_id) <= ID_CHARS:
        raise bad_request("review: malformed id")
    review = await supervision_of(request).reviews.get(review_id)
    if review is None:
        raise web.HTTPNotFound(
            text='{"error": "review: not found"}', content_type="application/json"
        )
    require_room(request, str(review["room"]))
    return review


async def get_review(request: web.Request) -> web.Response:
    return json_response(await _review(request))


async def download_review(request: web.Request) -> web.Response:
    """The review as one self-contained HTML file (charts and data inside, no network)."""
    review = await _review(request)
    lang = request.query.get("lang", "zh")
    if lang not in ("zh", "en"):
        raise bad_request("lang: must be zh or en")
    name = f"roomwatch-review-{review['id']}.html".replace(":", "_")
    return web.Response(
        text=await asyncio.to_thread(review_html, review, lang),  # reads the static files
        content_type="text/html",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def evaluation(request: web.Request) -> web.Response:
    """The month per person: JSON or CSV. Controllers see their own row only."""
    s = supervision_of(request)
    user = current_user(request)
    zone = ZoneInfo(s.settings.timezone)
    month = request.query.get("month") or datetime.fromtimestamp(s.clock.now(), zone).strftime(
        "%Y-%m"
    )
    fmt = request.query.get("format", "json")
    if fmt not in ("json", "csv"):
        raise bad_request("format: must be json or csv")
    try:
        since, until = month_span(month, s.settings.timezone)
    except MonthError as exc:
        raise bad_request(str(exc)) from None
    reviews = await s.reviews.between(_visible(request), since, until)
    directory = request.app[ACCESS].directory
    only = frozenset({user.id}) if user.role == "controller" else None
    names = {}
    for review in reviews:
        for pid in review.get("people", {}):
            person = directory.get(pid)
            names[pid] = person.name if person is not None else ""
    rows = evaluate(reviews, names, only)
    if fmt == "csv":
        return web.Response(
            text=evaluation_csv(rows),
            content_type="text/csv",
            headers={
                "Content-Disposition": f'attachment; filename="roomwatch-evaluation-{month}.csv"'
            },
        )
    return json_response(
        {
            "month": month,
            "since": since,
            "until": until,
            "timezone": s.settings.timezone,
            "reviews": [
                {"id": r["id"], "room": r["room"], "ended_at": r["broadcast"]["ended_at"]}
                for r in reviews
            ],
            "rows": [r.public() for r in rows],
        }
    )


def register(app: web.Application) -> None:
    app.router.add_get("/review.html", review_page)
    app.router.add_get("/evaluation.html", evaluation_page)
    app.router.add_get("/api/v1/reviews", list_reviews)
    app.router.add_get("/api/v1/reviews/{review_id}", get_review)
    app.router.add_get("/api/v1/reviews/{review_id}/download", download_review)
    app.router.add_get("/api/v1/reports/evaluation", evaluation)
