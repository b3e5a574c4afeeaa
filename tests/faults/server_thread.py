"""Serve a Service from a background thread so synchronous (hypothesis) tests can hammer it."""

from __future__ import annotations

import asyncio
import threading

from monitor.app import Service
from monitor.runner import serve


class ServerThread:
    """Run `serve(service)` on its own event loop in a daemon thread."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.port = 0
        self.cookie = ""  # a logged-in session, set by tests that log in
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="roomwatch-server", daemon=True)

    def _main(self) -> None:
        async def run() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()

            def ready(port: int) -> None:
                self.port = port
                self._ready.set()

            await serve(self.service, "127.0.0.1", 0, on_ready=ready, stop=self._stop)

        try:
            asyncio.run(run())
        except BaseException as exc:  # surfaced by start()/stop()
            self._error = exc
            self._ready.set()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, within: float = 20.0) -> None:
        self._thread.start()
        if not self._ready.wait(within) or self._error is not None:
            raise RuntimeError(f"server did not start: {self._error!r}")

    def stop(self, within: float = 20.0) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(within)
        if self._error is not None:
            raise self._error
