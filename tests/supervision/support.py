"""Serve a roomwatch built from a config and a store on a free port, for page and API tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from alerts.store.base import AlertStore
from config.schema import Config
from monitor.app import Service, build_service
from monitor.runner import serve
from tests.detect_support import compile_once


@dataclass
class Served:
    base: str
    service: Service


@asynccontextmanager
async def serve_config(config: Config, store: AlertStore | None = None) -> AsyncIterator[Served]:
    """Yield the running service and its base URL; stop it after."""
    service = build_service(config, store=store, compiler=compile_once)
    stop = asyncio.Event()
    ready = asyncio.Event()
    ports: list[int] = []

    def on_ready(port: int) -> None:
        ports.append(port)
        ready.set()

    task = asyncio.create_task(serve(service, "127.0.0.1", 0, on_ready=on_ready, stop=stop))
    try:
        await asyncio.wait_for(ready.wait(), 10)
        yield Served(f"http://127.0.0.1:{ports[0]}", service)
    finally:
        stop.set()
        await task
