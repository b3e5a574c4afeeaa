"""Build the aiohttp application: one port for console, API, feed, ingest and metrics."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
from aiohttp import WSMsgType, web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from alerts.manager import AlertActionError
from alerts.model import AlertState, alert_to_dict
from alerts.store.base import FeedItem
from monitor.web import sockets
from monitor.web.keys import SERVICE

if TYPE_CHECKING:
    from monitor.app import Service

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
FEED_HEARTBEAT = 15.0
MAX_BODY = 64 * 1024 * 1024  # hard cap; each endpoint enforces its own smaller limit


def json_response(data: object, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type="application/json")


def error_response(status: int, message: str, **extra: object) -> web.Response:
    return json_response({"error": message, **extra}, status=status)


async def healthz(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    checks = await service.readiness()
    ok = all(checks.values())
    return json_response({"ready": ok, "checks": checks}, status=200 if ok else 503)


async def metrics(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    body = await asyncio.get_running_loop().run_in_executor(None, generate_latest, service.registry)
    resp = web.Response(body=body)
    resp.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return resp


async def console(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "console.html")


async def list_alerts(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    states = None
    if state := request.query.get("state"):
        try:
            states = [AlertState(s) for s in state.split(",")]
        except ValueError:
            return error_response(400, "state: must be firing, acknowledged or resolved")
    alerts = await service.store.list_alerts(states=states, limit=500)
    return json_response({"alerts": [alert_to_dict(a) for a in alerts]})


async def alert_action(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    alert_id = request.match_info["alert_id"]
    action = request.match_info["action"]
    actor = "console"
    try:
        if action == "ack":
            alert = await service.manager.acknowledge(alert_id, actor)
        elif action == "unack":
            alert = await service.manager.unacknowledge(alert_id, actor)
        elif action == "resolve":
            alert = await service.manager.resolve(alert_id, actor)
        else:
            return error_response(404, f"unknown action {action!r}")
    except AlertActionError as exc:
        return error_response(exc.status, str(exc))
    return json_response(alert_to_dict(alert))


async def feed(request: web.Request) -> web.WebSocketResponse:
    """Stream feed items; `?after=SEQ` replays what the client missed, then goes live."""
    service = request.app[SERVICE]
    try:
        after = int(request.query.get("after", "0"))
    except ValueError:
        raise web.HTTPBadRequest(text="after: must be an integer sequence number") from None
    ws = web.WebSocketResponse(heartbeat=FEED_HEARTBEAT, max_msg_size=64 * 1024)
    await ws.prepare(request)
    sockets.track(request, ws)
    sub = service.feed.subscribe(None)
    try:
        last = after
        for item in await service.store.read_feed(after, limit=10_000):
            await ws.send_str(_feed_text(item))
            last = item.seq
        reader = asyncio.create_task(_drain_client(ws))
        while not ws.closed:
            getter = asyncio.create_task(sub.queue.get())
            lagged = asyncio.create_task(sub.lagged.wait())
            done, pending = await asyncio.wait(
                {getter, lagged, reader}, return_when=asyncio.FIRST_COMPLETED
            )
            for task in pending - {reader}:
                task.cancel()
            if getter in done:
                item = getter.result()
                if item.seq > last:
                    await ws.send_str(_feed_text(item))
                    last = item.seq
            if lagged in done and sub.queue.empty():
                await ws.close(code=4000, message=b"lagged: resume with ?after")
                break
            if reader in done:
                break
        reader.cancel()
    finally:
        service.feed.unsubscribe(sub)
    return ws


async def _drain_client(ws: web.WebSocketResponse) -> None:
    async for msg in ws:
        if msg.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
            return


def _feed_text(item: FeedItem) -> str:
    return orjson.dumps(
        {"seq": item.seq, "type": item.type, "room": item.room, "ts": item.ts, "data": item.data}
    ).decode()


def build_web_app(service: Service) -> web.Application:
    """Return the aiohttp app serving every HTTP route of the service."""
    app = web.Application(client_max_size=MAX_BODY)
    app[SERVICE] = service
    sockets.install(app)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/", console)
    app.router.add_get("/api/v1/alerts", list_alerts)
    app.router.add_post("/api/v1/alerts/{alert_id}/{action}", alert_action)
    app.router.add_get("/api/v1/feed", feed)
    app.router.add_static("/static", STATIC)
    for register in service.route_plugins:
        register(app)
    return app
