"""Run the service on a port until SIGINT/SIGTERM, then stop it gracefully."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable

from aiohttp import web, web_log
from aiohttp.web_request import BaseRequest

from monitor.app import Service
from monitor.web.app import build_metrics_app, build_web_app

log = logging.getLogger(__name__)

# Machine traffic that succeeds is not access-logged: ingest batches, scrapes, probes, the
# feed and the consoles' polls of the rooms overview would be hundreds of lines a second.
QUIET_PATHS = frozenset(
    {"/api/v1/ingest", "/metrics", "/healthz", "/readyz", "/api/v1/feed", "/api/v1/rooms"}
)


class AccessLog(web_log.AccessLogger):
    """aiohttp's access log without the successful requests of QUIET_PATHS."""

    def log(self, request: BaseRequest, response: web.StreamResponse, time: float) -> None:
        if response.status < 400 and request.path in QUIET_PATHS:
            return
        super().log(request, response, time)


async def serve(
    service: Service,
    host: str,
    port: int,
    *,
    on_ready: Callable[[int], None] | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Serve HTTP and run the pipeline until `stop` is set or a signal arrives."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Not every loop supports signal handlers (e.g. in a thread); serve anyway.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    app = build_web_app(service)
    # aiohttp closes a connection that has not sent a complete request head within the
    # keep-alive timeout of opening or of its previous answer: that is the header timeout
    # (slowloris). Bodies have their own deadline where they are read (monitor/httpbody.py).
    runner = web.AppRunner(
        app,
        handle_signals=False,
        shutdown_timeout=5.0,
        access_log_class=AccessLog,
        keepalive_timeout=service.config.server.header_timeout,
    )
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    runners = [runner]
    if listen := service.config.server.metrics_listen:
        metrics_host, _, metrics_port = listen.rpartition(":")
        metrics_runner = web.AppRunner(
            build_metrics_app(service),
            handle_signals=False,
            keepalive_timeout=service.config.server.header_timeout,
        )
        runners.append(metrics_runner)
        try:
            await metrics_runner.setup()
            await web.TCPSite(metrics_runner, metrics_host.strip("[]"), int(metrics_port)).start()
        except OSError:
            for each in runners:
                await each.cleanup()
            raise
    addresses = runner.addresses
    bound = int(addresses[0][1]) if addresses else port
    await service.start()
    if on_ready is not None:
        on_ready(bound)
    try:
        await stop.wait()
    finally:
        log.info("stopping: closing HTTP, draining the pipeline")
        for each in runners:
            await each.cleanup()
        await service.stop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
