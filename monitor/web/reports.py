"""The response-time report API: JSON or CSV, per controller or per room, for your rooms."""

from __future__ import annotations

from aiohttp import web

from alerts.reports import GroupBy, build_report, report_csv
from monitor.web.auth import ACCESS, current_user
from monitor.web.keys import SERVICE
from monitor.web.util import bad_request, float_query, json_response

DEFAULT_SPAN = 30 * 86_400.0
MAX_ALERTS = 100_000


async def response_report(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    user = current_user(request)
    by = request.query.get("by", "controller")
    if by not in ("controller", "room"):
        raise bad_request("by: must be controller or room")
    fmt = request.query.get("format", "json")
    if fmt not in ("json", "csv"):
        raise bad_request("format: must be json or csv")
    now = service.clock.now()
    since = float_query(request, "since")
    until = float_query(request, "until")
    since = now - DEFAULT_SPAN if since is None else since
    until = now if until is None else until
    if until < since:
        raise bad_request("until: must not be before since")
    rooms = request.app[ACCESS].directory.rooms_of(user)
    alerts = await service.store.list_alerts(
        rooms=None if rooms is None else sorted(rooms), since=since, limit=MAX_ALERTS
    )
    alerts = [a for a in alerts if a.started_at <= until]
    group: GroupBy = "controller" if by == "controller" else "room"
    rows = build_report(alerts, group, now)
    if fmt == "csv":
        return web.Response(
            text=report_csv(rows, group),
            content_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="roomwatch-{by}.csv"'},
        )
    return json_response(
        {"by": by, "since": since, "until": until, "rows": [r.public() for r in rows]}
    )


def register(app: web.Application) -> None:
    app.router.add_get("/api/v1/reports/response-times", response_report)
