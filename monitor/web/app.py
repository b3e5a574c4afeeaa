"""Build the aiohttp application: one port for console, API, feed, ingest and metrics."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from monitor.access.audit import AuditLog
from monitor.access.directory import Directory
from monitor.access.failures import AuthFailures
from monitor.access.sessions import SessionStore
from monitor.exposition import CONTENT_TYPE as METRICS_CONTENT_TYPE
from monitor.exposition import encode as encode_metrics
from monitor.roomstats import SAMPLE_EVERY, RoomStats
from monitor.web import (
    allowlist,
    api,
    auth,
    feed,
    feedback,
    people,
    questions,
    reports,
    reviews,
    sockets,
)
from monitor.web.auth import ACCESS, Access, auth_middleware
from monitor.web.guard import (
    GUARD,
    Guard,
    add_security_headers,
    guard_middleware,
    json_body_middleware,
)
from monitor.web.keys import ROOM_STATS, SERVICE
from monitor.web.revocation import FEED_GRANTS, FeedGrants
from monitor.web.util import error_response, json_response

if TYPE_CHECKING:
    from monitor.app import Service

__all__ = ["build_web_app", "error_response", "json_response"]

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY = 64 * 1024 * 1024  # hard cap; each endpoint enforces its own smaller limit
PEOPLE_REFRESH = 5.0  # seconds; picks up people changed on another instance


async def healthz(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    checks = await service.readiness()
    ok = all(checks.values())
    return json_response({"ready": ok, "checks": checks}, status=200 if ok else 503)


async def metrics(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    if token := service.config.server.metrics_token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            refused = error_response(401, "metrics: send Authorization: Bearer <metrics_token>")
            refused.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return refused
    accept = request.headers.get("Accept-Encoding", "")
    body, encoding = await asyncio.get_running_loop().run_in_executor(
        None, encode_metrics, service.registry, accept
    )
    resp = web.Response(body=body)
    resp.headers["Content-Type"] = METRICS_CONTENT_TYPE
    resp.headers["Vary"] = "Accept-Encoding"
    if encoding:
        resp.headers["Content-Encoding"] = encoding
    return resp


async def console(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "console.html", headers={"Cache-Control": "no-store"})


async def login_page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "login.html", headers={"Cache-Control": "no-store"})


async def _background(app: web.Application) -> AsyncIterator[None]:
    """Refresh the people directory and allowlist, and sample room figures, while the app runs."""
    access, stats = app[ACCESS], app[ROOM_STATS]
    try:
        await access.directory.refresh()
    except Exception:
        log.exception("cannot read people from the store; using the config only")
    try:
        await allowlist.rebuild(app)
    except Exception:
        log.exception("cannot read allowlist terms from the store; retried shortly")

    async def loop() -> None:
        since_refresh = 0.0
        while True:
            stats.sample()
            await asyncio.sleep(SAMPLE_EVERY)
            since_refresh += SAMPLE_EVERY
            if since_refresh >= PEOPLE_REFRESH:
                since_refresh = 0.0
                try:
                    await access.directory.refresh()
                    await allowlist.rebuild(app)  # terms and team rooms changed elsewhere
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.warning("people or allowlist refresh from the store failed", exc_info=True)

    tasks = [
        asyncio.create_task(loop(), name="web-background"),
        asyncio.create_task(app[FEED_GRANTS].run(), name="feed-access-checks"),
    ]
    yield
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task


def build_metrics_app(service: Service) -> web.Application:
    """Return an app serving only /metrics, for `server.metrics_listen`."""
    app = web.Application()
    app[SERVICE] = service
    app.on_response_prepare.append(add_security_headers)
    app.router.add_get("/metrics", metrics)
    return app


def build_web_app(service: Service) -> web.Application:
    """Return the aiohttp app serving every HTTP route of the service."""
    app = web.Application(
        client_max_size=MAX_BODY,
        middlewares=[guard_middleware, auth_middleware, json_body_middleware],
    )
    app[SERVICE] = service
    app[GUARD] = Guard.from_config(service.config.server, auth.self_authenticating)
    app.on_response_prepare.append(add_security_headers)
    sockets.install(app)
    config = service.config
    app[ACCESS] = Access(
        directory=Directory(config.people, tuple(r.id for r in config.rooms), service.store),
        sessions=SessionStore(service.store, service.clock, config.people.session_ttl),
        audit=AuditLog(service.store, service.clock),
        failures=AuthFailures(service.metrics.auth_failures),
        self_auth=frozenset(
            str(path) for src in config.sources if (path := getattr(src, "callback_path", None))
        ),
    )
    access = app[ACCESS]
    app[FEED_GRANTS] = FeedGrants(access.directory, access.sessions)
    app[ROOM_STATS] = RoomStats(service.negative_ratio.counts, service.pipeline.room_values)
    app.cleanup_ctx.append(_background)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    if not config.server.metrics_listen:  # else served on its own address (runner)
        app.router.add_get("/metrics", metrics)
    app.router.add_get("/", console)
    app.router.add_get("/login", login_page)
    for module in (auth, api, feed, feedback, allowlist, people, reports, questions, reviews):
        module.register(app)
    app.router.add_static("/static", STATIC)
    for register in service.route_plugins:
        register(app)
    return app
