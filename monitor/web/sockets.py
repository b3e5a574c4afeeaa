"""Open WebSockets of the web app, closed first on shutdown so a stop never waits on them."""

from __future__ import annotations

import asyncio
import contextlib
import weakref

from aiohttp import WSCloseCode, web

WEBSOCKETS: web.AppKey[weakref.WeakSet[web.WebSocketResponse]] = web.AppKey("websockets")
CLOSE_WITHIN = 2.0  # a console that does not answer the close frame is dropped after this


def install(app: web.Application) -> None:
    """Keep a registry of open WebSockets and close them when the app shuts down."""
    app[WEBSOCKETS] = weakref.WeakSet()
    app.on_shutdown.append(close_all)


def track(request: web.Request, ws: web.WebSocketResponse) -> None:
    """Register a prepared WebSocket so shutdown closes it."""
    request.app[WEBSOCKETS].add(ws)


async def close_all(app: web.Application) -> None:
    """Send every open WebSocket a going-away close; clients reconnect to another instance."""
    registry: weakref.WeakSet[web.WebSocketResponse] = app[WEBSOCKETS]
    sockets = [ws for ws in list(registry) if not ws.closed]
    await asyncio.gather(*(_close(ws) for ws in sockets))


async def _close(ws: web.WebSocketResponse) -> None:
    with contextlib.suppress(Exception, asyncio.TimeoutError):
        await asyncio.wait_for(
            ws.close(code=WSCloseCode.GOING_AWAY, message=b"roomwatch is stopping"), CLOSE_WITHIN
        )
