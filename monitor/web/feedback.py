"""False-positive feedback: a comment marked false positive is recorded for review.

A supervisor or admin turns a report into an allowlist term (monitor/web/allowlist.py):
the matched term, a contact token, or a wider phrase around it.
"""

from __future__ import annotations

from aiohttp import web

from alerts.model import Alert, FlaggedComment, evidence_to_dict
from monitor.web.auth import ACCESS, current_user
from monitor.web.keys import SERVICE
from monitor.web.util import int_query, json_response

FP_KIND = "false_positive"


async def record_false_positive(
    request: web.Request, alert: Alert, comment: FlaggedComment, actor: str
) -> None:
    """Keep the false-positive report: room, category, the matched terms, the text."""
    service = request.app[SERVICE]
    await service.store.append_record(
        FP_KIND,
        {
            "ts": service.clock.now(),
            "room": alert.room,
            "alert_id": alert.id,
            "plan_id": alert.plan_id,
            "event_id": comment.event_id,
            "category": comment.category,
            "text": comment.text,
            "terms": sorted({e.term for e in comment.evidence}),
            "evidence": [evidence_to_dict(e) for e in comment.evidence],
            "by": actor,
        },
    )


async def list_false_positives(request: web.Request) -> web.Response:
    user = current_user(request)
    rooms = request.app[ACCESS].directory.rooms_of(user)
    limit = int_query(request, "limit", 200, 1, 5000)
    records = await request.app[SERVICE].store.read_records(FP_KIND, limit=50_000)
    out = [r for r in reversed(records) if rooms is None or r.get("room") in rooms]
    return json_response({"false_positives": out[:limit]})


def register(app: web.Application) -> None:
    app.router.add_get("/api/v1/false-positives", list_false_positives)
