"""Typed application keys shared by the web handlers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from monitor.app import Service

SERVICE: web.AppKey[Service] = web.AppKey("service")
