"""A fake JSON WebSocket stream (an in-house platform with its own field names).

There is no one real service behind the generic source: it stands for an in-house push that
sends one JSON object (or a list of them) per text frame, with field names the source's
`fields` mapping renames. What it reproduces of any real WebSocket server: subscriptions
sent by the client are recorded, WebSocket pings every 5 s with the connection dropped
when a pong takes longer than 2.5 s (aiohttp's heartbeat; real servers wait tens of seconds,
and a 0.1 s pong deadline, as this fake once had, dropped clients whose loop a loaded machine
held up, losing the frames broadcast meanwhile), and connections dropped on a kill and
accepted again on restart (FakeServer). Ids, limits and error codes are whatever each test sends.
"""

from __future__ import annotations

from aiohttp import WSMsgType, web

from tests.collectors.fake_base import FakeServer

PING_EVERY = 5.0  # seconds; aiohttp drops the connection when a pong takes half of it


class FakeJsonStream(FakeServer):
    """Records subscriptions and heartbeats; tests broadcast JSON frames."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[str] = []
        self.app.router.add_get("/stream", self._stream)

    async def _stream(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, heartbeat=PING_EVERY)
        await ws.prepare(request)
        self.connections += 1
        self.sockets.add(ws)
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self.received.append(msg.data)
        finally:
            self.sockets.discard(ws)
        return ws
