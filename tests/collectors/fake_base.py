"""A restartable aiohttp server on 127.0.0.1 for the fake platform servers."""

from __future__ import annotations

import contextlib
import socket

from aiohttp import web

from tests.support import wait_for as wait_for  # the collectors tests import it from here


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class FakeServer:
    """Start, kill (connections dropped) and restart on the same port."""

    def __init__(self) -> None:
        self.app = web.Application()
        self.port = 0
        self._runner: web.AppRunner | None = None
        self.sockets: set[web.WebSocketResponse] = set()
        self.connections = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_base(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    async def start(self) -> None:
        if not self.port:
            self.port = free_port()
        self._runner = web.AppRunner(self.app, handle_signals=False, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
        await site.start()

    async def kill(self) -> None:
        """Drop every connection without a close handshake and stop listening."""
        for ws in list(self.sockets):
            transport = ws._req.transport if ws._req is not None else None
            if transport is not None:
                transport.abort()
        self.sockets.clear()
        if self._runner is not None:
            with contextlib.suppress(Exception):
                await self._runner.cleanup()
            self._runner = None

    async def restart(self) -> None:
        await self.start()

    async def close_clients(self, code: int = 1000) -> None:
        for ws in list(self.sockets):
            with contextlib.suppress(Exception):
                await ws.close(code=code)

    async def abort_clients(self) -> None:
        for ws in list(self.sockets):
            transport = ws._req.transport if ws._req is not None else None
            if transport is not None:
                transport.abort()

    async def broadcast(self, data: bytes | str) -> int:
        sent = 0
        for ws in list(self.sockets):
            if ws.closed:
                continue
            with contextlib.suppress(Exception):
                if isinstance(data, bytes):
                    await ws.send_bytes(data)
                else:
                    await ws.send_str(data)
                sent += 1
        return sent
